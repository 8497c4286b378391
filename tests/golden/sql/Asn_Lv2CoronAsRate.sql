WITH rule_rows AS (
  SELECT
    "run",
    "pos",
    "filename",
    "filename_repeated",
    ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") AS exptype,
    "program" AS key0_program,
    "tsovisit" AS key1_is_tso,
    "instrume" AS key2_instrument,
    "detector" AS key3_detector,
    COALESCE("filter", "band") AS key4_opt_elem,
    CASE WHEN NOT "filter" IS NULL THEN 'filter' WHEN NOT "band" IS NULL THEN 'band' END AS key4_opt_elem_from,
    "filter" AS key4_opt_elem_in0,
    "band" AS key4_opt_elem_in1,
    COALESCE("pupil", "grating") AS key5_opt_elem2,
    CASE
      WHEN NOT "pupil" IS NULL
      THEN 'pupil'
      WHEN NOT "grating" IS NULL
      THEN 'grating'
    END AS key5_opt_elem2_from,
    "pupil" AS key5_opt_elem2_in0,
    "grating" AS key5_opt_elem2_in1,
    "fxd_slit" AS key6_fxd_slit,
    "subarray" AS key7_subarray,
    "channel" AS key8_channel,
    "fxd_slit" AS key9_slit,
    "exp_type" AS key10_exp_type,
    "subarray" AS key11_subarray,
    NOT "bkgdtarg" IS NULL AS ok0_background,
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS ok1_science
  FROM run_items
  WHERE
    (
      (
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
      AND (
        NOT "program" IS NULL
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
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrc_coron', FALSE)
      )
      AND (
        NOT "subarray" IS NULL AND COALESCE("subarray" = 'full', FALSE)
      )
    )
    AND (
      NOT "bkgdtarg" IS NULL
      OR COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
), role_rows AS (
  SELECT
    *
    EXCLUDE ("filename_repeated")
  FROM rule_rows
  WHERE
    (
      "ok0_background" OR "ok1_science"
    ) AND NOT (
      "filename_repeated"
    )
  UNION ALL
  SELECT
    *
    EXCLUDE ("filename_repeated")
  FROM rule_rows
  WHERE
    (
      "ok0_background" OR "ok1_science"
    ) AND "filename_repeated"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), first_roles AS (
  SELECT
    *,
    CASE WHEN "ok0_background" THEN 0 WHEN "ok1_science" THEN 1 END AS first_role,
    CASE WHEN "ok0_background" THEN 1 WHEN "ok1_science" THEN 0 END AS first_phase
  FROM role_rows
), owners AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "first_role" IN (1)
), first_attached AS (
  SELECT
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    "key11_subarray",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science,
    ARG_MIN_NULL("key1_is_tso", "pos") AS first_key1_is_tso,
    ARG_MIN_NULL("key5_opt_elem2", "pos") AS first_key5_opt_elem2,
    ARG_MIN_NULL("key5_opt_elem2_from", "pos") AS first_key5_opt_elem2_from,
    ARG_MIN_NULL("key6_fxd_slit", "pos") AS first_key6_fxd_slit,
    ARG_MIN_NULL("key7_subarray", "pos") AS first_key7_subarray,
    ARG_MIN_NULL("key8_channel", "pos") AS first_key8_channel,
    ARG_MIN_NULL("key9_slit", "pos") AS first_key9_slit
  FROM first_roles
  WHERE
    "first_role" IN (0)
  GROUP BY
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    "key11_subarray"
), owned AS (
  SELECT
    "owners"."run",
    "owners"."key0_program",
    "owners"."key2_instrument",
    "owners"."key3_detector",
    "owners"."key4_opt_elem",
    "owners"."key4_opt_elem_from",
    "owners"."key10_exp_type",
    "owners"."key11_subarray",
    "owners"."key1_is_tso" AS key1_is_tso,
    CASE
      WHEN (
        "owners"."pos" = MIN(
          CASE
            WHEN "first_attached"."first_attach" < "owners"."first_owner"
            AND (
              "first_attached"."first_attach" < "owners"."pos"
              AND NOT (
                "first_attached"."first_science"
              )
              AND (
                "first_attached"."first_key1_is_tso" IS NULL
                OR "owners"."key1_is_tso" IS NULL
                OR "owners"."key1_is_tso" = "first_attached"."first_key1_is_tso"
              )
              AND (
                "first_attached"."first_key5_opt_elem2" IS NULL
                OR CASE
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                  THEN "owners"."key5_opt_elem2_in0"
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                  THEN "owners"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                  THEN "owners"."key5_opt_elem2_in0"
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                  THEN "owners"."key5_opt_elem2_in1"
                END = "first_attached"."first_key5_opt_elem2"
              )
              AND (
                "first_attached"."first_key6_fxd_slit" IS NULL
                OR "owners"."key6_fxd_slit" IS NULL
                OR "owners"."key6_fxd_slit" = "first_attached"."first_key6_fxd_slit"
              )
              AND (
                "first_attached"."first_key7_subarray" IS NULL
                OR "owners"."key7_subarray" IS NULL
                OR "owners"."key7_subarray" = "first_attached"."first_key7_subarray"
              )
              AND (
                "first_attached"."first_key8_channel" IS NULL
                OR "owners"."key8_channel" IS NULL
                OR "owners"."key8_channel" = "first_attached"."first_key8_channel"
              )
              AND (
                "first_attached"."first_key9_slit" IS NULL
                OR "owners"."key9_slit" IS NULL
                OR "owners"."key9_slit" = "first_attached"."first_key9_slit"
              )
            )
            THEN "owners"."pos"
          END
        ) OVER (
          PARTITION BY "owners"."run", "owners"."key0_program", "owners"."key2_instrument", "owners"."key3_detector", "owners"."key4_opt_elem", "owners"."key4_opt_elem_from", "owners"."key10_exp_type", "owners"."key11_subarray"
        )
      )
      AND NOT (
        "first_attached"."first_key5_opt_elem2" IS NULL
      )
      THEN "first_attached"."first_key5_opt_elem2"
      ELSE "owners"."key5_opt_elem2"
    END AS key5_opt_elem2,
    CASE
      WHEN (
        "owners"."pos" = MIN(
          CASE
            WHEN "first_attached"."first_attach" < "owners"."first_owner"
            AND (
              "first_attached"."first_attach" < "owners"."pos"
              AND NOT (
                "first_attached"."first_science"
              )
              AND (
                "first_attached"."first_key1_is_tso" IS NULL
                OR "owners"."key1_is_tso" IS NULL
                OR "owners"."key1_is_tso" = "first_attached"."first_key1_is_tso"
              )
              AND (
                "first_attached"."first_key5_opt_elem2" IS NULL
                OR CASE
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                  THEN "owners"."key5_opt_elem2_in0"
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                  THEN "owners"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                  THEN "owners"."key5_opt_elem2_in0"
                  WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                  THEN "owners"."key5_opt_elem2_in1"
                END = "first_attached"."first_key5_opt_elem2"
              )
              AND (
                "first_attached"."first_key6_fxd_slit" IS NULL
                OR "owners"."key6_fxd_slit" IS NULL
                OR "owners"."key6_fxd_slit" = "first_attached"."first_key6_fxd_slit"
              )
              AND (
                "first_attached"."first_key7_subarray" IS NULL
                OR "owners"."key7_subarray" IS NULL
                OR "owners"."key7_subarray" = "first_attached"."first_key7_subarray"
              )
              AND (
                "first_attached"."first_key8_channel" IS NULL
                OR "owners"."key8_channel" IS NULL
                OR "owners"."key8_channel" = "first_attached"."first_key8_channel"
              )
              AND (
                "first_attached"."first_key9_slit" IS NULL
                OR "owners"."key9_slit" IS NULL
                OR "owners"."key9_slit" = "first_attached"."first_key9_slit"
              )
            )
            THEN "owners"."pos"
          END
        ) OVER (
          PARTITION BY "owners"."run", "owners"."key0_program", "owners"."key2_instrument", "owners"."key3_detector", "owners"."key4_opt_elem", "owners"."key4_opt_elem_from", "owners"."key10_exp_type", "owners"."key11_subarray"
        )
      )
      AND NOT (
        "first_attached"."first_key5_opt_elem2" IS NULL
      )
      THEN "first_attached"."first_key5_opt_elem2_from"
      ELSE "owners"."key5_opt_elem2_from"
    END AS key5_opt_elem2_from,
    "owners"."key6_fxd_slit" AS key6_fxd_slit,
    "owners"."key7_subarray" AS key7_subarray,
    "owners"."key8_channel" AS key8_channel,
    "owners"."key9_slit" AS key9_slit,
    CASE
      WHEN "owners"."pos" = MIN(
        CASE
          WHEN "first_attached"."first_attach" < "owners"."first_owner"
          AND (
            "first_attached"."first_attach" < "owners"."pos"
            AND NOT (
              "first_attached"."first_science"
            )
            AND (
              "first_attached"."first_key1_is_tso" IS NULL
              OR "owners"."key1_is_tso" IS NULL
              OR "owners"."key1_is_tso" = "first_attached"."first_key1_is_tso"
            )
            AND (
              "first_attached"."first_key5_opt_elem2" IS NULL
              OR CASE
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                THEN "owners"."key5_opt_elem2_in0"
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                THEN "owners"."key5_opt_elem2_in1"
              END IS NULL
              OR CASE
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                THEN "owners"."key5_opt_elem2_in0"
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                THEN "owners"."key5_opt_elem2_in1"
              END = "first_attached"."first_key5_opt_elem2"
            )
            AND (
              "first_attached"."first_key6_fxd_slit" IS NULL
              OR "owners"."key6_fxd_slit" IS NULL
              OR "owners"."key6_fxd_slit" = "first_attached"."first_key6_fxd_slit"
            )
            AND (
              "first_attached"."first_key7_subarray" IS NULL
              OR "owners"."key7_subarray" IS NULL
              OR "owners"."key7_subarray" = "first_attached"."first_key7_subarray"
            )
            AND (
              "first_attached"."first_key8_channel" IS NULL
              OR "owners"."key8_channel" IS NULL
              OR "owners"."key8_channel" = "first_attached"."first_key8_channel"
            )
            AND (
              "first_attached"."first_key9_slit" IS NULL
              OR "owners"."key9_slit" IS NULL
              OR "owners"."key9_slit" = "first_attached"."first_key9_slit"
            )
          )
          THEN "owners"."pos"
        END
      ) OVER (
        PARTITION BY "owners"."run", "owners"."key0_program", "owners"."key2_instrument", "owners"."key3_detector", "owners"."key4_opt_elem", "owners"."key4_opt_elem_from", "owners"."key10_exp_type", "owners"."key11_subarray"
      )
      THEN "first_attached"."first_attach"
      ELSE "owners"."pos"
    END AS created,
    "owners"."pos" AS gid
  FROM (
    SELECT
      *,
      MIN("pos") OVER (
        PARTITION BY "run", "key0_program", "key2_instrument", "key3_detector", "key4_opt_elem", "key4_opt_elem_from", "key10_exp_type", "key11_subarray"
      ) AS first_owner
    FROM owners
  ) AS owners
  LEFT JOIN first_attached
    ON "owners"."run" = "first_attached"."run"
    AND "owners"."key0_program" = "first_attached"."key0_program"
    AND "owners"."key2_instrument" = "first_attached"."key2_instrument"
    AND "owners"."key3_detector" = "first_attached"."key3_detector"
    AND (
      "owners"."key4_opt_elem" = "first_attached"."key4_opt_elem"
      AND "owners"."key4_opt_elem_from" = "first_attached"."key4_opt_elem_from"
    )
    AND "owners"."key10_exp_type" = "first_attached"."key10_exp_type"
    AND "owners"."key11_subarray" = "first_attached"."key11_subarray"
), orphans AS (
  SELECT
    "first_attached"."run",
    "first_attached"."key0_program",
    "first_attached"."key2_instrument",
    "first_attached"."key3_detector",
    "first_attached"."key4_opt_elem",
    "first_attached"."key4_opt_elem_from",
    "first_attached"."key10_exp_type",
    "first_attached"."key11_subarray",
    CAST(NULL AS TEXT) AS key1_is_tso,
    CAST(NULL AS TEXT) AS key5_opt_elem2,
    CAST(NULL AS TEXT) AS key5_opt_elem2_from,
    CAST(NULL AS TEXT) AS key6_fxd_slit,
    CAST(NULL AS TEXT) AS key7_subarray,
    CAST(NULL AS TEXT) AS key8_channel,
    CAST(NULL AS TEXT) AS key9_slit,
    "first_attached"."first_attach" AS created,
    -(
      "first_attached"."first_attach" + 1
    ) AS gid
  FROM first_attached
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM owners
      WHERE
        (
          "owners"."run" = "first_attached"."run"
          AND "owners"."key0_program" = "first_attached"."key0_program"
          AND "owners"."key2_instrument" = "first_attached"."key2_instrument"
          AND "owners"."key3_detector" = "first_attached"."key3_detector"
          AND (
            "owners"."key4_opt_elem" = "first_attached"."key4_opt_elem"
            AND "owners"."key4_opt_elem_from" = "first_attached"."key4_opt_elem_from"
          )
          AND "owners"."key10_exp_type" = "first_attached"."key10_exp_type"
          AND "owners"."key11_subarray" = "first_attached"."key11_subarray"
        )
        AND (
          "owners"."pos" < "first_attached"."first_attach"
          OR (
            "first_attached"."first_attach" < "owners"."pos"
            AND NOT (
              "first_attached"."first_science"
            )
            AND (
              "first_attached"."first_key1_is_tso" IS NULL
              OR "owners"."key1_is_tso" IS NULL
              OR "owners"."key1_is_tso" = "first_attached"."first_key1_is_tso"
            )
            AND (
              "first_attached"."first_key5_opt_elem2" IS NULL
              OR CASE
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                THEN "owners"."key5_opt_elem2_in0"
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                THEN "owners"."key5_opt_elem2_in1"
              END IS NULL
              OR CASE
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'pupil'
                THEN "owners"."key5_opt_elem2_in0"
                WHEN "first_attached"."first_key5_opt_elem2_from" = 'grating'
                THEN "owners"."key5_opt_elem2_in1"
              END = "first_attached"."first_key5_opt_elem2"
            )
            AND (
              "first_attached"."first_key6_fxd_slit" IS NULL
              OR "owners"."key6_fxd_slit" IS NULL
              OR "owners"."key6_fxd_slit" = "first_attached"."first_key6_fxd_slit"
            )
            AND (
              "first_attached"."first_key7_subarray" IS NULL
              OR "owners"."key7_subarray" IS NULL
              OR "owners"."key7_subarray" = "first_attached"."first_key7_subarray"
            )
            AND (
              "first_attached"."first_key8_channel" IS NULL
              OR "owners"."key8_channel" IS NULL
              OR "owners"."key8_channel" = "first_attached"."first_key8_channel"
            )
            AND (
              "first_attached"."first_key9_slit" IS NULL
              OR "owners"."key9_slit" IS NULL
              OR "owners"."key9_slit" = "first_attached"."first_key9_slit"
            )
          )
        )
    )
), associations AS (
  SELECT
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    "key11_subarray",
    "key1_is_tso",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    "key11_subarray",
    "key1_is_tso",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "created",
    "gid"
  FROM orphans
), attaching AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "ok0_background"
), attach_candidates AS (
  SELECT
    "asn"."run",
    "asn"."gid",
    "attacher"."pos",
    "attacher"."exptype",
    "attacher"."key0_program",
    "attacher"."key1_is_tso",
    "attacher"."key2_instrument",
    "attacher"."key3_detector",
    CASE
      WHEN "asn"."key4_opt_elem" IS NULL
      THEN "attacher"."key4_opt_elem"
      ELSE CASE
        WHEN "asn"."key4_opt_elem_from" = 'filter'
        THEN "attacher"."key4_opt_elem_in0"
        WHEN "asn"."key4_opt_elem_from" = 'band'
        THEN "attacher"."key4_opt_elem_in1"
      END
    END AS key4_opt_elem,
    CASE
      WHEN "asn"."key5_opt_elem2" IS NULL
      THEN "attacher"."key5_opt_elem2"
      ELSE CASE
        WHEN "asn"."key5_opt_elem2_from" = 'pupil'
        THEN "attacher"."key5_opt_elem2_in0"
        WHEN "asn"."key5_opt_elem2_from" = 'grating'
        THEN "attacher"."key5_opt_elem2_in1"
      END
    END AS key5_opt_elem2,
    "attacher"."key6_fxd_slit",
    "attacher"."key7_subarray",
    "attacher"."key8_channel",
    "attacher"."key9_slit",
    "attacher"."key10_exp_type",
    "attacher"."key11_subarray",
    CASE
      WHEN "attacher"."ok0_background"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END IS NULL
          OR CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END = "asn"."key5_opt_elem2"
        )
        AND (
          "attacher"."key6_fxd_slit" IS NULL
          OR "asn"."key6_fxd_slit" IS NULL
          OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
        )
        AND (
          "attacher"."key7_subarray" IS NULL
          OR "asn"."key7_subarray" IS NULL
          OR "attacher"."key7_subarray" = "asn"."key7_subarray"
        )
        AND (
          "attacher"."key8_channel" IS NULL
          OR "asn"."key8_channel" IS NULL
          OR "attacher"."key8_channel" = "asn"."key8_channel"
        )
        AND (
          "attacher"."key9_slit" IS NULL
          OR "asn"."key9_slit" IS NULL
          OR "attacher"."key9_slit" = "asn"."key9_slit"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
      THEN 0
    END AS role_index,
    CASE
      WHEN "attacher"."pos" >= "asn"."created"
      THEN 0
      ELSE GREATEST(
        CASE
          WHEN CASE
            WHEN "attacher"."ok0_background"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END = "asn"."key5_opt_elem2"
              )
              AND (
                "attacher"."key6_fxd_slit" IS NULL
                OR "asn"."key6_fxd_slit" IS NULL
                OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
              )
              AND (
                "attacher"."key7_subarray" IS NULL
                OR "asn"."key7_subarray" IS NULL
                OR "attacher"."key7_subarray" = "asn"."key7_subarray"
              )
              AND (
                "attacher"."key8_channel" IS NULL
                OR "asn"."key8_channel" IS NULL
                OR "attacher"."key8_channel" = "asn"."key8_channel"
              )
              AND (
                "attacher"."key9_slit" IS NULL
                OR "asn"."key9_slit" IS NULL
                OR "attacher"."key9_slit" = "asn"."key9_slit"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 0
          END = 0
          THEN 1
          WHEN CASE
            WHEN "attacher"."ok0_background"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END = "asn"."key5_opt_elem2"
              )
              AND (
                "attacher"."key6_fxd_slit" IS NULL
                OR "asn"."key6_fxd_slit" IS NULL
                OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
              )
              AND (
                "attacher"."key7_subarray" IS NULL
                OR "asn"."key7_subarray" IS NULL
                OR "attacher"."key7_subarray" = "asn"."key7_subarray"
              )
              AND (
                "attacher"."key8_channel" IS NULL
                OR "asn"."key8_channel" IS NULL
                OR "attacher"."key8_channel" = "asn"."key8_channel"
              )
              AND (
                "attacher"."key9_slit" IS NULL
                OR "asn"."key9_slit" IS NULL
                OR "attacher"."key9_slit" = "asn"."key9_slit"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 0
          END = 1
          THEN 0
          ELSE 0
        END,
        "attacher"."first_phase"
      )
    END AS phase,
    "asn"."key1_is_tso" IS NULL AS open1,
    "asn"."key5_opt_elem2" IS NULL AS open5,
    "asn"."key6_fxd_slit" IS NULL AS open6,
    "asn"."key7_subarray" IS NULL AS open7,
    "asn"."key8_channel" IS NULL AS open8,
    "asn"."key9_slit" IS NULL AS open9,
    "attacher"."key5_opt_elem2_from",
    "attacher"."key5_opt_elem2_in0",
    "attacher"."key5_opt_elem2_in1"
  FROM associations AS asn
  JOIN attaching AS attacher
    ON "attacher"."run" = "asn"."run"
    AND "attacher"."key0_program" = "asn"."key0_program"
    AND "attacher"."key2_instrument" = "asn"."key2_instrument"
    AND "attacher"."key3_detector" = "asn"."key3_detector"
    AND CASE
      WHEN "asn"."key4_opt_elem_from" = 'filter'
      THEN "attacher"."key4_opt_elem_in0"
      WHEN "asn"."key4_opt_elem_from" = 'band'
      THEN "attacher"."key4_opt_elem_in1"
    END = "asn"."key4_opt_elem"
    AND "attacher"."key10_exp_type" = "asn"."key10_exp_type"
    AND "attacher"."key11_subarray" = "asn"."key11_subarray"
  WHERE
    (
      "attacher"."ok0_background"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END IS NULL
          OR CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END = "asn"."key5_opt_elem2"
        )
        AND (
          "attacher"."key6_fxd_slit" IS NULL
          OR "asn"."key6_fxd_slit" IS NULL
          OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
        )
        AND (
          "attacher"."key7_subarray" IS NULL
          OR "asn"."key7_subarray" IS NULL
          OR "attacher"."key7_subarray" = "asn"."key7_subarray"
        )
        AND (
          "attacher"."key8_channel" IS NULL
          OR "asn"."key8_channel" IS NULL
          OR "attacher"."key8_channel" = "asn"."key8_channel"
        )
        AND (
          "attacher"."key9_slit" IS NULL
          OR "asn"."key9_slit" IS NULL
          OR "attacher"."key9_slit" = "asn"."key9_slit"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
    )
), attached AS (
  SELECT
    "run",
    "gid",
    "pos",
    "exptype",
    "key0_program",
    "key1_is_tso",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key5_opt_elem2",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "key10_exp_type",
    "key11_subarray",
    "role_index",
    "phase"
  FROM attach_candidates
  QUALIFY
    (
      (
        (
          (
            (
              NOT (
                "open1"
              )
              OR NOT (
                "role_index" IN (0, 1)
              )
              OR (
                "key1_is_tso" IS NULL
                OR "key1_is_tso" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key1_is_tso" END IGNORE NULLS) OVER (
                  PARTITION BY "run", "gid"
                  ORDER BY "phase", "pos"
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                )
              )
            )
            AND (
              NOT (
                "open5"
              )
              OR NOT (
                "role_index" IN (0, 1)
              )
              OR (
                CASE
                  WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                    PARTITION BY "run", "gid"
                    ORDER BY "phase", "pos"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) = 'pupil'
                  THEN "key5_opt_elem2_in0"
                  WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                    PARTITION BY "run", "gid"
                    ORDER BY "phase", "pos"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) = 'grating'
                  THEN "key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                    PARTITION BY "run", "gid"
                    ORDER BY "phase", "pos"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) = 'pupil'
                  THEN "key5_opt_elem2_in0"
                  WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                    PARTITION BY "run", "gid"
                    ORDER BY "phase", "pos"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  ) = 'grating'
                  THEN "key5_opt_elem2_in1"
                END = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2" END IGNORE NULLS) OVER (
                  PARTITION BY "run", "gid"
                  ORDER BY "phase", "pos"
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                )
              )
            )
          )
          AND (
            NOT (
              "open6"
            )
            OR NOT (
              "role_index" IN (0, 1)
            )
            OR (
              "key6_fxd_slit" IS NULL
              OR "key6_fxd_slit" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key6_fxd_slit" END IGNORE NULLS) OVER (
                PARTITION BY "run", "gid"
                ORDER BY "phase", "pos"
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              )
            )
          )
        )
        AND (
          NOT (
            "open7"
          )
          OR NOT (
            "role_index" IN (0, 1)
          )
          OR (
            "key7_subarray" IS NULL
            OR "key7_subarray" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key7_subarray" END IGNORE NULLS) OVER (
              PARTITION BY "run", "gid"
              ORDER BY "phase", "pos"
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
          )
        )
      )
      AND (
        NOT (
          "open8"
        )
        OR NOT (
          "role_index" IN (0, 1)
        )
        OR (
          "key8_channel" IS NULL
          OR "key8_channel" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key8_channel" END IGNORE NULLS) OVER (
            PARTITION BY "run", "gid"
            ORDER BY "phase", "pos"
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          )
        )
      )
    )
    AND (
      NOT (
        "open9"
      )
      OR NOT (
        "role_index" IN (0, 1)
      )
      OR (
        "key9_slit" IS NULL
        OR "key9_slit" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key9_slit" END IGNORE NULLS) OVER (
          PARTITION BY "run", "gid"
          ORDER BY "phase", "pos"
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        )
      )
    )
), members AS (
  SELECT
    "asn"."run",
    "asn"."gid",
    "first_roles"."pos",
    "first_roles"."exptype",
    "first_roles"."key0_program",
    "first_roles"."key1_is_tso",
    "first_roles"."key2_instrument",
    "first_roles"."key3_detector",
    CASE
      WHEN "asn"."key4_opt_elem" IS NULL
      THEN "first_roles"."key4_opt_elem"
      ELSE CASE
        WHEN "asn"."key4_opt_elem_from" = 'filter'
        THEN "first_roles"."key4_opt_elem_in0"
        WHEN "asn"."key4_opt_elem_from" = 'band'
        THEN "first_roles"."key4_opt_elem_in1"
      END
    END AS key4_opt_elem,
    CASE
      WHEN "asn"."key5_opt_elem2" IS NULL
      THEN "first_roles"."key5_opt_elem2"
      ELSE CASE
        WHEN "asn"."key5_opt_elem2_from" = 'pupil'
        THEN "first_roles"."key5_opt_elem2_in0"
        WHEN "asn"."key5_opt_elem2_from" = 'grating'
        THEN "first_roles"."key5_opt_elem2_in1"
      END
    END AS key5_opt_elem2,
    "first_roles"."key6_fxd_slit",
    "first_roles"."key7_subarray",
    "first_roles"."key8_channel",
    "first_roles"."key9_slit",
    "first_roles"."key10_exp_type",
    "first_roles"."key11_subarray",
    "first_roles"."first_role" AS role_index,
    0 AS phase
  FROM associations AS asn
  JOIN first_roles
    ON "first_roles"."run" = "asn"."run" AND "first_roles"."pos" = "asn"."gid"
  UNION ALL
  SELECT
    *
  FROM attached
)
SELECT
  'Asn_Lv2CoronAsRate' AS rule,
  "associations"."run",
  "associations"."gid",
  "associations"."created",
  "members"."pos",
  CASE
    WHEN "members"."role_index" = 0
    THEN 'background'
    WHEN "members"."role_index" = 1
    THEN 'science'
  END AS role,
  "members"."exptype" AS exptype,
  "members"."phase",
  CASE
    WHEN "members"."pos" = "found_values"."found_pos"
    THEN "found_values"."found"
  END AS found
