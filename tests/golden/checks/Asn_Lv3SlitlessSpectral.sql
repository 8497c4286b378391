-- Asn_Lv3SlitlessSpectral: the conditions asnsql why evaluates, in order
-- check 1: is_imprt is not defined
"is_imprt" IS NULL;
-- check 2: program: program is defined
(
  NOT "program" IS NULL
);
-- check 3: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 4: takes a role: member (all of (none of (all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj))); exp_type matches nis_soss; none of (patttype is defined); none of (exp_type matches mir_lrs-slitless; all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj)))); subarray: subarray is defined; target: targetid is defined when level3 exptype is not one of background, unless asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]; obs_num: obs_num is defined; fxd_slit2: fxd_slit is defined when fxd_slit matches s200a1|s200a2) or target_acquisition (base exposure type is one of target_acquisition)
(
  (
    (
      NOT (
        (
          COALESCE("pntgtype" = 'science', FALSE)
          AND (
            COALESCE("tsovisit" = 't', FALSE)
            OR COALESCE(
              (
                STARTS_WITH("exp_type", 'nrc_tsimage')
                OR STARTS_WITH("exp_type", 'nrc_tsgrism')
                OR "exp_type" = 'nrs_brightobj'
              ),
              FALSE
            )
          )
        )
      )
      AND COALESCE("exp_type" = 'nis_soss', FALSE)
      AND NOT (
        NOT "patttype" IS NULL
      )
      AND NOT (
        COALESCE("exp_type" = 'mir_lrs-slitless', FALSE)
        OR (
          COALESCE("pntgtype" = 'science', FALSE)
          AND (
            COALESCE("tsovisit" = 't', FALSE)
            OR COALESCE(
              (
                STARTS_WITH("exp_type", 'nrc_tsimage')
                OR STARTS_WITH("exp_type", 'nrc_tsgrism')
                OR "exp_type" = 'nrs_brightobj'
              ),
              FALSE
            )
          )
        )
      )
    )
    AND (
      NOT "subarray" IS NULL
    )
    AND (
      ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      OR (
        NOT (
          NOT (
            COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('background'), FALSE)
          )
        )
        OR (
          NOT "targetid" IS NULL
        )
      )
    )
  )
  OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
);
