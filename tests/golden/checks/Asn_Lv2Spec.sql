-- Asn_Lv2Spec: the conditions asnsql why evaluates, in order
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
-- check 4: none of (all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj)); patttype matches 2-point-nod|4-point-nod|along-slit-nod)
NOT (
  (
    COALESCE("pntgtype" = 'science', FALSE)
    AND (
      COALESCE("tsovisit" = 't', FALSE)
      OR COALESCE(
        (
          STARTS_WITH("exp_type", 'nrc_tsimage')
          OR STARTS_WITH("exp_type", 'nrc_tsgrism')
          OR "exp_type" = 'nrs_brightobj'
        ),
        FALSE
      )
    )
  )
  OR COALESCE(
    (
      STARTS_WITH("patttype", '2-point-nod')
      OR STARTS_WITH("patttype", '4-point-nod')
      OR "patttype" = 'along-slit-nod'
    ),
    FALSE
  )
);
-- check 5: nrsifu_valid: NIRSpec IFU detector/grating/filter combination is valid
COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE);
-- check 6: program: program is defined
(
  NOT "program" IS NULL
);
-- check 7: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 8: detector: detector is defined
(
  NOT "detector" IS NULL
);
-- check 9: opt_elem: filter or band is defined
(
  NOT COALESCE("filter", "band") IS NULL
);
-- check 10: exp_type: exp_type matches mir_mrs|mir_wfss|nis_soss|nrc_tsgrism|nrs_ifu|nrs_brightobj
(
  NOT "exp_type" IS NULL
  AND COALESCE(
    (
      STARTS_WITH("exp_type", 'mir_mrs')
      OR STARTS_WITH("exp_type", 'mir_wfss')
      OR STARTS_WITH("exp_type", 'nis_soss')
      OR STARTS_WITH("exp_type", 'nrc_tsgrism')
      OR STARTS_WITH("exp_type", 'nrs_ifu')
      OR "exp_type" = 'nrs_brightobj'
    ),
    FALSE
  )
);
-- check 11: takes a role: background (bkgdtarg is defined) or imprint (is_imprt is defined; mostilno: mostilno is defined) or science (level2 exptype is one of science; mostilno: mostilno is defined)
(
  NOT "bkgdtarg" IS NULL
  OR (
    NOT "is_imprt" IS NULL AND (
      NOT "mostilno" IS NULL
    )
  )
  OR (
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    AND (
      NOT "mostilno" IS NULL
    )
  )
);
