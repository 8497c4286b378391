-- Asn_Lv2FGS: the conditions asnsql why evaluates, in order
-- check 1: none of (visitype matches .+wfsc.+)
NOT (
  ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
);
-- check 2: program: program is defined
(
  NOT "program" IS NULL
);
-- check 3: exp_type: exp_type matches fgs_image|fgs_focus
(
  NOT "exp_type" IS NULL
  AND COALESCE((
    STARTS_WITH("exp_type", 'fgs_image') OR "exp_type" = 'fgs_focus'
  ), FALSE)
);
-- check 4: takes a role: science (level2 exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
);
