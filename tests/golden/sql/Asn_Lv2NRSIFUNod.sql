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
    "patttype" AS key11_patttype,
    "mostilno" AS key12_mosaic_tile,
    TRUE AS ok0_member
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
        AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
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
        NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
      )
      AND (
        NOT "patttype" IS NULL
        AND COALESCE((
          STARTS_WITH("patttype", '2-point-nod') OR "patttype" = '4-point-nod'
        ), FALSE)
      )
      AND (
        NOT "mostilno" IS NULL
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
), role_rows AS (
  SELECT
    *
    EXCLUDE ("filename_repeated")
  FROM rule_rows
  WHERE
    (
      "ok0_member"
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
      "ok0_member"
    ) AND "filename_repeated"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), key_vectors AS (
  SELECT
    "run",
    "key0_program",
    "key1_is_tso",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "key10_exp_type",
    "key11_patttype",
    "key12_mosaic_tile",
    ARG_MIN_NULL("key5_opt_elem2_in0", "pos") AS key5_opt_elem2_in0,
    ARG_MIN_NULL("key5_opt_elem2_in1", "pos") AS key5_opt_elem2_in1,
    MIN("pos") AS first_pos
  FROM role_rows
  WHERE
    "ok0_member"
  GROUP BY
    "run",
    "key0_program",
    "key1_is_tso",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "key10_exp_type",
    "key11_patttype",
    "key12_mosaic_tile"
), maximal_vectors AS (
  SELECT
    key_vectors.*
  FROM key_vectors
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM key_vectors AS other_vector
      WHERE
        (
          "other_vector"."run" = "key_vectors"."run"
          AND "other_vector"."key0_program" = "key_vectors"."key0_program"
          AND "other_vector"."key2_instrument" = "key_vectors"."key2_instrument"
          AND "other_vector"."key3_detector" = "key_vectors"."key3_detector"
          AND (
            "other_vector"."key4_opt_elem" = "key_vectors"."key4_opt_elem"
            AND "other_vector"."key4_opt_elem_from" = "key_vectors"."key4_opt_elem_from"
          )
          AND "other_vector"."key10_exp_type" = "key_vectors"."key10_exp_type"
          AND "other_vector"."key11_patttype" = "key_vectors"."key11_patttype"
          AND "other_vector"."key12_mosaic_tile" = "key_vectors"."key12_mosaic_tile"
        )
        AND (
          "key_vectors"."key1_is_tso" IS NULL
          OR "other_vector"."key1_is_tso" = "key_vectors"."key1_is_tso"
        )
        AND (
          "key_vectors"."key5_opt_elem2" IS NULL
          OR (
            (
              "other_vector"."key5_opt_elem2" = "key_vectors"."key5_opt_elem2"
              AND "other_vector"."key5_opt_elem2_from" = "key_vectors"."key5_opt_elem2_from"
            )
            OR (
              (
                NOT "other_vector"."key5_opt_elem2" IS NULL
                AND "key_vectors"."key5_opt_elem2_from" <> "other_vector"."key5_opt_elem2_from"
              )
              AND (
                CASE
                  WHEN "other_vector"."first_pos" < "key_vectors"."first_pos"
                  THEN CASE
                    WHEN "other_vector"."key5_opt_elem2_from" = 'pupil'
                    THEN "key_vectors"."key5_opt_elem2_in0"
                    WHEN "other_vector"."key5_opt_elem2_from" = 'grating'
                    THEN "key_vectors"."key5_opt_elem2_in1"
                  END IS NULL
                  OR CASE
                    WHEN "other_vector"."key5_opt_elem2_from" = 'pupil'
                    THEN "key_vectors"."key5_opt_elem2_in0"
                    WHEN "other_vector"."key5_opt_elem2_from" = 'grating'
                    THEN "key_vectors"."key5_opt_elem2_in1"
                  END = "other_vector"."key5_opt_elem2"
                  ELSE CASE
                    WHEN "key_vectors"."key5_opt_elem2_from" = 'pupil'
                    THEN "other_vector"."key5_opt_elem2_in0"
                    WHEN "key_vectors"."key5_opt_elem2_from" = 'grating'
                    THEN "other_vector"."key5_opt_elem2_in1"
                  END IS NULL
                  OR CASE
                    WHEN "key_vectors"."key5_opt_elem2_from" = 'pupil'
                    THEN "other_vector"."key5_opt_elem2_in0"
                    WHEN "key_vectors"."key5_opt_elem2_from" = 'grating'
                    THEN "other_vector"."key5_opt_elem2_in1"
                  END = "key_vectors"."key5_opt_elem2"
                END
              )
            )
          )
        )
        AND (
          "key_vectors"."key6_fxd_slit" IS NULL
          OR "other_vector"."key6_fxd_slit" = "key_vectors"."key6_fxd_slit"
        )
        AND (
          "key_vectors"."key7_subarray" IS NULL
          OR "other_vector"."key7_subarray" = "key_vectors"."key7_subarray"
        )
        AND (
          "key_vectors"."key8_channel" IS NULL
          OR "other_vector"."key8_channel" = "key_vectors"."key8_channel"
        )
        AND (
          "key_vectors"."key9_slit" IS NULL
          OR "other_vector"."key9_slit" = "key_vectors"."key9_slit"
        )
        AND (
          (
            "key_vectors"."key1_is_tso" IS NULL AND NOT "other_vector"."key1_is_tso" IS NULL
          )
          OR (
            NOT "key_vectors"."key5_opt_elem2" IS NULL
            AND (
              NOT "other_vector"."key5_opt_elem2" IS NULL
              AND "key_vectors"."key5_opt_elem2_from" <> "other_vector"."key5_opt_elem2_from"
            )
            AND "other_vector"."first_pos" < "key_vectors"."first_pos"
          )
          OR (
            "key_vectors"."key5_opt_elem2" IS NULL
            AND NOT "other_vector"."key5_opt_elem2" IS NULL
          )
          OR (
            "key_vectors"."key6_fxd_slit" IS NULL
            AND NOT "other_vector"."key6_fxd_slit" IS NULL
          )
          OR (
            "key_vectors"."key7_subarray" IS NULL
            AND NOT "other_vector"."key7_subarray" IS NULL
          )
          OR (
            "key_vectors"."key8_channel" IS NULL
            AND NOT "other_vector"."key8_channel" IS NULL
          )
          OR (
            "key_vectors"."key9_slit" IS NULL AND NOT "other_vector"."key9_slit" IS NULL
          )
        )
    )
), maximal_dated AS (
  SELECT
    maximal_vectors.*,
    "maximal_vectors"."first_pos" AS created
  FROM maximal_vectors
), associations AS (
  SELECT
    numbered.*,
    CASE
      WHEN NOT "creator"."key5_opt_elem2" IS NULL
      THEN "creator"."key5_opt_elem2"
      ELSE "numbered"."key5_opt_elem2"
    END AS lock5_opt_elem2,
    CASE
      WHEN NOT "creator"."key5_opt_elem2" IS NULL
      THEN "creator"."key5_opt_elem2_from"
      ELSE "numbered"."key5_opt_elem2_from"
    END AS lock5_opt_elem2_from
  FROM (
    SELECT
      *,
      ROW_NUMBER() OVER (
        ORDER BY "run", "created", "key0_program", "key1_is_tso", "key2_instrument", "key3_detector", "key4_opt_elem", "key5_opt_elem2", "key6_fxd_slit", "key7_subarray", "key8_channel", "key9_slit", "key10_exp_type", "key11_patttype", "key12_mosaic_tile"
      ) AS gid
    FROM (
      SELECT
        *
        EXCLUDE ("created"),
        LEAST(
          "refiner"."created",
          COALESCE(
            (
              SELECT
                MIN("refined"."first_pos")
              FROM key_vectors AS refined
              WHERE
                (
                  "refined"."run" = "refiner"."run"
                  AND "refined"."key0_program" = "refiner"."key0_program"
                  AND "refined"."key2_instrument" = "refiner"."key2_instrument"
                  AND "refined"."key3_detector" = "refiner"."key3_detector"
                  AND (
                    "refined"."key4_opt_elem" = "refiner"."key4_opt_elem"
                    AND "refined"."key4_opt_elem_from" = "refiner"."key4_opt_elem_from"
                  )
                  AND "refined"."key10_exp_type" = "refiner"."key10_exp_type"
                  AND "refined"."key11_patttype" = "refiner"."key11_patttype"
                  AND "refined"."key12_mosaic_tile" = "refiner"."key12_mosaic_tile"
                )
                AND (
                  "refined"."key1_is_tso" IS NULL
                  OR "refiner"."key1_is_tso" = "refined"."key1_is_tso"
                )
                AND (
                  "refined"."key5_opt_elem2" IS NULL
                  OR (
                    (
                      "refiner"."key5_opt_elem2" = "refined"."key5_opt_elem2"
                      AND "refiner"."key5_opt_elem2_from" = "refined"."key5_opt_elem2_from"
                    )
                    OR (
                      (
                        NOT "refiner"."key5_opt_elem2" IS NULL
                        AND "refined"."key5_opt_elem2_from" <> "refiner"."key5_opt_elem2_from"
                      )
                      AND (
                        CASE
                          WHEN "refiner"."first_pos" < "refined"."first_pos"
                          THEN CASE
                            WHEN "refiner"."key5_opt_elem2_from" = 'pupil'
                            THEN "refined"."key5_opt_elem2_in0"
                            WHEN "refiner"."key5_opt_elem2_from" = 'grating'
                            THEN "refined"."key5_opt_elem2_in1"
                          END IS NULL
                          OR CASE
                            WHEN "refiner"."key5_opt_elem2_from" = 'pupil'
                            THEN "refined"."key5_opt_elem2_in0"
                            WHEN "refiner"."key5_opt_elem2_from" = 'grating'
                            THEN "refined"."key5_opt_elem2_in1"
                          END = "refiner"."key5_opt_elem2"
                          ELSE CASE
                            WHEN "refined"."key5_opt_elem2_from" = 'pupil'
                            THEN "refiner"."key5_opt_elem2_in0"
                            WHEN "refined"."key5_opt_elem2_from" = 'grating'
                            THEN "refiner"."key5_opt_elem2_in1"
                          END IS NULL
                          OR CASE
                            WHEN "refined"."key5_opt_elem2_from" = 'pupil'
                            THEN "refiner"."key5_opt_elem2_in0"
                            WHEN "refined"."key5_opt_elem2_from" = 'grating'
                            THEN "refiner"."key5_opt_elem2_in1"
                          END = "refined"."key5_opt_elem2"
                        END
                      )
                    )
                  )
                )
                AND (
                  "refined"."key6_fxd_slit" IS NULL
                  OR "refiner"."key6_fxd_slit" = "refined"."key6_fxd_slit"
                )
                AND (
                  "refined"."key7_subarray" IS NULL
                  OR "refiner"."key7_subarray" = "refined"."key7_subarray"
                )
                AND (
                  "refined"."key8_channel" IS NULL
                  OR "refiner"."key8_channel" = "refined"."key8_channel"
                )
                AND (
                  "refined"."key9_slit" IS NULL OR "refiner"."key9_slit" = "refined"."key9_slit"
                )
                AND "refined"."first_pos" < "refiner"."created"
                AND NOT EXISTS(
                  SELECT
                    1
                  FROM maximal_dated AS sooner
                  WHERE
                    (
                      "sooner"."run" = "refined"."run"
                      AND "sooner"."key0_program" = "refined"."key0_program"
                      AND "sooner"."key2_instrument" = "refined"."key2_instrument"
                      AND "sooner"."key3_detector" = "refined"."key3_detector"
                      AND (
                        "sooner"."key4_opt_elem" = "refined"."key4_opt_elem"
                        AND "sooner"."key4_opt_elem_from" = "refined"."key4_opt_elem_from"
                      )
                      AND "sooner"."key10_exp_type" = "refined"."key10_exp_type"
                      AND "sooner"."key11_patttype" = "refined"."key11_patttype"
                      AND "sooner"."key12_mosaic_tile" = "refined"."key12_mosaic_tile"
                    )
                    AND (
                      "refined"."key1_is_tso" IS NULL
                      OR "sooner"."key1_is_tso" = "refined"."key1_is_tso"
                    )
                    AND (
                      "refined"."key5_opt_elem2" IS NULL
                      OR (
                        (
                          "sooner"."key5_opt_elem2" = "refined"."key5_opt_elem2"
                          AND "sooner"."key5_opt_elem2_from" = "refined"."key5_opt_elem2_from"
                        )
                        OR (
                          (
                            NOT "sooner"."key5_opt_elem2" IS NULL
                            AND "refined"."key5_opt_elem2_from" <> "sooner"."key5_opt_elem2_from"
                          )
                          AND (
                            CASE
                              WHEN "sooner"."first_pos" < "refined"."first_pos"
                              THEN CASE
                                WHEN "sooner"."key5_opt_elem2_from" = 'pupil'
                                THEN "refined"."key5_opt_elem2_in0"
                                WHEN "sooner"."key5_opt_elem2_from" = 'grating'
                                THEN "refined"."key5_opt_elem2_in1"
                              END IS NULL
                              OR CASE
                                WHEN "sooner"."key5_opt_elem2_from" = 'pupil'
                                THEN "refined"."key5_opt_elem2_in0"
                                WHEN "sooner"."key5_opt_elem2_from" = 'grating'
                                THEN "refined"."key5_opt_elem2_in1"
                              END = "sooner"."key5_opt_elem2"
                              ELSE CASE
                                WHEN "refined"."key5_opt_elem2_from" = 'pupil'
                                THEN "sooner"."key5_opt_elem2_in0"
                                WHEN "refined"."key5_opt_elem2_from" = 'grating'
                                THEN "sooner"."key5_opt_elem2_in1"
                              END IS NULL
                              OR CASE
                                WHEN "refined"."key5_opt_elem2_from" = 'pupil'
                                THEN "sooner"."key5_opt_elem2_in0"
                                WHEN "refined"."key5_opt_elem2_from" = 'grating'
                                THEN "sooner"."key5_opt_elem2_in1"
                              END = "refined"."key5_opt_elem2"
                            END
                          )
                        )
                      )
                    )
                    AND (
                      "refined"."key6_fxd_slit" IS NULL
                      OR "sooner"."key6_fxd_slit" = "refined"."key6_fxd_slit"
                    )
                    AND (
                      "refined"."key7_subarray" IS NULL
                      OR "sooner"."key7_subarray" = "refined"."key7_subarray"
                    )
                    AND (
                      "refined"."key8_channel" IS NULL
                      OR "sooner"."key8_channel" = "refined"."key8_channel"
                    )
                    AND (
                      "refined"."key9_slit" IS NULL OR "sooner"."key9_slit" = "refined"."key9_slit"
                    )
                    AND "sooner"."created" < "refiner"."created"
                )
            ),
            "refiner"."created"
          )
        ) AS created
      FROM maximal_dated AS refiner
    ) AS dated
  ) AS numbered
  LEFT JOIN role_rows AS creator
    ON "creator"."run" = "numbered"."run" AND "creator"."pos" = "numbered"."created"
), group_members AS (
  SELECT
    "associations"."run",
    "associations"."gid",
    "role_rows"."pos",
    "role_rows"."exptype",
    "role_rows"."key0_program",
    "role_rows"."key1_is_tso",
    "role_rows"."key2_instrument",
    "role_rows"."key3_detector",
    "role_rows"."key4_opt_elem",
    CASE
      WHEN "associations"."lock5_opt_elem2" IS NULL
      THEN "role_rows"."key5_opt_elem2"
      ELSE CASE
        WHEN "associations"."lock5_opt_elem2_from" = 'pupil'
        THEN "role_rows"."key5_opt_elem2_in0"
        WHEN "associations"."lock5_opt_elem2_from" = 'grating'
        THEN "role_rows"."key5_opt_elem2_in1"
      END
    END AS key5_opt_elem2,
    "role_rows"."key6_fxd_slit",
    "role_rows"."key7_subarray",
    "role_rows"."key8_channel",
    "role_rows"."key9_slit",
    "role_rows"."key10_exp_type",
    "role_rows"."key11_patttype",
    "role_rows"."key12_mosaic_tile",
    CASE WHEN "role_rows"."ok0_member" THEN 0 END AS role_index,
    CASE
      WHEN "role_rows"."pos" >= "associations"."created"
      THEN 0
      ELSE CASE WHEN CASE WHEN "role_rows"."ok0_member" THEN 0 END = 0 THEN 0 ELSE 0 END
    END AS phase
  FROM associations
  JOIN role_rows
    ON "role_rows"."run" = "associations"."run"
    AND "role_rows"."key0_program" = "associations"."key0_program"
    AND "role_rows"."key2_instrument" = "associations"."key2_instrument"
    AND "role_rows"."key3_detector" = "associations"."key3_detector"
    AND (
      "role_rows"."key4_opt_elem" = "associations"."key4_opt_elem"
      AND "role_rows"."key4_opt_elem_from" = "associations"."key4_opt_elem_from"
    )
    AND "role_rows"."key10_exp_type" = "associations"."key10_exp_type"
    AND "role_rows"."key11_patttype" = "associations"."key11_patttype"
    AND "role_rows"."key12_mosaic_tile" = "associations"."key12_mosaic_tile"
  WHERE
    (
      "role_rows"."ok0_member"
      AND (
        (
          "role_rows"."key1_is_tso" IS NULL
          OR "associations"."key1_is_tso" IS NULL
          OR "role_rows"."key1_is_tso" = "associations"."key1_is_tso"
        )
        AND (
          CASE
            WHEN "associations"."lock5_opt_elem2_from" = 'pupil'
            THEN "role_rows"."key5_opt_elem2_in0"
            WHEN "associations"."lock5_opt_elem2_from" = 'grating'
            THEN "role_rows"."key5_opt_elem2_in1"
          END IS NULL
          OR CASE
            WHEN "associations"."lock5_opt_elem2_from" = 'pupil'
            THEN "role_rows"."key5_opt_elem2_in0"
            WHEN "associations"."lock5_opt_elem2_from" = 'grating'
            THEN "role_rows"."key5_opt_elem2_in1"
          END = "associations"."lock5_opt_elem2"
        )
        AND (
          "role_rows"."key6_fxd_slit" IS NULL
          OR "associations"."key6_fxd_slit" IS NULL
          OR "role_rows"."key6_fxd_slit" = "associations"."key6_fxd_slit"
        )
        AND (
          "role_rows"."key7_subarray" IS NULL
          OR "associations"."key7_subarray" IS NULL
          OR "role_rows"."key7_subarray" = "associations"."key7_subarray"
        )
        AND (
          "role_rows"."key8_channel" IS NULL
          OR "associations"."key8_channel" IS NULL
          OR "role_rows"."key8_channel" = "associations"."key8_channel"
        )
        AND (
          "role_rows"."key9_slit" IS NULL
          OR "associations"."key9_slit" IS NULL
          OR "role_rows"."key9_slit" = "associations"."key9_slit"
        )
      )
      AND "role_rows"."pos" >= "associations"."created"
    )
)
SELECT
  'Asn_Lv2NRSIFUNod' AS rule,
  "associations"."run",
  "associations"."gid",
  "associations"."created",
  "group_members"."pos",
  CASE WHEN "group_members"."role_index" = 0 THEN 'member' END AS role,
  "group_members"."exptype" AS exptype,
  "group_members"."phase",
  CASE
    WHEN "group_members"."pos" = "found_values"."found_pos"
    THEN "found_values"."found"
  END AS found
