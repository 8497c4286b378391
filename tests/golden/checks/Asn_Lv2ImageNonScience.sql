-- Asn_Lv2ImageNonScience: the conditions asnsql why evaluates, in order
-- check 1: any of (base exposure type is one of target_acquisition; exp_type matches mir_coroncal|nis_focus|nrc_focus|nrs_focus|nrs_image|mir_tacq|mir_taconfirm|nis_taconfirm|nis_tacq|nrc_taconfirm|nrc_tacq|nrs_confirm|nrs_msata|nrs_taconfirm|nrs_tacq|nrs_taslit|nrs_verify|nrs_wata; all of (exp_type matches nrs_msaspec; msastate matches primarypark_allopen; grating matches mirror))
(
  COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  OR COALESCE(
    (
      STARTS_WITH("exp_type", 'mir_coroncal')
      OR STARTS_WITH("exp_type", 'nis_focus')
      OR STARTS_WITH("exp_type", 'nrc_focus')
      OR STARTS_WITH("exp_type", 'nrs_focus')
      OR STARTS_WITH("exp_type", 'nrs_image')
      OR STARTS_WITH("exp_type", 'mir_tacq')
      OR STARTS_WITH("exp_type", 'mir_taconfirm')
      OR STARTS_WITH("exp_type", 'nis_taconfirm')
      OR STARTS_WITH("exp_type", 'nis_tacq')
      OR STARTS_WITH("exp_type", 'nrc_taconfirm')
      OR STARTS_WITH("exp_type", 'nrc_tacq')
      OR STARTS_WITH("exp_type", 'nrs_confirm')
      OR STARTS_WITH("exp_type", 'nrs_msata')
      OR STARTS_WITH("exp_type", 'nrs_taconfirm')
      OR STARTS_WITH("exp_type", 'nrs_tacq')
      OR STARTS_WITH("exp_type", 'nrs_taslit')
      OR STARTS_WITH("exp_type", 'nrs_verify')
      OR "exp_type" = 'nrs_wata'
    ),
    FALSE
  )
  OR (
    COALESCE("exp_type" = 'nrs_msaspec', FALSE)
    AND COALESCE("msastate" = 'primarypark_allopen', FALSE)
    AND COALESCE("grating" = 'mirror', FALSE)
  )
);
-- check 2: program: program is defined
(
  NOT "program" IS NULL
);
-- check 3: takes a role: science (level2_special exptype is one of science)
(
  COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
);
