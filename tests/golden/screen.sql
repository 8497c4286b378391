SELECT
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND COALESCE(ASN_NRCCORON_VALID("detector", "subarray", "pupil"), FALSE)
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
    )
    AND (
      NOT "subarray" IS NULL AND COALESCE("subarray" = 'full', FALSE)
    )
    AND (
      NOT "bkgdtarg" IS NULL
      OR COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2CoronAsRate",
  BOOL_OR(
    CAST(NOT (
      ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE((
        STARTS_WITH("exp_type", 'fgs_image') OR "exp_type" = 'fgs_focus'
      ), FALSE)
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2FGS",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND NOT (
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
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'fgs_image')
          OR STARTS_WITH("exp_type", 'mir_4qpm')
          OR STARTS_WITH("exp_type", 'mir_image')
          OR STARTS_WITH("exp_type", 'mir_lyot')
          OR STARTS_WITH("exp_type", 'nis_ami')
          OR STARTS_WITH("exp_type", 'nis_image')
          OR STARTS_WITH("exp_type", 'nrc_coron')
          OR STARTS_WITH("exp_type", 'nrc_image')
          OR STARTS_WITH("exp_type", 'nrs_mimf')
          OR "exp_type" = 'nrc_tsimage'
        ),
        FALSE
      )
    )
    AND (
      NOT "bkgdtarg" IS NULL
      OR COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2Image",
  BOOL_OR(
    CAST((
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
        AND COALESCE("grating" = 'mirror', FALSE)
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2ImageNonScience",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND NOT COALESCE("bkgdtarg", "is_psf") IS NULL
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'fgs_image')
          OR STARTS_WITH("exp_type", 'mir_4qpm')
          OR STARTS_WITH("exp_type", 'mir_image')
          OR STARTS_WITH("exp_type", 'mir_lyot')
          OR STARTS_WITH("exp_type", 'nis_ami')
          OR STARTS_WITH("exp_type", 'nis_image')
          OR STARTS_WITH("exp_type", 'nrc_coron')
          OR STARTS_WITH("exp_type", 'nrc_image')
          OR STARTS_WITH("exp_type", 'nrs_mimf')
          OR "exp_type" = 'nrc_tsimage'
        ),
        FALSE
      )
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2ImageSpecial",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND (
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
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'fgs_image')
          OR STARTS_WITH("exp_type", 'mir_4qpm')
          OR STARTS_WITH("exp_type", 'mir_image')
          OR STARTS_WITH("exp_type", 'mir_lyot')
          OR STARTS_WITH("exp_type", 'nis_ami')
          OR STARTS_WITH("exp_type", 'nis_image')
          OR STARTS_WITH("exp_type", 'nrc_coron')
          OR STARTS_WITH("exp_type", 'nrc_image')
          OR STARTS_WITH("exp_type", 'nrs_mimf')
          OR "exp_type" = 'nrc_tsimage'
        ),
        FALSE
      )
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2ImageTSO",
  BOOL_OR(
    CAST(CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      (
        (
          COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
          AND COALESCE("patttype" = 'along-slit-nod', FALSE)
        )
        AND (
          NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_lrs-fixedslit', FALSE)
        )
      )
      OR (
        COALESCE("exp_type" = 'mir_taconfirm', FALSE)
        AND NOT (
          COALESCE("cand_type" IN ('background'), FALSE)
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2MIRLRSFixedSlitNod",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE)
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_fixedslit', FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2NRSFSS",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
    )
    AND (
      NOT "patttype" IS NULL
      AND COALESCE((
        STARTS_WITH("patttype", '2-point-nod') OR "patttype" = '4-point-nod'
      ), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2NRSIFUNod",
  BOOL_OR(
    CAST((
      COALESCE("grating" = 'mirror', FALSE)
      AND (
        "opmode" IS NULL OR COALESCE("opmode" = 'image', FALSE)
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_lamp', FALSE)
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2NRSLAMPImage",
  BOOL_OR(
    CAST((
      COALESCE(ASN_NRSLAMP_VALID("detector", "grating", "opmode", "lamp"), FALSE)
      AND (
        NOT (
          COALESCE("opmode" = 'msaspec', FALSE)
        )
        OR (
          COALESCE("opmode" = 'msaspec', FALSE)
        )
      )
      AND NOT (
        COALESCE("grating" = 'mirror', FALSE)
        OR COALESCE("opmode" = 'grating-only', FALSE)
        OR COALESCE("lamp" = 'nolamp', FALSE)
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'nrs_autoflat')
          OR STARTS_WITH("exp_type", 'nrs_autowave')
          OR "exp_type" = 'nrs_lamp'
        ),
        FALSE
      )
    )
    AND (
      NOT "filter" IS NULL AND COALESCE("filter" = 'opaque', FALSE)
    )
    AND (
      NOT "lamp" IS NULL
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2NRSLAMPSpectral",
  BOOL_OR(
    CAST((
      NOT (
        COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
      )
      AND NOT (
        COALESCE("detector" = 'nrcblong', FALSE)
        AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
      )
      AND NOT (
        ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_msaspec', FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2NRSMSA",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND (
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
        )
        AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
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
    )
    AND (
      NOT "bkgdtarg" IS NULL
      OR NOT "is_imprt" IS NULL
      OR COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2Spec",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND (
        COALESCE(
          (
            STARTS_WITH("exp_type", 'mir_lrs-fixedslit')
            OR STARTS_WITH("exp_type", 'mir_lrs-slitless')
            OR STARTS_WITH("exp_type", 'mir_mrs')
            OR STARTS_WITH("exp_type", 'mir_wfss')
            OR STARTS_WITH("exp_type", 'nis_soss')
            OR STARTS_WITH("exp_type", 'nis_wfss')
            OR STARTS_WITH("exp_type", 'nrc_tsgrism')
            OR STARTS_WITH("exp_type", 'nrc_wfss')
            OR STARTS_WITH("exp_type", 'nrs_fixedslit')
            OR STARTS_WITH("exp_type", 'nrs_ifu')
            OR STARTS_WITH("exp_type", 'nrs_msaspec')
            OR "exp_type" = 'nrs_brightobj'
          ),
          FALSE
        )
        AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
        AND NOT "is_imprt" IS NULL
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2SpecImprint",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND (
        NOT COALESCE("bkgdtarg", "is_psf") IS NULL
        AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'mir_lrs-fixedslit')
          OR STARTS_WITH("exp_type", 'mir_lrs-slitless')
          OR STARTS_WITH("exp_type", 'mir_mrs')
          OR STARTS_WITH("exp_type", 'mir_wfss')
          OR STARTS_WITH("exp_type", 'nis_soss')
          OR STARTS_WITH("exp_type", 'nis_wfss')
          OR STARTS_WITH("exp_type", 'nrc_tsgrism')
          OR STARTS_WITH("exp_type", 'nrc_wfss')
          OR STARTS_WITH("exp_type", 'nrs_fixedslit')
          OR STARTS_WITH("exp_type", 'nrs_ifu')
          OR STARTS_WITH("exp_type", 'nrs_msaspec')
          OR "exp_type" = 'nrs_brightobj'
        ),
        FALSE
      )
    )
    AND (
      NOT "is_imprt" IS NULL
      OR COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2SpecSpecial",
  BOOL_OR(
    CAST((
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
        )
        AND NOT (
          COALESCE("detector" = 'nrcblong', FALSE)
          AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
        )
        AND NOT (
          ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
        )
      )
      AND (
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
        AND NOT (
          (
            COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
            AND COALESCE("pupil" = 'clear', FALSE)
          )
        )
        AND NOT (
          (
            COALESCE("exp_type" = 'nrs_brightobj', FALSE)
            AND NOT (
              COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE)
            )
          )
        )
        AND NOT (
          (
            COALESCE("exp_type" = 'nis_soss', FALSE)
            AND NOT (
              COALESCE(ASN_NISSOSS_CALIBRATED("exp_type", "filter"), FALSE)
            )
          )
        )
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      NOT COALESCE("filter", "band") IS NULL
    )
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'mir_mrs')
          OR STARTS_WITH("exp_type", 'mir_wfss')
          OR STARTS_WITH("exp_type", 'nis_soss')
          OR STARTS_WITH("exp_type", 'nis_wfss')
          OR STARTS_WITH("exp_type", 'nrc_tsgrism')
          OR STARTS_WITH("exp_type", 'nrc_wfss')
          OR STARTS_WITH("exp_type", 'nrs_ifu')
          OR "exp_type" = 'nrs_brightobj'
        ),
        FALSE
      )
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2SpecTSO",
  BOOL_OR(
    CAST((
      ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'fgs_image')
          OR STARTS_WITH("exp_type", 'mir_4qpm')
          OR STARTS_WITH("exp_type", 'mir_image')
          OR STARTS_WITH("exp_type", 'mir_lyot')
          OR STARTS_WITH("exp_type", 'nis_ami')
          OR STARTS_WITH("exp_type", 'nis_image')
          OR STARTS_WITH("exp_type", 'nrc_coron')
          OR STARTS_WITH("exp_type", 'nrc_image')
          OR STARTS_WITH("exp_type", 'nrs_mimf')
          OR "exp_type" = 'nrc_tsimage'
        ),
        FALSE
      )
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2WFSC",
  BOOL_OR(
    CAST(COALESCE((
      STARTS_WITH("exp_type", 'mir_wfss') OR "exp_type" = 'mir_image'
    ), FALSE)
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      (
        COALESCE(
          (
            STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'nrc_image')
            OR "exp_type" = 'mir_image'
          ),
          FALSE
        )
        AND NOT (
          COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
        )
      )
      OR NOT (
        COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
      )
      OR COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2WFSSMIR",
  BOOL_OR(
    CAST(COALESCE((
      STARTS_WITH("exp_type", 'nis_wfss') OR "exp_type" = 'nis_image'
    ), FALSE)
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "pupil" IS NULL
    )
    AND (
      NOT "subarray" IS NULL
    )
    AND (
      (
        COALESCE(
          (
            STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'nrc_image')
            OR "exp_type" = 'mir_image'
          ),
          FALSE
        )
        AND NOT (
          COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
        )
      )
      OR NOT (
        COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
      )
      OR COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2WFSSNIS",
  BOOL_OR(
    CAST(COALESCE((
      STARTS_WITH("exp_type", 'nrc_wfss') OR "exp_type" = 'nrc_image'
    ), FALSE)
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT "detector" IS NULL
    )
    AND (
      (
        COALESCE(
          (
            STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'nrc_image')
            OR "exp_type" = 'mir_image'
          ),
          FALSE
        )
        AND NOT (
          COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
        )
      )
      OR NOT (
        COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
      )
      OR COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2WFSSNRC",
  BOOL_OR(
    CAST((
      ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      AND (
        COALESCE(
          (
            STARTS_WITH("exp_type", 'nis_wfss')
            OR STARTS_WITH("exp_type", 'nrc_wfss')
            OR "exp_type" = 'mir_wfss'
          ),
          FALSE
        )
        OR COALESCE(
          (
            STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'nrc_image')
            OR "exp_type" = 'mir_image'
          ),
          FALSE
        )
      )
    )
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        COALESCE(
          (
            STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'nrc_image')
            OR "exp_type" = 'mir_image'
          ),
          FALSE
        )
        AND NOT (
          COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
        )
      )
      OR NOT (
        COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
      )
      OR COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv2WFSSParallel",
  BOOL_OR(
    CAST(CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
    AND (
      (
        (
          COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
          AND (
            NOT (
              COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
            )
            AND NOT (
              COALESCE("detector" = 'nrcblong', FALSE)
              AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
            )
            AND NOT (
              ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
            )
          )
        )
        AND (
          NOT "instrume" IS NULL
        )
        AND (
          NOT "detector" IS NULL
        )
        AND (
          NOT COALESCE("filter", "band") IS NULL
        )
        AND (
          NOT "exp_type" IS NULL
          AND COALESCE(
            (
              STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
            ),
            FALSE
          )
        )
      )
      OR (
        (
          (
            NOT "bkgdtarg" IS NULL
            AND NOT (
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
            )
          )
          AND (
            NOT (
              COALESCE("detector" = 'nirspec', FALSE) OR COALESCE("filter" = 'opaque', FALSE)
            )
            AND NOT (
              COALESCE("detector" = 'nrcblong', FALSE)
              AND COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
            )
            AND NOT (
              ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
            )
          )
        )
        AND (
          NOT "instrume" IS NULL
        )
        AND (
          NOT "detector" IS NULL
        )
        AND (
          NOT COALESCE("filter", "band") IS NULL
        )
        AND (
          NOT "exp_type" IS NULL
          AND COALESCE(
            (
              STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
            ),
            FALSE
          )
        )
      )
      OR (
        COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
        AND (
          NOT "exp_type" IS NULL
          AND COALESCE(
            (
              STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
            ),
            FALSE
          )
        )
      )
      OR COALESCE("exp_type" = 'mir_taconfirm', FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_MIRLRSTAConfirm",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nis_ami', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('psf'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3AMI",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3AMI:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT (
        NOT "bkgdtarg" IS NULL
        OR (
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
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        "visitype" IS NULL OR NOT (
          CONTAINS(LOWER("visitype"), 'wfsc')
        )
      )
      AND (
        NOT "exp_type" IS NULL
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'nrc_image')
            OR STARTS_WITH("exp_type", 'mir_image')
            OR STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'fgs_image')
            OR "exp_type" = 'nrs_mimf'
          ),
          FALSE
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3Image",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3Image:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
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
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        "visitype" IS NULL OR NOT (
          CONTAINS(LOWER("visitype"), 'wfsc')
        )
      )
      AND (
        NOT "exp_type" IS NULL
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'nrc_image')
            OR STARTS_WITH("exp_type", 'mir_image')
            OR STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'fgs_image')
            OR "exp_type" = 'nrs_mimf'
          ),
          FALSE
        )
      )
      AND (
        NOT "bkgdtarg" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3ImageBackground",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3ImageBackground:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('mosaic')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT (
        NOT "bkgdtarg" IS NULL
        OR (
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
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        "visitype" IS NULL OR NOT (
          CONTAINS(LOWER("visitype"), 'wfsc')
        )
      )
      AND (
        NOT "exp_type" IS NULL
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'nrc_image')
            OR STARTS_WITH("exp_type", 'mir_image')
            OR STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'fgs_image')
            OR "exp_type" = 'nrs_mimf'
          ),
          FALSE
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3ImageMosaic",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3ImageMosaic:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT (
        NOT "bkgdtarg" IS NULL
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "exp_type" IS NULL
        AND COALESCE((
          STARTS_WITH("exp_type", 'mir_lyot') OR "exp_type" = 'mir_4qpm'
        ), FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('psf'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3MIRCoron",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3MIRCoron:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
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
      )
      AND (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_mrs', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3MIRMRS",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
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
      )
      AND (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_mrs', FALSE)
      )
      AND (
        NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3MIRMRSBackground",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
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
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('psf'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3NRCCoron",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3NRCCoron:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      NOT (
        NOT "bkgdtarg" IS NULL OR COALESCE("is_psf" = 't', FALSE)
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
      )
      AND (
        NOT "channel" IS NULL AND COALESCE("channel" = 'short', FALSE)
      )
      AND (
        NOT "subarray" IS NULL AND COALESCE("subarray" = 'full', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3NRCCoronImage",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3NRCCoronImage:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
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
        )
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'nrs_autoflat')
            OR STARTS_WITH("exp_type", 'nrs_autowave')
            OR "exp_type" = 'nrs_fixedslit'
          ),
          FALSE
        )
        AND COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE)
      )
      AND (
        NOT "subarray" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3NRSFSS",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        COALESCE((
          STARTS_WITH("exp_type", 'nrs_autowave') OR "exp_type" = 'nrs_ifu'
        ), FALSE)
        AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
        AND NOT (
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
        )
      )
      AND (
        NOT "patttype" IS NULL
      )
      AND (
        NOT "grating" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3NRSIFU",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
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
        )
        AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
      )
      AND (
        NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
      )
      AND (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
      )
      AND (
        NOT "grating" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3NRSIFUBackground",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
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
        )
        AND COALESCE("exp_type" = 'nis_soss', FALSE)
        AND NOT (
          NOT "patttype" IS NULL
        )
        AND NOT (
          COALESCE("exp_type" = 'mir_lrs-slitless', FALSE)
          OR (
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
        )
      )
      AND (
        NOT "subarray" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3SlitlessSpectral",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3SlitlessSpectral:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
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
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
      )
      AND (
        NOT "exp_type" IS NULL
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'mir_lrs-fixedslit') OR "exp_type" = 'nrs_fixedslit'
          ),
          FALSE
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3SpecAux",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
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
        )
        AND (
          COALESCE(
            (
              STARTS_WITH("exp_type", 'nrs_autoflat') OR "exp_type" = 'nrs_autowave'
            ),
            FALSE
          )
          OR (
            COALESCE("exp_type" = 'nrs_msaspec', FALSE)
          )
        )
      )
      AND (
        NOT "subarray" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3SpectralSource",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3SpectralSource:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
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
        )
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'mir_lrs-fixedslit') OR "exp_type" = 'nis_soss'
          ),
          FALSE
        )
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "patttype" IS NULL
        AND COALESCE(
          (
            STARTS_WITH("patttype", '2-point-nod')
            OR STARTS_WITH("patttype", '4-point-nod')
            OR "patttype" = 'along-slit-nod'
          ),
          FALSE
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3SpectralTarget",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3SpectralTarget:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation')
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
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
        AND NOT (
          COALESCE(
            (
              STARTS_WITH("exp_type", 'mir_mrs')
              OR STARTS_WITH("exp_type", 'mir_flatmrs')
              OR STARTS_WITH("exp_type", 'nrs_autowave')
              OR "exp_type" = 'nrs_ifu'
            ),
            FALSE
          )
        )
        AND NOT (
          (
            COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
            AND COALESCE(
              (
                STARTS_WITH("pupil", 'clear')
                OR STARTS_WITH("pupil", 'gdhs0')
                OR "pupil" = 'gdhs60'
              ),
              FALSE
            )
          )
          OR (
            COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
            AND COALESCE("detector" = 'nrcblong', FALSE)
          )
          OR COALESCE(
            (
              STARTS_WITH("subarray", 'sub260stripe4_dhs')
              OR STARTS_WITH("subarray", 'sub41stripe1_dhs')
              OR STARTS_WITH("subarray", 'sub82stripe2_dhs')
              OR "subarray" = 'sub164stripe4_dhs'
            ),
            FALSE
          )
        )
        AND NOT (
          (
            COALESCE("exp_type" = 'nrs_brightobj', FALSE)
            AND NOT (
              COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE)
            )
          )
        )
      )
      AND (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "exp_type" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3TSO",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND NOT (
      CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('group')
    )
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        NOT "subarray" IS NULL
      )
      AND (
        NOT "exp_type" IS NULL
        AND COALESCE(
          (
            STARTS_WITH("exp_type", 'nrc_image')
            OR STARTS_WITH("exp_type", 'mir_image')
            OR STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'fgs_image')
            OR "exp_type" = 'nrs_mimf'
          ),
          FALSE
        )
      )
      AND (
        NOT "patttype" IS NULL AND COALESCE("patttype" = 'wfsc', FALSE)
      )
      AND (
        NOT "detector" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3WFSCMB",
  BOOL_OR(CAST((
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
  ) AS BOOLEAN)) AS "Asn_Lv3WFSCMB:locks",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_wfss', FALSE)
      )
      AND (
        NOT "filter" IS NULL AND COALESCE("filter" = 'p750l', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3WFSSMIR",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nis_wfss', FALSE)
      )
      AND (
        NOT "filter" IS NULL
        AND COALESCE((
          STARTS_WITH("filter", 'gr150r') OR "filter" = 'gr150c'
        ), FALSE)
      )
      AND (
        NOT "pupil" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3WFSSNIS",
  BOOL_OR(
    CAST("is_imprt" IS NULL
    AND (
      NOT "instrume" IS NULL
    )
    AND (
      (
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_wfss', FALSE)
      )
      AND (
        NOT "pupil" IS NULL
        AND COALESCE((
          STARTS_WITH("pupil", 'grismr') OR "pupil" = 'grismc'
        ), FALSE)
      )
      AND (
        NOT "filter" IS NULL
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(
    CAST(COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS BOOLEAN)
  ) AS "Asn_Lv3WFSSNRC"
FROM (
  SELECT DISTINCT
    "asn_candidate",
    "band",
    "base_exptype",
    "bkgdtarg",
    "cand_kind",
    "cand_type",
    "channel",
    "detector",
    "exp_type",
    "filter",
    "fxd_slit",
    "grating",
    "instrume",
    "is_imprt",
    "is_psf",
    "lamp",
    "opmode",
    "patttype",
    "pntgtype",
    "pupil",
    "subarray",
    "tsovisit",
    "visitype"
  FROM run_items
) AS combos