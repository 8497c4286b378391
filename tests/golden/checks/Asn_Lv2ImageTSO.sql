-- Asn_Lv2ImageTSO: the conditions asnsql why evaluates, in order
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
-- check 10: exp_type: exp_type matches fgs_image|mir_4qpm|mir_image|mir_lyot|nis_ami|nis_image|nrc_coron|nrc_image|nrs_mimf|nrc_tsimage
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
-- check 11: takes a role: science (level2 exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
);
