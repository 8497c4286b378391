SELECT
  BOOL_OR(CAST("shared_119" AND "shared_117" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_119"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2CoronAsRate",
  BOOL_OR(CAST("shared_118" AND "shared_92" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_118"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2FGS",
  BOOL_OR(CAST("shared_116" AND "shared_117" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_116"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2Image",
  BOOL_OR(CAST("shared_115" AND "shared_103" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_115"
  ) AND "shared_97" AS BOOLEAN)) AS "Asn_Lv2ImageNonScience",
  BOOL_OR(CAST("shared_114" AND "shared_103" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_114"
  ) AND "shared_97" AS BOOLEAN)) AS "Asn_Lv2ImageSpecial",
  BOOL_OR(CAST("shared_113" AND "shared_92" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_113"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2ImageTSO",
  BOOL_OR(
    CAST("shared_67"
    AND (
      (
        (
          "shared_66" AND COALESCE("shared_36", FALSE)
        )
        AND (
          "shared_9" AND COALESCE("shared_70", FALSE)
        )
      )
      OR (
        "shared_69" AND NOT (
          COALESCE("cand_type" IN ('background'), FALSE)
        )
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_68" AS BOOLEAN)) AS "Asn_Lv2MIRLRSFixedSlitNod",
  BOOL_OR(CAST("shared_112" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_112"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2NRSFSS",
  BOOL_OR(CAST("shared_111" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_111"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2NRSIFUNod",
  BOOL_OR(CAST("shared_110" AND "shared_103" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_110"
  ) AND "shared_97" AS BOOLEAN)) AS "Asn_Lv2NRSLAMPImage",
  BOOL_OR(CAST("shared_109" AND "shared_103" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_109"
  ) AND "shared_97" AS BOOLEAN)) AS "Asn_Lv2NRSLAMPSpectral",
  BOOL_OR(CAST("shared_105" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_105"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2NRSMSA",
  BOOL_OR(
    CAST("shared_104" AND (
      "shared_46" OR "shared_101" OR "shared_66"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST((
    "shared_104"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2Spec",
  BOOL_OR(CAST("shared_102" AND "shared_103" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_102"
  ) AND "shared_97" AS BOOLEAN)) AS "Asn_Lv2SpecImprint",
  BOOL_OR(CAST("shared_100" AND (
    "shared_101" OR "shared_97"
  ) AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_100"
  ) AND "shared_97" AS BOOLEAN)) AS "Asn_Lv2SpecSpecial",
  BOOL_OR(CAST("shared_96" AND "shared_92" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_96"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2SpecTSO",
  BOOL_OR(CAST("shared_91" AND "shared_92" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_91"
  ) AND "shared_66" AS BOOLEAN)) AS "Asn_Lv2WFSC",
  BOOL_OR(CAST("shared_89" AND "shared_85" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_89"
  ) AND "shared_78" AS BOOLEAN)) AS "Asn_Lv2WFSSMIR",
  BOOL_OR(CAST("shared_87" AND "shared_85" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_87"
  ) AND "shared_78" AS BOOLEAN)) AS "Asn_Lv2WFSSNIS",
  BOOL_OR(CAST("shared_86" AND "shared_85" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_86"
  ) AND "shared_78" AS BOOLEAN)) AS "Asn_Lv2WFSSNRC",
  BOOL_OR(CAST("shared_83" AND "shared_85" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_83"
  ) AND "shared_78" AS BOOLEAN)) AS "Asn_Lv2WFSSParallel",
  BOOL_OR(
    CAST("shared_67"
    AND (
      (
        (
          "shared_66" AND "shared_77"
        )
        AND "shared_2"
        AND "shared_16"
        AND "shared_73"
        AND "shared_72"
      )
      OR (
        (
          (
            "shared_46" AND "shared_41"
          ) AND "shared_77"
        )
        AND "shared_2"
        AND "shared_16"
        AND "shared_73"
        AND "shared_72"
      )
      OR (
        "shared_66" AND "shared_72"
      )
      OR "shared_69"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_68" AS BOOLEAN)) AS "Asn_MIRLRSTAConfirm",
  BOOL_OR(
    CAST("shared_4"
    AND (
      "shared_24" AND (
        "shared_9" AND COALESCE("exp_type" = 'nis_ami', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_57" AS BOOLEAN)) AS "Asn_Lv3AMI",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3AMI:locks",
  BOOL_OR(CAST("shared_4" AND "shared_65" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3Image",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3Image:locks",
  BOOL_OR(
    CAST("shared_4" AND (
      "shared_48" AND "shared_64" AND "shared_22" AND "shared_59"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_44" AS BOOLEAN)) AS "Asn_Lv3ImageBackground",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3ImageBackground:locks",
  BOOL_OR(CAST("shared_63" AND "shared_65" AS BOOLEAN))
  AND BOOL_OR(CAST((
    "shared_63"
  ) AND "shared_1" AS BOOLEAN)) AS "Asn_Lv3ImageMosaic",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3ImageMosaic:locks",
  BOOL_OR(
    CAST("shared_4"
    AND (
      "shared_60"
      AND "shared_24"
      AND (
        "shared_9" AND COALESCE((
          "shared_62" OR "exp_type" = 'mir_4qpm'
        ), FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_57" AS BOOLEAN)) AS "Asn_Lv3MIRCoron",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3MIRCoron:locks",
  BOOL_OR(CAST("shared_4" AND (
    "shared_61"
  ) AS BOOLEAN))
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3MIRMRS",
  BOOL_OR(CAST("shared_4" AND (
    "shared_61" AND "shared_47"
  ) AS BOOLEAN))
  AND BOOL_OR(CAST("shared_44" AS BOOLEAN)) AS "Asn_Lv3MIRMRSBackground",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_60" AND "shared_58"
      ) AND "shared_24" AND "shared_56"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN))
  AND BOOL_OR(CAST("shared_57" AS BOOLEAN)) AS "Asn_Lv3NRCCoron",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3NRCCoron:locks",
  BOOL_OR(
    CAST("shared_4"
    AND (
      NOT (
        "shared_46" OR COALESCE("is_psf" = 't', FALSE)
      )
      AND "shared_24"
      AND "shared_56"
      AND (
        NOT "channel" IS NULL AND COALESCE("channel" = 'short', FALSE)
      )
      AND "shared_55"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3NRCCoronImage",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3NRCCoronImage:locks",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_41" AND COALESCE((
          "shared_54" OR "shared_45"
        ), FALSE) AND "shared_26"
      )
      AND "shared_24"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3NRSFSS",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        COALESCE((
          "shared_32" OR "shared_31"
        ), FALSE) AND "shared_53" AND "shared_41"
      )
      AND "shared_49"
      AND "shared_51"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3NRSIFU",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_41" AND "shared_53"
      ) AND "shared_47" AND "shared_52" AND "shared_51"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_44" AS BOOLEAN)) AS "Asn_Lv3NRSIFUBackground",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_41"
        AND "shared_50"
        AND NOT "shared_49"
        AND NOT (
          COALESCE("exp_type" = 'mir_lrs-slitless', FALSE) OR "shared_35"
        )
      )
      AND "shared_24"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3SlitlessSpectral",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3SlitlessSpectral:locks",
  BOOL_OR(
    CAST("shared_4"
    AND (
      "shared_48"
      AND "shared_47"
      AND (
        "shared_9" AND COALESCE((
          "shared_40" OR "shared_45"
        ), FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_44" AS BOOLEAN)) AS "Asn_Lv3SpecAux",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_41"
        AND (
          COALESCE((
            "shared_43" OR "exp_type" = 'nrs_autowave'
          ), FALSE)
          OR (
            "shared_42"
          )
        )
      )
      AND "shared_24"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3SpectralSource",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3SpectralSource:locks",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_41" AND COALESCE((
          "shared_40" OR "shared_39"
        ), FALSE)
      )
      AND "shared_24"
      AND (
        "shared_17" AND "shared_38"
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3SpectralTarget",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3SpectralTarget:locks",
  BOOL_OR(
    CAST("shared_25"
    AND (
      (
        "shared_35"
        AND NOT (
          COALESCE(
            (
              "shared_33" OR STARTS_WITH("exp_type", 'mir_flatmrs') OR "shared_32" OR "shared_31"
            ),
            FALSE
          )
        )
        AND NOT (
          (
            "shared_30"
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
            "shared_30" AND "shared_29"
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
        AND "shared_28"
      )
      AND "shared_24"
      AND (
        "shared_9"
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST((
    "shared_25"
  ) AND "shared_1" AS BOOLEAN)) AS "Asn_Lv3TSO",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3TSO:locks",
  BOOL_OR(
    CAST("shared_15"
    AND (
      "shared_24"
      AND "shared_22"
      AND (
        "shared_17" AND COALESCE("patttype" = 'wfsc', FALSE)
      )
      AND "shared_16"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST((
    "shared_15"
  ) AND "shared_1" AS BOOLEAN)) AS "Asn_Lv3WFSCMB",
  BOOL_OR(CAST("shared_13" AS BOOLEAN)) AS "Asn_Lv3WFSCMB:locks",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_9" AND COALESCE("shared_11", FALSE)
      )
      AND (
        "shared_7" AND COALESCE("filter" = 'p750l', FALSE)
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3WFSSMIR",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_9" AND COALESCE("exp_type" = 'nis_wfss', FALSE)
      )
      AND (
        "shared_7"
        AND COALESCE((
          STARTS_WITH("filter", 'gr150r') OR "filter" = 'gr150c'
        ), FALSE)
      )
      AND "shared_10"
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3WFSSNIS",
  BOOL_OR(
    CAST("shared_4"
    AND (
      (
        "shared_9" AND COALESCE("exp_type" = 'nrc_wfss', FALSE)
      )
      AND (
        "shared_8"
        AND COALESCE((
          STARTS_WITH("pupil", 'grismr') OR "pupil" = 'grismc'
        ), FALSE)
      )
      AND (
        "shared_7"
      )
    ) AS BOOLEAN)
  )
  AND BOOL_OR(CAST("shared_6" AS BOOLEAN)) AS "Asn_Lv3WFSSNRC"
FROM (
  SELECT
    *,
    "shared_5" AND "shared_1" AS "shared_6",
    "shared_5"
    AND COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_44",
    "shared_41" AND "shared_24" AS "shared_48",
    "shared_5" AND COALESCE("shared_0" IN ('psf'), FALSE) AS "shared_57",
    "shared_41" AND (
      "shared_9" AND COALESCE("exp_type" = 'mir_mrs', FALSE)
    ) AS "shared_61",
    (
      "shared_77"
      AND (
        "shared_35"
        AND NOT (
          (
            "shared_30" AND COALESCE("pupil" = 'clear', FALSE)
          )
        )
        AND "shared_28"
        AND NOT (
          (
            "shared_50"
            AND NOT (
              COALESCE(ASN_NISSOSS_CALIBRATED("exp_type", "filter"), FALSE)
            )
          )
        )
      )
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND (
      "shared_9"
      AND COALESCE(
        (
          "shared_95"
          OR "shared_82"
          OR "shared_34"
          OR "shared_81"
          OR "shared_93"
          OR "shared_27"
        ),
        FALSE
      )
    ) AS "shared_96",
    (
      "shared_77" AND (
        "shared_99" AND "shared_53"
      )
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND (
      "shared_9" AND "shared_98"
    ) AS "shared_100",
    (
      "shared_77" AND (
        "shared_98" AND "shared_53" AND "shared_101"
      )
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73" AS "shared_102",
    (
      "shared_77" AND (
        NOT (
          "shared_35" OR "shared_38"
        ) AND "shared_53"
      )
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND (
      "shared_9"
      AND COALESCE((
        "shared_95" OR "shared_34" OR "shared_93" OR "shared_27"
      ), FALSE)
    ) AS "shared_104",
    "shared_77"
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND (
      "shared_9" AND "shared_42"
    ) AS "shared_105",
    (
      "shared_77" AND "shared_53"
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND "shared_52"
    AND (
      "shared_17" AND COALESCE((
        "shared_37" OR "patttype" = '4-point-nod'
      ), FALSE)
    ) AS "shared_111",
    (
      "shared_77" AND "shared_26"
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND (
      "shared_9" AND COALESCE("shared_45", FALSE)
    ) AS "shared_112",
    (
      "shared_77" AND "shared_35"
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND "shared_90" AS "shared_113",
    (
      "shared_77" AND "shared_99"
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND "shared_90" AS "shared_114",
    (
      "shared_77" AND "shared_41"
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND "shared_90" AS "shared_116",
    (
      "shared_77" AND "shared_58"
    )
    AND "shared_67"
    AND "shared_2"
    AND "shared_16"
    AND "shared_73"
    AND "shared_56"
    AND "shared_55" AS "shared_119"
  FROM (
    SELECT
      *,
      (
        "shared_4"
      ) AS "shared_5",
      NOT (
        "shared_35"
      ) AS "shared_41",
      NOT "shared_59" AS "shared_60",
      (
        NOT (
          "shared_46" OR "shared_35"
        )
        AND "shared_24"
        AND "shared_64"
        AND "shared_22"
      ) AS "shared_65",
      "shared_67" AND "shared_66" AS "shared_68",
      (
        NOT (
          COALESCE("detector" = 'nirspec', FALSE) OR "shared_76"
        )
        AND NOT (
          "shared_29" AND "shared_30"
        )
        AND "shared_75"
      ) AS "shared_77",
      (
        ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
        AND (
          COALESCE((
            "shared_82" OR "shared_81" OR "shared_11"
          ), FALSE) OR "shared_80"
        )
      )
      AND "shared_2" AS "shared_83",
      (
        (
          "shared_80" AND "shared_84"
        ) OR "shared_84" OR "shared_78"
      ) AS "shared_85",
      COALESCE((
        "shared_81" OR "exp_type" = 'nrc_image'
      ), FALSE)
      AND "shared_67"
      AND "shared_2"
      AND "shared_16" AS "shared_86",
      COALESCE((
        "shared_82" OR "exp_type" = 'nis_image'
      ), FALSE)
      AND "shared_67"
      AND "shared_2"
      AND "shared_10"
      AND "shared_24" AS "shared_87",
      COALESCE((
        "shared_88" OR "shared_79"
      ), FALSE)
      AND "shared_67"
      AND "shared_2"
      AND "shared_16" AS "shared_89",
      "shared_74" AND "shared_67" AND "shared_90" AS "shared_91",
      (
        COALESCE(ASN_NRSLAMP_VALID("detector", "grating", "opmode", "lamp"), FALSE)
        AND (
          NOT "shared_108" OR "shared_108"
        )
        AND NOT (
          "shared_107"
          OR COALESCE("opmode" = 'grating-only', FALSE)
          OR COALESCE("lamp" = 'nolamp', FALSE)
        )
      )
      AND "shared_67"
      AND (
        "shared_9" AND COALESCE((
          "shared_54" OR "shared_106"
        ), FALSE)
      )
      AND (
        "shared_7" AND "shared_76"
      )
      AND (
        NOT "lamp" IS NULL
      ) AS "shared_109",
      (
        "shared_107" AND (
          "opmode" IS NULL OR COALESCE("opmode" = 'image', FALSE)
        )
      )
      AND "shared_67"
      AND (
        "shared_9" AND COALESCE("shared_106", FALSE)
      ) AS "shared_110",
      (
        "shared_12"
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
          "shared_42" AND "shared_107"
        )
      )
      AND "shared_67" AS "shared_115",
      "shared_75"
      AND "shared_67"
      AND (
        "shared_9" AND COALESCE((
          "shared_18" OR "exp_type" = 'fgs_focus'
        ), FALSE)
      ) AS "shared_118"
    FROM (
      SELECT
        *,
        COALESCE("shared_0" IN ('science'), FALSE) AS "shared_1",
        "shared_3" AND "shared_2" AS "shared_4",
        (
          "shared_8"
        ) AS "shared_10",
        (
          "shared_12"
        ) AS "shared_13",
        "shared_3" AND NOT (
          "shared_14" IN ('group')
        ) AND "shared_2" AS "shared_15",
        (
          "shared_9"
          AND COALESCE(
            (
              "shared_21" OR "shared_20" OR "shared_19" OR "shared_18" OR "exp_type" = 'nrs_mimf'
            ),
            FALSE
          )
        ) AS "shared_22",
        (
          "shared_23"
        ) AS "shared_24",
        "shared_3" AND "shared_14" IN ('observation') AND "shared_2" AS "shared_25",
        NOT (
          (
            COALESCE("shared_27", FALSE) AND NOT (
              "shared_26"
            )
          )
        ) AS "shared_28",
        (
          COALESCE("pntgtype" = 'science', FALSE)
          AND (
            COALESCE("tsovisit" = 't', FALSE)
            OR COALESCE((
              STARTS_WITH("exp_type", 'nrc_tsimage') OR "shared_34" OR "shared_27"
            ), FALSE)
          )
        ) AS "shared_35",
        COALESCE((
          "shared_37" OR STARTS_WITH("patttype", '4-point-nod') OR "shared_36"
        ), FALSE) AS "shared_38",
        (
          "shared_46" AND COALESCE("bkgdtarg" = 't', FALSE)
        ) AS "shared_47",
        (
          "shared_17"
        ) AS "shared_49",
        COALESCE("shared_39", FALSE) AS "shared_50",
        (
          "shared_9" AND COALESCE("shared_31", FALSE)
        ) AS "shared_52",
        "shared_43" OR "shared_32" AS "shared_54",
        (
          "shared_23" AND COALESCE("subarray" = 'full', FALSE)
        ) AS "shared_55",
        (
          "shared_9" AND COALESCE("exp_type" = 'nrc_coron', FALSE)
        ) AS "shared_56",
        (
          "shared_46"
        ) AS "shared_59",
        "shared_3" AND "shared_14" IN ('mosaic') AND "shared_2" AS "shared_63",
        "shared_14" IN ('observation', 'background') AS "shared_67",
        (
          "shared_9" AND COALESCE((
            "shared_71" OR "shared_70"
          ), FALSE)
        ) AS "shared_72",
        NOT "shared_74" AS "shared_75",
        COALESCE((
          "shared_19" OR "shared_21" OR "shared_79"
        ), FALSE) AS "shared_80",
        NOT (
          "shared_78"
        ) AS "shared_84",
        (
          "shared_9"
          AND COALESCE(
            (
              "shared_18"
              OR STARTS_WITH("exp_type", 'mir_4qpm')
              OR "shared_20"
              OR "shared_62"
              OR STARTS_WITH("exp_type", 'nis_ami')
              OR "shared_19"
              OR STARTS_WITH("exp_type", 'nrc_coron')
              OR "shared_21"
              OR STARTS_WITH("exp_type", 'nrs_mimf')
              OR "exp_type" = 'nrc_tsimage'
            ),
            FALSE
          )
        ) AS "shared_90",
        (
          "shared_66"
        ) AS "shared_92",
        "shared_33" OR "shared_88" OR "shared_94" AS "shared_95",
        COALESCE(
          (
            "shared_40"
            OR "shared_71"
            OR "shared_33"
            OR "shared_88"
            OR "shared_94"
            OR "shared_82"
            OR "shared_34"
            OR "shared_81"
            OR STARTS_WITH("exp_type", 'nrs_fixedslit')
            OR "shared_93"
            OR STARTS_WITH("exp_type", 'nrs_msaspec')
            OR "shared_27"
          ),
          FALSE
        ) AS "shared_98",
        NOT "shared_3" AS "shared_101",
        (
          "shared_97"
        ) AS "shared_103",
        (
          "shared_46" OR "shared_66"
        ) AS "shared_117"
      FROM (
        SELECT
          *,
          ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") AS "shared_0",
          (
            NOT "instrume" IS NULL
          ) AS "shared_2",
          "is_imprt" IS NULL AS "shared_3",
          NOT "filter" IS NULL AS "shared_7",
          NOT "pupil" IS NULL AS "shared_8",
          NOT "exp_type" IS NULL AS "shared_9",
          "exp_type" = 'mir_wfss' AS "shared_11",
          COALESCE("base_exptype" IN ('target_acquisition'), FALSE) AS "shared_12",
          CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END AS "shared_14",
          (
            NOT "detector" IS NULL
          ) AS "shared_16",
          NOT "patttype" IS NULL AS "shared_17",
          STARTS_WITH("exp_type", 'fgs_image') AS "shared_18",
          STARTS_WITH("exp_type", 'nis_image') AS "shared_19",
          STARTS_WITH("exp_type", 'mir_image') AS "shared_20",
          STARTS_WITH("exp_type", 'nrc_image') AS "shared_21",
          NOT "subarray" IS NULL AS "shared_23",
          COALESCE(ASN_NRSFSS_VALID("detector", "filter", "grating", "fxd_slit"), FALSE) AS "shared_26",
          "exp_type" = 'nrs_brightobj' AS "shared_27",
          COALESCE("detector" = 'nrcblong', FALSE) AS "shared_29",
          COALESCE("exp_type" = 'nrc_tsgrism', FALSE) AS "shared_30",
          "exp_type" = 'nrs_ifu' AS "shared_31",
          STARTS_WITH("exp_type", 'nrs_autowave') AS "shared_32",
          STARTS_WITH("exp_type", 'mir_mrs') AS "shared_33",
          STARTS_WITH("exp_type", 'nrc_tsgrism') AS "shared_34",
          "patttype" = 'along-slit-nod' AS "shared_36",
          STARTS_WITH("patttype", '2-point-nod') AS "shared_37",
          "exp_type" = 'nis_soss' AS "shared_39",
          STARTS_WITH("exp_type", 'mir_lrs-fixedslit') AS "shared_40",
          COALESCE("exp_type" = 'nrs_msaspec', FALSE) AS "shared_42",
          STARTS_WITH("exp_type", 'nrs_autoflat') AS "shared_43",
          "exp_type" = 'nrs_fixedslit' AS "shared_45",
          NOT "bkgdtarg" IS NULL AS "shared_46",
          (
            NOT "grating" IS NULL
          ) AS "shared_51",
          COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE) AS "shared_53",
          COALESCE(ASN_NRCCORON_VALID("detector", "subarray", "pupil"), FALSE) AS "shared_58",
          STARTS_WITH("exp_type", 'mir_lyot') AS "shared_62",
          (
            "visitype" IS NULL OR NOT (
              CONTAINS(LOWER("visitype"), 'wfsc')
            )
          ) AS "shared_64",
          COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_66",
          COALESCE("exp_type" = 'mir_taconfirm', FALSE) AS "shared_69",
          "exp_type" = 'mir_lrs-fixedslit' AS "shared_70",
          STARTS_WITH("exp_type", 'mir_lrs-slitless') AS "shared_71",
          (
            NOT COALESCE("filter", "band") IS NULL
          ) AS "shared_73",
          (
            ASN_MATCH("visitype", '(?i)^(?:^.+wfsc.+$)')
          ) AS "shared_74",
          COALESCE("filter" = 'opaque', FALSE) AS "shared_76",
          COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_78",
          "exp_type" = 'mir_image' AS "shared_79",
          STARTS_WITH("exp_type", 'nrc_wfss') AS "shared_81",
          STARTS_WITH("exp_type", 'nis_wfss') AS "shared_82",
          STARTS_WITH("exp_type", 'mir_wfss') AS "shared_88",
          STARTS_WITH("exp_type", 'nrs_ifu') AS "shared_93",
          STARTS_WITH("exp_type", 'nis_soss') AS "shared_94",
          COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS "shared_97",
          NOT COALESCE("bkgdtarg", "is_psf") IS NULL AS "shared_99",
          "exp_type" = 'nrs_lamp' AS "shared_106",
          COALESCE("grating" = 'mirror', FALSE) AS "shared_107",
          (
            COALESCE("opmode" = 'msaspec', FALSE)
          ) AS "shared_108"
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
    ) AS combos
  ) AS combos
) AS combos