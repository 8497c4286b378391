-- Asn_Lv3NRCCoron: the conditions asnsql why evaluates, in order
-- check 1: is_imprt is not defined
"is_imprt" IS NULL;
-- check 2: program: program is defined
(
  NOT "program" IS NULL
);
-- check 3: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 4: takes a role: member (all of (none of (bkgdtarg is defined); nrccoron_valid: NIRCam coronagraphic exposure is on an occulted detector); subarray: subarray is defined; target: targetid is defined when level3 exptype is one of science; exp_type: exp_type matches nrc_coron; obs_num: obs_num is defined; fxd_slit2: fxd_slit is defined when fxd_slit matches s200a1|s200a2) or target_acquisition (base exposure type is one of target_acquisition)
(
  (
    (
      NOT (
        NOT "bkgdtarg" IS NULL
      )
      AND COALESCE(ASN_NRCCORON_VALID("detector", "subarray", "pupil"), FALSE)
    )
    AND (
      NOT "subarray" IS NULL
    )
    AND (
      NOT (
        COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE)
      )
      OR (
        NOT "targetid" IS NULL
      )
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
    )
  )
  OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
);
