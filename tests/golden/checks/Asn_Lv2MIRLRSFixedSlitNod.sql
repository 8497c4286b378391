-- Asn_Lv2MIRLRSFixedSlitNod: the conditions asnsql why evaluates, in order
-- check 1: program: program is defined
(
  NOT "program" IS NULL
);
-- check 2: takes a role: science (all of (level2 exptype is one of science; patttype matches along-slit-nod); exp_type: exp_type matches mir_lrs-fixedslit; patt_num: patt_num is defined) or background (all of (patttype matches along-slit-nod; candidate type is not one of background); exp_type: exp_type matches mir_lrs-fixedslit; is_current_patt_num: patt_num is defined) or background_acq (all of (base exposure type is one of target_acquisition; patttype matches along-slit-nod; candidate type is not one of background); exp_type: exp_type matches mir_lrs-fixedslit; is_current_patt_num: patt_num is defined) or target_acquisition (all of (exp_type matches mir_taconfirm; candidate type is not one of background))
(
  (
    (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
      AND COALESCE("patttype" = 'along-slit-nod', FALSE)
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_lrs-fixedslit', FALSE)
    )
    AND (
      NOT "patt_num" IS NULL
    )
  )
  OR (
    (
      COALESCE("patttype" = 'along-slit-nod', FALSE)
      AND NOT (
        COALESCE("cand_type" IN ('background'), FALSE)
      )
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_lrs-fixedslit', FALSE)
    )
    AND (
      NOT "patt_num" IS NULL
    )
  )
  OR (
    (
      COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
      AND COALESCE("patttype" = 'along-slit-nod', FALSE)
      AND NOT (
        COALESCE("cand_type" IN ('background'), FALSE)
      )
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_lrs-fixedslit', FALSE)
    )
    AND (
      NOT "patt_num" IS NULL
    )
  )
  OR (
    COALESCE("exp_type" = 'mir_taconfirm', FALSE)
    AND NOT (
      COALESCE("cand_type" IN ('background'), FALSE)
    )
  )
);
