-- Asn_Lv2SpecImprint: the conditions asnsql why evaluates, in order
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
-- check 4: exp_type matches mir_lrs-fixedslit|mir_lrs-slitless|mir_mrs|mir_wfss|nis_soss|nis_wfss|nrc_tsgrism|nrc_wfss|nrs_fixedslit|nrs_ifu|nrs_msaspec|nrs_brightobj
COALESCE(
  (
    STARTS_WITH("exp_type", 'mir_lrs-fixedslit')
    OR STARTS_WITH("exp_type", 'mir_lrs-slitless')
    OR STARTS_WITH("exp_type", 'mir_mrs')
    OR STARTS_WITH("exp_type", 'mir_wfss')
    OR STARTS_WITH("exp_type", 'nis_soss')
    OR STARTS_WITH("exp_type", 'nis_wfss')
    OR STARTS_WITH("exp_type", 'nrc_tsgrism')
    OR STARTS_WITH("exp_type", 'nrc_wfss')
    OR STARTS_WITH("exp_type", 'nrs_fixedslit')
    OR STARTS_WITH("exp_type", 'nrs_ifu')
    OR STARTS_WITH("exp_type", 'nrs_msaspec')
    OR "exp_type" = 'nrs_brightobj'
  ),
  FALSE
);
-- check 5: nrsifu_valid: NIRSpec IFU detector/grating/filter combination is valid
COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE);
-- check 6: is_imprt is defined
NOT "is_imprt" IS NULL;
-- check 7: program: program is defined
(
  NOT "program" IS NULL
);
-- check 8: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 9: detector: detector is defined
(
  NOT "detector" IS NULL
);
-- check 10: opt_elem: filter or band is defined
(
  NOT COALESCE("filter", "band") IS NULL
);
-- check 11: takes a role: science (level2_special exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
);