FROM associations
JOIN members
  ON "members"."run" = "associations"."run" AND "members"."gid" = "associations"."gid"
JOIN (
  SELECT
    "members"."run",
    "members"."gid",
    'program=' || ANY_VALUE("members"."key0_program") || CHR(30) || 'is_tso=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key1_is_tso") FILTER(WHERE
              NOT "members"."key1_is_tso" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'instrument=' || ANY_VALUE("members"."key2_instrument") || CHR(30) || 'detector=' || ANY_VALUE("members"."key3_detector") || CHR(30) || 'opt_elem=' || ANY_VALUE("members"."key4_opt_elem") || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key5_opt_elem2") FILTER(WHERE
              NOT "members"."key5_opt_elem2" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key6_fxd_slit") FILTER(WHERE
              NOT "members"."key6_fxd_slit" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'subarray=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key7_subarray") FILTER(WHERE
              NOT "members"."key7_subarray" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'channel=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key8_channel") FILTER(WHERE
              NOT "members"."key8_channel" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key9_slit") FILTER(WHERE
              NOT "members"."key9_slit" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ANY_VALUE("members"."key10_exp_type") AS found,
    MIN("members"."pos") AS found_pos
  FROM members
  GROUP BY
    "members"."run",
    "members"."gid"
  HAVING
    BOOL_OR(CAST("members"."exptype" = 'science' AS BOOLEAN))
) AS found_values
  ON "found_values"."run" = "associations"."run"
  AND "found_values"."gid" = "associations"."gid"
ORDER BY
  "associations"."run",
  "associations"."gid",
  "members"."phase",
  "members"."pos"