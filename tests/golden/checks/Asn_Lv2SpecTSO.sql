-- Asn_Lv2SpecTSO: the conditions asnsql why evaluates, in order
-- check 1: none of (detector matches nirspec; filter matches opaque)
NOT (
  COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
);
-- check 2: not all of (detector matches nrcblong; exp_type matches nrc_tsgrism)
NOT (
  COALESCE("detector" = 'nrcblong', FALSE)
  AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
);
-- check 3: none of (visitype matches .+wfsc.+)
NOT (
  ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
);
-- check 4: pntgtype matches science
COALESCE("pntgtype" = 'science', FALSE);
-- check 5: any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj)
(
  COALESCE("tsovisit" = 't', FALSE)
  OR COALESCE(
    (
      STARTS_WITH("exp_type", 'nrc_tsimage')
      OR STARTS_WITH("exp_type", 'nrc_tsgrism')
      OR "exp_type" = 'nrs_brightobj'
    ),
    FALSE
  )
);
-- check 6: none of (all of (exp_type matches nrc_tsgrism; pupil matches clear))
NOT (
  (
    COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
    AND COALESCE("pupil" = 'clear', FALSE)
  )
);
-- check 7: none of (all of (exp_type matches nrs_brightobj; not nrsfss_valid: NIRSpec fixed-slit detector/slit/grating/filter combination is valid))
NOT (
  (
    COALESCE("exp_type" = 'nrs_brightobj', FALSE)
    AND NOT (
      COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE)
    )
  )
);
-- check 8: none of (all of (exp_type matches nis_soss; not nissoss_calibrated: NIRISS SOSS filter is calibrated))
NOT (
  (
    COALESCE("exp_type" = 'nis_soss', FALSE)
    AND NOT (
      COALESCE(ASN_NISSOSS_CALIBRATED("exp_type", "filter"), FALSE)
    )
  )
);
-- check 9: program: program is defined
(
  NOT "program" IS NULL
);
-- check 10: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 11: detector: detector is defined
(
  NOT "detector" IS NULL
);
-- check 12: opt_elem: filter or band is defined
(
  NOT COALESCE("filter", "band") IS NULL
);
-- check 13: exp_type: exp_type matches mir_mrs|mir_wfss|nis_soss|nis_wfss|nrc_tsgrism|nrc_wfss|nrs_ifu|nrs_brightobj
(
  NOT "exp_type" IS NULL
  AND COALESCE(
    (
      STARTS_WITH("exp_type", 'mir_mrs')
      OR STARTS_WITH("exp_type", 'mir_wfss')
      OR STARTS_WITH("exp_type", 'nis_soss')
      OR STARTS_WITH("exp_type", 'nis_wfss')
      OR STARTS_WITH("exp_type", 'nrc_tsgrism')
      OR STARTS_WITH("exp_type", 'nrc_wfss')
      OR STARTS_WITH("exp_type", 'nrs_ifu')
      OR "exp_type" = 'nrs_brightobj'
    ),
    FALSE
  )
);
-- check 14: takes a role: science (level2 exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
);
