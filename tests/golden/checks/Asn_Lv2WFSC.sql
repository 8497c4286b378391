-- Asn_Lv2WFSC: the conditions asnsql why evaluates, in order
-- check 1: visitype matches .+wfsc.+
ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)');
-- check 2: not all of (dms_note matches wfsc_los_jitter; exp_type matches nrc_image)
NOT (
  COALESCE("dms_note" = 'wfsc_los_jitter', FALSE)
  AND COALESCE("exp_type" = 'nrc_image', FALSE)
);
-- check 3: program: program is defined
(
  NOT "program" IS NULL
);
-- check 4: exp_type: exp_type matches fgs_image|mir_4qpm|mir_image|mir_lyot|nis_ami|nis_image|nrc_coron|nrc_image|nrs_mimf|nrc_tsimage
(
  NOT "exp_type" IS NULL
  AND COALESCE(
    (
      STARTS_WITH("exp_type", 'fgs_image')
      OR STARTS_WITH("exp_type", 'mir_4qpm')
      OR STARTS_WITH("exp_type", 'mir_image')
      OR STARTS_WITH("exp_type", 'mir_lyot')
      OR STARTS_WITH("exp_type", 'nis_ami')
      OR STARTS_WITH("exp_type", 'nis_image')
      OR STARTS_WITH("exp_type", 'nrc_coron')
      OR STARTS_WITH("exp_type", 'nrc_image')
      OR STARTS_WITH("exp_type", 'nrs_mimf')
      OR "exp_type" = 'nrc_tsimage'
    ),
    FALSE
  )
);
-- check 5: takes a role: science (level2 exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
);
