-- Asn_Lv2NRSLAMPImage: the conditions asnsql why evaluates, in order
-- check 1: grating matches mirror
COALESCE("grating" = 'mirror', FALSE);
-- check 2: opmode matches image (or is undefined)
(
  "opmode" IS NULL OR COALESCE("opmode" = 'image', FALSE)
);
-- check 3: program: program is defined
(
  NOT "program" IS NULL
);
-- check 4: exp_type: exp_type matches nrs_lamp
(
  NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_lamp', FALSE)
);
-- check 5: takes a role: science (level2_special exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
);
