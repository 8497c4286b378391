-- Asn_Lv2CoronAsRate: the conditions asnsql why evaluates, in order
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
-- check 4: nrccoron_valid: NIRCam coronagraphic exposure is on an occulted detector
COALESCE(ASN_NRCCORON_VALID("detector", "subarray", "pupil"), FALSE);
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
-- check 9: exp_type: exp_type matches nrc_coron
(
  NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
);
-- check 10: subarray: subarray matches full
(
  NOT "subarray" IS NULL AND COALESCE("subarray" = 'full', FALSE)
);
-- check 11: takes a role: background (bkgdtarg is defined) or science (level2 exptype is one of science)
(
  NOT "bkgdtarg" IS NULL
  OR COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
);
