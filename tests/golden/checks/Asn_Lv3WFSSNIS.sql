-- Asn_Lv3WFSSNIS: the conditions asnsql why evaluates, in order
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
-- check 4: takes a role: member (target: targetid is defined when level3 exptype is not one of background, unless asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]; exp_type: exp_type matches nis_wfss; opt_elem: filter matches gr150r|gr150c; opt_elem2: pupil is defined; obs_num: obs_num is defined) or target_acquisition (base exposure type is one of target_acquisition)
(
  (
    (
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
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nis_wfss', FALSE)
    )
    AND (
      NOT "filter" IS NULL
      AND COALESCE((
        STARTS_WITH("filter", 'gr150r') OR "filter" = 'gr150c'
      ), FALSE)
    )
    AND (
      NOT "pupil" IS NULL
    )
  )
  OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
);
