-- Asn_Lv3NRSIFU: the conditions asnsql why evaluates, in order
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
-- check 4: takes a role: member (all of (exp_type matches nrs_autowave|nrs_ifu; nrsifu_valid: NIRSpec IFU detector/grating/filter combination is valid; none of (all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj)))); target: targetid is defined when level3 exptype is not one of background, unless asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]; patttype: patttype is defined; opt_elem: grating is defined; obs_num: obs_num is defined) or target_acquisition (base exposure type is one of target_acquisition)
(
  (
    (
      COALESCE((
        STARTS_WITH("exp_type", 'nrs_autowave') OR "exp_type" = 'nrs_ifu'
      ), FALSE)
      AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
      AND NOT (
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
    AND (
      NOT "patttype" IS NULL
    )
    AND (
      NOT "grating" IS NULL
    )
  )
  OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
);
