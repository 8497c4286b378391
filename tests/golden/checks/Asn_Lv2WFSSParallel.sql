-- Asn_Lv2WFSSParallel: the conditions asnsql why evaluates, in order
-- check 1: asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]
ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)');
-- check 2: any of (exp_type matches nis_wfss|nrc_wfss|mir_wfss; exp_type matches nis_image|nrc_image|mir_image)
(
  COALESCE(
    (
      STARTS_WITH("exp_type", 'nis_wfss')
      OR STARTS_WITH("exp_type", 'nrc_wfss')
      OR "exp_type" = 'mir_wfss'
    ),
    FALSE
  )
  OR COALESCE(
    (
      STARTS_WITH("exp_type", 'nis_image')
      OR STARTS_WITH("exp_type", 'nrc_image')
      OR "exp_type" = 'mir_image'
    ),
    FALSE
  )
);
-- check 3: target: targetid is defined, unless asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]
(
  ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
  OR (
    NOT "targetid" IS NULL
  )
);
-- check 4: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 5: takes a role: direct_image (all of (exp_type matches nis_image|nrc_image|mir_image; level2_wfss exptype is not one of science)) or other (level2_wfss exptype is not one of science) or science (level2_wfss exptype is one of science)
(
  (
    COALESCE(
      (
        STARTS_WITH("exp_type", 'nis_image')
        OR STARTS_WITH("exp_type", 'nrc_image')
        OR "exp_type" = 'mir_image'
      ),
      FALSE
    )
    AND NOT (
      COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    )
  )
  OR NOT (
    COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
  )
  OR COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
);
