SELECT
  BOOL_OR(
    CAST((
      "shared_0" AND "shared_1"
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND "shared_6"
    AND "shared_7"
    AND "shared_8" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2CoronAsRate",
  BOOL_OR(
    CAST("shared_10"
    AND "shared_2"
    AND (
      "shared_11" AND COALESCE((
        "shared_12" OR "exp_type" = 'fgs_focus'
      ), FALSE)
    )
    AND "shared_13" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2FGS",
  BOOL_OR(
    CAST((
      "shared_0" AND "shared_14"
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND "shared_15"
    AND "shared_8" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2Image",
  BOOL_OR(
    CAST((
      "shared_16"
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
        "shared_17" AND "shared_18"
      )
    )
    AND "shared_2"
    AND "shared_19" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_20" AS BOOLEAN)) AS "Asn_Lv2ImageNonScience",
  BOOL_OR(
    CAST((
      "shared_0" AND "shared_21"
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND "shared_15"
    AND "shared_19" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_20" AS BOOLEAN)) AS "Asn_Lv2ImageSpecial",
  BOOL_OR(
    CAST((
      "shared_0" AND "shared_22"
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND "shared_15"
    AND "shared_13" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2ImageTSO",
  BOOL_OR(
    CAST("shared_2"
    AND (
      (
        (
          "shared_9" AND COALESCE("shared_23", FALSE)
        )
        AND (
          "shared_11" AND COALESCE("shared_24", FALSE)
        )
      )
      OR (
        "shared_25" AND NOT (
          COALESCE("cand_type" IN ('background'), FALSE)
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2MIRLRSFixedSlitNod",
  BOOL_OR(
    CAST((
      "shared_0" AND "shared_26"
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND (
      "shared_11" AND COALESCE("shared_27", FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2NRSFSS",
  BOOL_OR(
    CAST((
      "shared_0" AND "shared_28"
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND "shared_29"
    AND (
      "shared_30" AND COALESCE((
        "shared_31" OR "patttype" = '4-point-nod'
      ), FALSE)
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2NRSIFUNod",
  BOOL_OR(
    CAST((
      "shared_18" AND (
        "opmode" IS NULL OR COALESCE("opmode" = 'image', FALSE)
      )
    )
    AND "shared_2"
    AND (
      "shared_11" AND COALESCE("shared_32", FALSE)
    )
    AND "shared_19" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_20" AS BOOLEAN)) AS "Asn_Lv2NRSLAMPImage",
  BOOL_OR(
    CAST((
      COALESCE(ASN_NRSLAMP_VALID("detector", "grating", "opmode", "lamp"), FALSE)
      AND (
        NOT "shared_33" OR "shared_33"
      )
      AND NOT (
        "shared_18"
        OR COALESCE("opmode" = 'grating-only', FALSE)
        OR COALESCE("lamp" = 'nolamp', FALSE)
      )
    )
    AND "shared_2"
    AND (
      "shared_11" AND COALESCE((
        "shared_34" OR "shared_32"
      ), FALSE)
    )
    AND (
      "shared_35" AND "shared_36"
    )
    AND (
      NOT "lamp" IS NULL
    )
    AND "shared_19" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_20" AS BOOLEAN)) AS "Asn_Lv2NRSLAMPSpectral",
  BOOL_OR(
    CAST("shared_0"
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND (
      "shared_11" AND "shared_17"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2NRSMSA",
  BOOL_OR(
    CAST((
      "shared_0" AND (
        NOT (
          "shared_22" OR "shared_37"
        ) AND "shared_28"
      )
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND (
      "shared_11"
      AND COALESCE((
        "shared_38" OR "shared_39" OR "shared_40" OR "shared_41"
      ), FALSE)
    )
    AND (
      "shared_42" OR "shared_43" OR "shared_9"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2Spec",
  BOOL_OR(
    CAST((
      "shared_0" AND (
        "shared_44" AND "shared_28" AND "shared_43"
      )
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND "shared_19" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_20" AS BOOLEAN)) AS "Asn_Lv2SpecImprint",
  BOOL_OR(
    CAST((
      "shared_0" AND (
        "shared_21" AND "shared_28"
      )
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND (
      "shared_11" AND "shared_44"
    )
    AND (
      "shared_43" OR "shared_20"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_20" AS BOOLEAN)) AS "Asn_Lv2SpecSpecial",
  BOOL_OR(
    CAST((
      "shared_0"
      AND (
        "shared_22"
        AND NOT (
          (
            "shared_45" AND COALESCE("pupil" = 'clear', FALSE)
          )
        )
        AND "shared_46"
        AND NOT (
          (
            "shared_47"
            AND NOT (
              COALESCE(ASN_NISSOSS_CALIBRATED("exp_type", "filter"), FALSE)
            )
          )
        )
      )
    )
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_5"
    AND (
      "shared_11"
      AND COALESCE(
        (
          "shared_38"
          OR "shared_48"
          OR "shared_39"
          OR "shared_49"
          OR "shared_40"
          OR "shared_41"
        ),
        FALSE
      )
    )
    AND "shared_13" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2SpecTSO",
  BOOL_OR(CAST("shared_50" AND "shared_2" AND "shared_15" AND "shared_13" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_Lv2WFSC",
  BOOL_OR(
    CAST(COALESCE((
      "shared_51" OR "shared_52"
    ), FALSE)
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_53" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_54" AS BOOLEAN)) AS "Asn_Lv2WFSSMIR",
  BOOL_OR(
    CAST(COALESCE((
      "shared_48" OR "exp_type" = 'nis_image'
    ), FALSE)
    AND "shared_2"
    AND "shared_3"
    AND "shared_55"
    AND "shared_56"
    AND "shared_53" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_54" AS BOOLEAN)) AS "Asn_Lv2WFSSNIS",
  BOOL_OR(
    CAST(COALESCE((
      "shared_49" OR "exp_type" = 'nrc_image'
    ), FALSE)
    AND "shared_2"
    AND "shared_3"
    AND "shared_4"
    AND "shared_53" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_54" AS BOOLEAN)) AS "Asn_Lv2WFSSNRC",
  BOOL_OR(
    CAST((
      ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      AND (
        COALESCE((
          "shared_48" OR "shared_49" OR "shared_57"
        ), FALSE) OR "shared_58"
      )
    )
    AND "shared_3"
    AND "shared_53" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_54" AS BOOLEAN)) AS "Asn_Lv2WFSSParallel",
  BOOL_OR(
    CAST("shared_2"
    AND (
      (
        (
          "shared_9" AND "shared_0"
        )
        AND "shared_3"
        AND "shared_4"
        AND "shared_5"
        AND "shared_59"
      )
      OR (
        (
          (
            "shared_42" AND "shared_14"
          ) AND "shared_0"
        )
        AND "shared_3"
        AND "shared_4"
        AND "shared_5"
        AND "shared_59"
      )
      OR (
        "shared_9" AND "shared_59"
      )
      OR "shared_25"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_9" AS BOOLEAN)) AS "Asn_MIRLRSTAConfirm",
  BOOL_OR(
    CAST("shared_60"
    AND (
      "shared_56" AND (
        "shared_11" AND COALESCE("exp_type" = 'nis_ami', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_62" AS BOOLEAN)) AS "Asn_Lv3AMI",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3AMI:locks",
  BOOL_OR(CAST("shared_60" AND "shared_64" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3Image",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3Image:locks",
  BOOL_OR(
    CAST("shared_60" AND (
      "shared_65" AND "shared_66" AND "shared_67" AND "shared_68"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_69" AS BOOLEAN)) AS "Asn_Lv3ImageBackground",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3ImageBackground:locks",
  BOOL_OR(
    CAST("shared_70" AND "shared_71" IN ('mosaic') AND "shared_3" AND "shared_64" AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3ImageMosaic",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3ImageMosaic:locks",
  BOOL_OR(
    CAST("shared_60"
    AND (
      "shared_72"
      AND "shared_56"
      AND (
        "shared_11" AND COALESCE((
          "shared_73" OR "exp_type" = 'mir_4qpm'
        ), FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_62" AS BOOLEAN)) AS "Asn_Lv3MIRCoron",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3MIRCoron:locks",
  BOOL_OR(CAST("shared_60" AND (
    "shared_74"
  ) AS BOOLEAN))
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3MIRMRS",
  BOOL_OR(CAST("shared_60" AND (
    "shared_74" AND "shared_75"
  ) AS BOOLEAN))
  AND BOOL_OR(CAST("shared_69" AS BOOLEAN)) AS "Asn_Lv3MIRMRSBackground",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_72" AND "shared_1"
      ) AND "shared_56" AND "shared_6"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_62" AS BOOLEAN)) AS "Asn_Lv3NRCCoron",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3NRCCoron:locks",
  BOOL_OR(
    CAST("shared_60"
    AND (
      NOT (
        "shared_42" OR COALESCE("is_psf" = 't', FALSE)
      )
      AND "shared_56"
      AND "shared_6"
      AND (
        NOT "channel" IS NULL AND COALESCE("channel" = 'short', FALSE)
      )
      AND "shared_7"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3NRCCoronImage",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3NRCCoronImage:locks",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_14" AND COALESCE((
          "shared_34" OR "shared_27"
        ), FALSE) AND "shared_26"
      )
      AND "shared_56"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3NRSFSS",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        COALESCE((
          "shared_76" OR "shared_77"
        ), FALSE) AND "shared_28" AND "shared_14"
      )
      AND "shared_78"
      AND "shared_79"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3NRSIFU",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_14" AND "shared_28"
      ) AND "shared_75" AND "shared_29" AND "shared_79"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_69" AS BOOLEAN)) AS "Asn_Lv3NRSIFUBackground",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_14"
        AND "shared_47"
        AND NOT "shared_78"
        AND NOT (
          COALESCE("exp_type" = 'mir_lrs-slitless', FALSE) OR "shared_22"
        )
      )
      AND "shared_56"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3SlitlessSpectral",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3SlitlessSpectral:locks",
  BOOL_OR(
    CAST("shared_60"
    AND (
      "shared_65"
      AND "shared_75"
      AND (
        "shared_11" AND COALESCE((
          "shared_80" OR "shared_27"
        ), FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_69" AS BOOLEAN)) AS "Asn_Lv3SpecAux",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_14"
        AND (
          COALESCE((
            "shared_81" OR "exp_type" = 'nrs_autowave'
          ), FALSE)
          OR (
            "shared_17"
          )
        )
      )
      AND "shared_56"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3SpectralSource",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3SpectralSource:locks",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_14" AND COALESCE((
          "shared_80" OR "shared_82"
        ), FALSE)
      )
      AND "shared_56"
      AND (
        "shared_30" AND "shared_37"
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3SpectralTarget",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3SpectralTarget:locks",
  BOOL_OR(
    CAST("shared_70"
    AND "shared_71" IN ('observation')
    AND "shared_3"
    AND (
      (
        "shared_22"
        AND NOT (
          COALESCE(
            (
              "shared_83" OR STARTS_WITH("exp_type", 'mir_flatmrs') OR "shared_76" OR "shared_77"
            ),
            FALSE
          )
        )
        AND NOT (
          (
            "shared_45"
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
            "shared_45" AND "shared_84"
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
        AND "shared_46"
      )
      AND "shared_56"
      AND (
        "shared_11"
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3TSO",
  BOOL_OR(
    CAST("shared_70"
    AND NOT (
      "shared_71" IN ('group')
    )
    AND "shared_3"
    AND (
      "shared_56"
      AND "shared_67"
      AND (
        "shared_30" AND COALESCE("patttype" = 'wfsc', FALSE)
      )
      AND "shared_4"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3WFSCMB",
  BOOL_OR(CAST("shared_63" AS BOOLEAN)) AS "Asn_Lv3WFSCMB:locks",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_11" AND COALESCE("shared_57", FALSE)
      )
      AND (
        "shared_35" AND COALESCE("filter" = 'p750l', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3WFSSMIR",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_11" AND COALESCE("exp_type" = 'nis_wfss', FALSE)
      )
      AND (
        "shared_35"
        AND COALESCE((
          STARTS_WITH("filter", 'gr150r') OR "filter" = 'gr150c'
        ), FALSE)
      )
      AND "shared_55"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3WFSSNIS",
  BOOL_OR(
    CAST("shared_60"
    AND (
      (
        "shared_11" AND COALESCE("exp_type" = 'nrc_wfss', FALSE)
      )
      AND (
        "shared_85"
        AND COALESCE((
          STARTS_WITH("pupil", 'grismr') OR "pupil" = 'grismc'
        ), FALSE)
      )
      AND (
        "shared_35"
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_61" AS BOOLEAN)) AS "Asn_Lv3WFSSNRC"
FROM (
  SELECT
    *,
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
    ) AS "shared_0",
    COALESCE(ASN_NRCCORON_VALID("detector", "subarray", "pupil"), FALSE) AS "shared_1",
    CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background') AS "shared_2",
    (
      NOT "instrume" IS NULL
    ) AS "shared_3",
    (
      NOT "detector" IS NULL
    ) AS "shared_4",
    (
      NOT COALESCE("filter", "band") IS NULL
    ) AS "shared_5",
    (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
    ) AS "shared_6",
    (
      NOT "subarray" IS NULL AND COALESCE("subarray" = 'full', FALSE)
    ) AS "shared_7",
    (
      NOT "bkgdtarg" IS NULL
      OR COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS "shared_8",
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_9",
    NOT (
      ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
    ) AS "shared_10",
    NOT "exp_type" IS NULL AS "shared_11",
    STARTS_WITH("exp_type", 'fgs_image') AS "shared_12",
    (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS "shared_13",
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
    ) AS "shared_14",
    (
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
    ) AS "shared_15",
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE) AS "shared_16",
    COALESCE("exp_type" = 'nrs_msaspec', FALSE) AS "shared_17",
    COALESCE("grating" = 'mirror', FALSE) AS "shared_18",
    (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS "shared_19",
    COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_20",
    NOT COALESCE("bkgdtarg", "is_psf") IS NULL AS "shared_21",
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
    ) AS "shared_22",
    "patttype" = 'along-slit-nod' AS "shared_23",
    "exp_type" = 'mir_lrs-fixedslit' AS "shared_24",
    COALESCE("exp_type" = 'mir_taconfirm', FALSE) AS "shared_25",
    COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE) AS "shared_26",
    "exp_type" = 'nrs_fixedslit' AS "shared_27",
    COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE) AS "shared_28",
    (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
    ) AS "shared_29",
    NOT "patttype" IS NULL AS "shared_30",
    STARTS_WITH("patttype", '2-point-nod') AS "shared_31",
    "exp_type" = 'nrs_lamp' AS "shared_32",
    (
      COALESCE("opmode" = 'msaspec', FALSE)
    ) AS "shared_33",
    STARTS_WITH("exp_type", 'nrs_autoflat')
    OR STARTS_WITH("exp_type", 'nrs_autowave') AS "shared_34",
    NOT "filter" IS NULL AS "shared_35",
    COALESCE("filter" = 'opaque', FALSE) AS "shared_36",
    COALESCE(
      (
        STARTS_WITH("patttype", '2-point-nod')
        OR STARTS_WITH("patttype", '4-point-nod')
        OR "patttype" = 'along-slit-nod'
      ),
      FALSE
    ) AS "shared_37",
    STARTS_WITH("exp_type", 'mir_mrs')
    OR STARTS_WITH("exp_type", 'mir_wfss')
    OR STARTS_WITH("exp_type", 'nis_soss') AS "shared_38",
    STARTS_WITH("exp_type", 'nrc_tsgrism') AS "shared_39",
    STARTS_WITH("exp_type", 'nrs_ifu') AS "shared_40",
    "exp_type" = 'nrs_brightobj' AS "shared_41",
    NOT "bkgdtarg" IS NULL AS "shared_42",
    NOT "is_imprt" IS NULL AS "shared_43",
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
    ) AS "shared_44",
    COALESCE("exp_type" = 'nrc_tsgrism', FALSE) AS "shared_45",
    NOT (
      (
        COALESCE("exp_type" = 'nrs_brightobj', FALSE)
        AND NOT (
          COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE)
        )
      )
    ) AS "shared_46",
    COALESCE("exp_type" = 'nis_soss', FALSE) AS "shared_47",
    STARTS_WITH("exp_type", 'nis_wfss') AS "shared_48",
    STARTS_WITH("exp_type", 'nrc_wfss') AS "shared_49",
    (
      ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
    ) AS "shared_50",
    STARTS_WITH("exp_type", 'mir_wfss') AS "shared_51",
    "exp_type" = 'mir_image' AS "shared_52",
    (
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
    ) AS "shared_53",
    COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_54",
    (
      NOT "pupil" IS NULL
    ) AS "shared_55",
    (
      NOT "subarray" IS NULL
    ) AS "shared_56",
    "exp_type" = 'mir_wfss' AS "shared_57",
    COALESCE(
      (
        STARTS_WITH("exp_type", 'nis_image')
        OR STARTS_WITH("exp_type", 'nrc_image')
        OR "exp_type" = 'mir_image'
      ),
      FALSE
    ) AS "shared_58",
    (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
        ),
        FALSE
      )
    ) AS "shared_59",
    "is_imprt" IS NULL AND (
      NOT "instrume" IS NULL
    ) AS "shared_60",
    COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_61",
    COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('psf'), FALSE) AS "shared_62",
    (
      COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
    ) AS "shared_63",
    (
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
    ) AS "shared_64",
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
    ) AS "shared_65",
    (
      "visitype" IS NULL OR NOT (
        CONTAINS(LOWER("visitype"), 'wfsc')
      )
    ) AS "shared_66",
    (
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
    ) AS "shared_67",
    (
      NOT "bkgdtarg" IS NULL
    ) AS "shared_68",
    COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_69",
    "is_imprt" IS NULL AS "shared_70",
    CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END AS "shared_71",
    NOT (
      NOT "bkgdtarg" IS NULL
    ) AS "shared_72",
    STARTS_WITH("exp_type", 'mir_lyot') AS "shared_73",
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
    ) AS "shared_74",
    (
      NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
    ) AS "shared_75",
    STARTS_WITH("exp_type", 'nrs_autowave') AS "shared_76",
    "exp_type" = 'nrs_ifu' AS "shared_77",
    (
      NOT "patttype" IS NULL
    ) AS "shared_78",
    (
      NOT "grating" IS NULL
    ) AS "shared_79",
    STARTS_WITH("exp_type", 'mir_lrs-fixedslit') AS "shared_80",
    STARTS_WITH("exp_type", 'nrs_autoflat') AS "shared_81",
    "exp_type" = 'nis_soss' AS "shared_82",
    STARTS_WITH("exp_type", 'mir_mrs') AS "shared_83",
    COALESCE("detector" = 'nrcblong', FALSE) AS "shared_84",
    NOT "pupil" IS NULL AS "shared_85"
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
) AS combos