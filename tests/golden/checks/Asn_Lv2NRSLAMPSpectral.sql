-- Asn_Lv2NRSLAMPSpectral: the conditions asnsql why evaluates, in order
-- check 1: nrslamp_valid: NIRSpec lamp exposure combination is valid
COALESCE(ASN_NRSLAMP_VALID("detector", "grating", "opmode", "lamp"), FALSE);
-- check 2: any of (none of (opmode matches msaspec); all of (opmode matches msaspec; msametfl is defined))
(
  NOT (
    COALESCE("opmode" = 'msaspec', FALSE)
  )
  OR (
    COALESCE("opmode" = 'msaspec', FALSE) AND NOT "msametfl" IS NULL
  )
);
-- check 3: none of (grating matches mirror; opmode matches grating-only; lamp matches nolamp)
NOT (
  COALESCE("grating" = 'mirror', FALSE)
  OR COALESCE("opmode" = 'grating-only', FALSE)
  OR COALESCE("lamp" = 'nolamp', FALSE)
);
-- check 4: program: program is defined
(
  NOT "program" IS NULL
);
-- check 5: exp_type: exp_type matches nrs_autoflat|nrs_autowave|nrs_lamp
(
  NOT "exp_type" IS NULL
  AND COALESCE(
    (
      STARTS_WITH("exp_type", 'nrs_autoflat')
      OR STARTS_WITH("exp_type", 'nrs_autowave')
      OR "exp_type" = 'nrs_lamp'
    ),
    FALSE
  )
);
-- check 6: opt_elem: filter matches opaque
(
  NOT "filter" IS NULL AND COALESCE("filter" = 'opaque', FALSE)
);
-- check 7: lamp: lamp is defined
(
  NOT "lamp" IS NULL
);
-- check 8: takes a role: science (level2_special exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
);
