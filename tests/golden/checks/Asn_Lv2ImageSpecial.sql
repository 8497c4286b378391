-- Asn_Lv2ImageSpecial: the conditions asnsql why evaluates, in order
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
-- check 5: program: program is defined
(
  NOT "program" IS NULL
);
-- check 6: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 7: detector: detector is defined
(
  NOT "detector" IS NULL
);
-- check 8: opt_elem: filter or band is defined
(
  NOT COALESCE("filter", "band") IS NULL
);
-- check 9: exp_type: exp_type matches fgs_image|mir_4qpm|mir_image|mir_lyot|nis_ami|nis_image|nrc_coron|nrc_image|nrs_mimf|nrc_tsimage
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
-- check 10: takes a role: science (level2_special exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
);
