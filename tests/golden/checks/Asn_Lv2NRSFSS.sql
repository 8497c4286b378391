-- Asn_Lv2NRSFSS: the conditions asnsql why evaluates, in order
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
-- check 4: nrsfss_valid: NIRSpec fixed-slit detector/slit/grating/filter combination is valid
COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE);
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
-- check 9: exp_type: exp_type matches nrs_fixedslit
(
  NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_fixedslit', FALSE)
);
-- check 10: expspcin: expspcin is defined when level2 exptype is one of science
(
  NOT (
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
  )
  OR (
    NOT "expspcin" IS NULL
  )
);
-- check 11: nods: numdthpt is defined when level2 exptype is one of science
(
  NOT (
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
  )
  OR (
    NOT "numdthpt" IS NULL
  )
);
-- check 12: subpxpts: subpxpns or subpxpts is defined when level2 exptype is one of science
(
  NOT (
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
  )
  OR (
    NOT COALESCE("subpxpns", "subpxpts") IS NULL
  )
);
-- check 13: takes a role: member
(
  TRUE
);
