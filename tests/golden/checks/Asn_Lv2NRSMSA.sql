-- Asn_Lv2NRSMSA: the conditions asnsql why evaluates, in order
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
-- check 4: program: program is defined
(
  NOT "program" IS NULL
);
-- check 5: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 6: detector: detector is defined
(
  NOT "detector" IS NULL
);
-- check 7: opt_elem: filter or band is defined
(
  NOT COALESCE("filter", "band") IS NULL
);
-- check 8: exp_type: exp_type matches nrs_msaspec
(
  NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_msaspec', FALSE)
);
-- check 9: msametfl: msametfl is defined
(
  NOT "msametfl" IS NULL
);
-- check 10: expspcin: expspcin is defined
(
  NOT "expspcin" IS NULL
);
-- check 11: takes a role: member
(
  TRUE
);
