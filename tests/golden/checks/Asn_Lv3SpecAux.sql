-- Asn_Lv3SpecAux: the conditions asnsql why evaluates, in order
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
-- check 4: takes a role: member (none of (all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj))); target: targetid is defined when level3_aux exptype is not one of background, unless asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]; subarray: subarray is defined; bkgdtarg: bkgdtarg matches T; allowed_bkgdtarg: exp_type matches mir_lrs-fixedslit|nrs_fixedslit; obs_num: obs_num is defined; fxd_slit2: fxd_slit is defined when fxd_slit matches s200a1|s200a2) or target_acquisition (base exposure type is one of target_acquisition)
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
    AND (
      ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      OR (
        NOT (
          NOT (
            COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('background'), FALSE)
          )
        )
        OR (
          NOT "targetid" IS NULL
        )
      )
    )
    AND (
      NOT "subarray" IS NULL
    )
    AND (
      NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
    )
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'mir_lrs-fixedslit') OR "exp_type" = 'nrs_fixedslit'
        ),
        FALSE
      )
    )
  )
  OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
);
