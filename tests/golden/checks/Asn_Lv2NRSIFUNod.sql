-- Asn_Lv2NRSIFUNod: the conditions asnsql why evaluates, in order
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
-- check 4: nrsifu_valid: NIRSpec IFU detector/grating/filter combination is valid
COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE);
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
-- check 9: exp_type: exp_type matches nrs_ifu
(
  NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
);
-- check 10: patttype: patttype matches 2-point-nod|4-point-nod
(
  NOT "patttype" IS NULL
  AND COALESCE((
    STARTS_WITH("patttype", '2-point-nod') OR "patttype" = '4-point-nod'
  ), FALSE)
);
-- check 11: mosaic_tile: mostilno is defined
(
  NOT "mostilno" IS NULL
);
-- check 12: takes a role: member
(
  TRUE
);
