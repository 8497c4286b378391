-- Asn_Lv2WFSSNIS: the conditions asnsql why evaluates, in order
-- check 1: exp_type matches nis_wfss|nis_image
COALESCE((
  STARTS_WITH("exp_type", 'nis_wfss') OR "exp_type" = 'nis_image'
), FALSE);
-- check 2: program: program is defined
(
  NOT "program" IS NULL
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
-- check 5: pupil: pupil is defined
(
  NOT "pupil" IS NULL
);
-- check 6: subarray: subarray is defined
(
  NOT "subarray" IS NULL
);
-- check 7: takes a role: direct_image (all of (exp_type matches nis_image|nrc_image|mir_image; level2_wfss exptype is not one of science)) or other (level2_wfss exptype is not one of science) or science (level2_wfss exptype is one of science)
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
