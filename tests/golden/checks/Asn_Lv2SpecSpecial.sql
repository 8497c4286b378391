-- Asn_Lv2SpecSpecial: the conditions asnsql why evaluates, in order
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
-- check 4: bkgdtarg or is_psf is defined
NOT COALESCE("bkgdtarg", "is_psf") IS NULL;
-- check 5: nrsifu_valid: NIRSpec IFU detector/grating/filter combination is valid
COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE);
-- check 6: program: program is defined
(
  NOT "program" IS NULL
);
-- check 7: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 8: detector: detector is defined
(
  NOT "detector" IS NULL
);
-- check 9: opt_elem: filter or band is defined
(
  NOT COALESCE("filter", "band") IS NULL
);
-- check 10: exp_type: exp_type matches mir_lrs-fixedslit|mir_lrs-slitless|mir_mrs|mir_wfss|nis_soss|nis_wfss|nrc_tsgrism|nrc_wfss|nrs_fixedslit|nrs_ifu|nrs_msaspec|nrs_brightobj
(
  NOT "exp_type" IS NULL
  AND COALESCE(
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
  )
);
-- check 11: takes a role: imprint (is_imprt is defined; mosaic_tile: mostilno is defined) or science (level2_special exptype is one of science)
(
  (
    NOT "is_imprt" IS NULL AND (
      NOT "mostilno" IS NULL
    )
  )
  OR COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
);