FROM associations
JOIN group_members
  ON "group_members"."run" = "associations"."run"
  AND "group_members"."gid" = "associations"."gid"
JOIN (
  SELECT
    "group_members"."run",
    "group_members"."gid",
    'program=' || ANY_VALUE("group_members"."key0_program") || CHR(30) || 'is_tso=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("group_members"."key1_is_tso") FILTER(WHERE
              NOT "group_members"."key1_is_tso" IS NULL AND "group_members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'instrument=' || ANY_VALUE("group_members"."key2_instrument") || CHR(30) || 'detector=' || ANY_VALUE("group_members"."key3_detector") || CHR(30) || 'opt_elem=' || ANY_VALUE("group_members"."key4_opt_elem") || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("group_members"."key5_opt_elem2") FILTER(WHERE
              NOT "group_members"."key5_opt_elem2" IS NULL
              AND "group_members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("group_members"."key6_fxd_slit") FILTER(WHERE
              NOT "group_members"."key6_fxd_slit" IS NULL
              AND "group_members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'subarray=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("group_members"."key7_subarray") FILTER(WHERE
              NOT "group_members"."key7_subarray" IS NULL
              AND "group_members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'channel=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("group_members"."key8_channel") FILTER(WHERE
              NOT "group_members"."key8_channel" IS NULL
              AND "group_members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("group_members"."key9_slit") FILTER(WHERE
              NOT "group_members"."key9_slit" IS NULL AND "group_members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ANY_VALUE("group_members"."key10_exp_type") || CHR(30) || 'patttype=' || ANY_VALUE("group_members"."key11_patttype") || CHR(30) || 'mosaic_tile=' || ANY_VALUE("group_members"."key12_mosaic_tile") AS found,
    MIN("group_members"."pos") AS found_pos
  FROM group_members
  GROUP BY
    "group_members"."run",
    "group_members"."gid"
  HAVING
    BOOL_OR(CAST("group_members"."exptype" = 'science' AS BOOLEAN))
) AS found_values
  ON "found_values"."run" = "associations"."run"
  AND "found_values"."gid" = "associations"."gid"
ORDER BY
  "associations"."run",
  "associations"."gid",
  "group_members"."phase",
  "group_members"."pos"