WITH rule_rows AS (
  SELECT
    "run",
    "pos",
    "filename",
    "filename_repeated",
    ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") AS exptype,
    "program" AS key0_program,
    "instrume" AS key1_instrument,
    "filter" AS key2_opt_elem,
    COALESCE("pupil", "grating") AS key3_opt_elem2,
    CASE
      WHEN NOT "pupil" IS NULL
      THEN 'pupil'
      WHEN NOT "grating" IS NULL
      THEN 'grating'
    END AS key3_opt_elem2_from,
    "pupil" AS key3_opt_elem2_in0,
    "grating" AS key3_opt_elem2_in1,
    CASE
      WHEN NOT (
        COALESCE((
          STARTS_WITH("fxd_slit", 's200a1') OR "fxd_slit" = 's200a2'
        ), FALSE)
      )
      THEN "fxd_slit"
    END AS key4_fxd_slit,
    "subarray" AS key5_subarray,
    CASE
      WHEN COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('science'), FALSE)
      THEN "targetid"
    END AS key6_target,
    "exp_type" AS key7_exp_type,
    "obs_num" AS record0_obs_num,
    CASE
      WHEN COALESCE((
        STARTS_WITH("fxd_slit", 's200a1') OR "fxd_slit" = 's200a2'
      ), FALSE)
      THEN "fxd_slit"
    END AS record1_fxd_slit2,
    (
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
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nis_ami', FALSE)
    ) AS ok0_member,
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE) AS ok1_target_acquisition,
    "obs_num" AS obs_num_value
  FROM run_items
  WHERE
    (
      "is_imprt" IS NULL
      AND (
        NOT "program" IS NULL
      )
      AND (
        NOT "instrume" IS NULL
      )
    )
    AND (
      (
        (
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
          NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nis_ami', FALSE)
        )
      )
      OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
    )
), role_rows AS (
  SELECT
    *
    EXCLUDE ("filename_repeated")
  FROM rule_rows
  WHERE
    (
      "ok0_member" OR "ok1_target_acquisition"
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
      "ok0_member" OR "ok1_target_acquisition"
    ) AND "filename_repeated"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), key_vectors AS (
  SELECT
    "run",
    "key0_program",
    "key1_instrument",
    "key2_opt_elem",
    "key3_opt_elem2",
    "key3_opt_elem2_from",
    "key4_fxd_slit",
    "key5_subarray",
    "key6_target",
    "key7_exp_type",
    ARG_MIN_NULL("key3_opt_elem2_in0", "pos") AS key3_opt_elem2_in0,
    ARG_MIN_NULL("key3_opt_elem2_in1", "pos") AS key3_opt_elem2_in1,
    MIN("pos") AS first_pos
  FROM role_rows
  WHERE
    "ok0_member"
  GROUP BY
    "run",
    "key0_program",
    "key1_instrument",
    "key2_opt_elem",
    "key3_opt_elem2",
    "key3_opt_elem2_from",
    "key4_fxd_slit",
    "key5_subarray",
    "key6_target",
    "key7_exp_type"
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
          AND "other_vector"."key1_instrument" = "key_vectors"."key1_instrument"
        )
        AND (
          "key_vectors"."key2_opt_elem" IS NULL
          OR "other_vector"."key2_opt_elem" = "key_vectors"."key2_opt_elem"
        )
        AND (
          "key_vectors"."key3_opt_elem2" IS NULL
          OR (
            (
              "other_vector"."key3_opt_elem2" = "key_vectors"."key3_opt_elem2"
              AND "other_vector"."key3_opt_elem2_from" = "key_vectors"."key3_opt_elem2_from"
            )
            OR (
              (
                NOT "other_vector"."key3_opt_elem2" IS NULL
                AND "key_vectors"."key3_opt_elem2_from" <> "other_vector"."key3_opt_elem2_from"
              )
              AND (
                CASE
                  WHEN "other_vector"."first_pos" < "key_vectors"."first_pos"
                  THEN CASE
                    WHEN "other_vector"."key3_opt_elem2_from" = 'pupil'
                    THEN "key_vectors"."key3_opt_elem2_in0"
                    WHEN "other_vector"."key3_opt_elem2_from" = 'grating'
                    THEN "key_vectors"."key3_opt_elem2_in1"
                  END IS NULL
                  OR CASE
                    WHEN "other_vector"."key3_opt_elem2_from" = 'pupil'
                    THEN "key_vectors"."key3_opt_elem2_in0"
                    WHEN "other_vector"."key3_opt_elem2_from" = 'grating'
                    THEN "key_vectors"."key3_opt_elem2_in1"
                  END = "other_vector"."key3_opt_elem2"
                  ELSE CASE
                    WHEN "key_vectors"."key3_opt_elem2_from" = 'pupil'
                    THEN "other_vector"."key3_opt_elem2_in0"
                    WHEN "key_vectors"."key3_opt_elem2_from" = 'grating'
                    THEN "other_vector"."key3_opt_elem2_in1"
                  END IS NULL
                  OR CASE
                    WHEN "key_vectors"."key3_opt_elem2_from" = 'pupil'
                    THEN "other_vector"."key3_opt_elem2_in0"
                    WHEN "key_vectors"."key3_opt_elem2_from" = 'grating'
                    THEN "other_vector"."key3_opt_elem2_in1"
                  END = "key_vectors"."key3_opt_elem2"
                END
              )
            )
          )
        )
        AND (
          "key_vectors"."key4_fxd_slit" IS NULL
          OR "other_vector"."key4_fxd_slit" = "key_vectors"."key4_fxd_slit"
        )
        AND (
          "key_vectors"."key5_subarray" IS NULL
          OR "other_vector"."key5_subarray" = "key_vectors"."key5_subarray"
        )
        AND (
          "key_vectors"."key6_target" IS NULL
          OR "other_vector"."key6_target" = "key_vectors"."key6_target"
        )
        AND (
          "key_vectors"."key7_exp_type" IS NULL
          OR "other_vector"."key7_exp_type" = "key_vectors"."key7_exp_type"
        )
        AND (
          (
            "key_vectors"."key2_opt_elem" IS NULL
            AND NOT "other_vector"."key2_opt_elem" IS NULL
          )
          OR (
            NOT "key_vectors"."key3_opt_elem2" IS NULL
            AND (
              NOT "other_vector"."key3_opt_elem2" IS NULL
              AND "key_vectors"."key3_opt_elem2_from" <> "other_vector"."key3_opt_elem2_from"
            )
            AND "other_vector"."first_pos" < "key_vectors"."first_pos"
          )
          OR (
            "key_vectors"."key3_opt_elem2" IS NULL
            AND NOT "other_vector"."key3_opt_elem2" IS NULL
          )
          OR (
            "key_vectors"."key4_fxd_slit" IS NULL
            AND NOT "other_vector"."key4_fxd_slit" IS NULL
          )
          OR (
            "key_vectors"."key5_subarray" IS NULL
            AND NOT "other_vector"."key5_subarray" IS NULL
          )
          OR (
            "key_vectors"."key6_target" IS NULL AND NOT "other_vector"."key6_target" IS NULL
          )
          OR (
            "key_vectors"."key7_exp_type" IS NULL
            AND NOT "other_vector"."key7_exp_type" IS NULL
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
      WHEN NOT "creator"."key3_opt_elem2" IS NULL
      THEN "creator"."key3_opt_elem2"
      ELSE "numbered"."key3_opt_elem2"
    END AS lock3_opt_elem2,
    CASE
      WHEN NOT "creator"."key3_opt_elem2" IS NULL
      THEN "creator"."key3_opt_elem2_from"
      ELSE "numbered"."key3_opt_elem2_from"
    END AS lock3_opt_elem2_from
  FROM (
    SELECT
      *,
      ROW_NUMBER() OVER (
        ORDER BY "run", "created", "key0_program", "key1_instrument", "key2_opt_elem", "key3_opt_elem2", "key4_fxd_slit", "key5_subarray", "key6_target", "key7_exp_type"
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
                  AND "refined"."key1_instrument" = "refiner"."key1_instrument"
                )
                AND (
                  "refined"."key2_opt_elem" IS NULL
                  OR "refiner"."key2_opt_elem" = "refined"."key2_opt_elem"
                )
                AND (
                  "refined"."key3_opt_elem2" IS NULL
                  OR (
                    (
                      "refiner"."key3_opt_elem2" = "refined"."key3_opt_elem2"
                      AND "refiner"."key3_opt_elem2_from" = "refined"."key3_opt_elem2_from"
                    )
                    OR (
                      (
                        NOT "refiner"."key3_opt_elem2" IS NULL
                        AND "refined"."key3_opt_elem2_from" <> "refiner"."key3_opt_elem2_from"
                      )
                      AND (
                        CASE
                          WHEN "refiner"."first_pos" < "refined"."first_pos"
                          THEN CASE
                            WHEN "refiner"."key3_opt_elem2_from" = 'pupil'
                            THEN "refined"."key3_opt_elem2_in0"
                            WHEN "refiner"."key3_opt_elem2_from" = 'grating'
                            THEN "refined"."key3_opt_elem2_in1"
                          END IS NULL
                          OR CASE
                            WHEN "refiner"."key3_opt_elem2_from" = 'pupil'
                            THEN "refined"."key3_opt_elem2_in0"
                            WHEN "refiner"."key3_opt_elem2_from" = 'grating'
                            THEN "refined"."key3_opt_elem2_in1"
                          END = "refiner"."key3_opt_elem2"
                          ELSE CASE
                            WHEN "refined"."key3_opt_elem2_from" = 'pupil'
                            THEN "refiner"."key3_opt_elem2_in0"
                            WHEN "refined"."key3_opt_elem2_from" = 'grating'
                            THEN "refiner"."key3_opt_elem2_in1"
                          END IS NULL
                          OR CASE
                            WHEN "refined"."key3_opt_elem2_from" = 'pupil'
                            THEN "refiner"."key3_opt_elem2_in0"
                            WHEN "refined"."key3_opt_elem2_from" = 'grating'
                            THEN "refiner"."key3_opt_elem2_in1"
                          END = "refined"."key3_opt_elem2"
                        END
                      )
                    )
                  )
                )
                AND (
                  "refined"."key4_fxd_slit" IS NULL
                  OR "refiner"."key4_fxd_slit" = "refined"."key4_fxd_slit"
                )
                AND (
                  "refined"."key5_subarray" IS NULL
                  OR "refiner"."key5_subarray" = "refined"."key5_subarray"
                )
                AND (
                  "refined"."key6_target" IS NULL
                  OR "refiner"."key6_target" = "refined"."key6_target"
                )
                AND (
                  "refined"."key7_exp_type" IS NULL
                  OR "refiner"."key7_exp_type" = "refined"."key7_exp_type"
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
                      AND "sooner"."key1_instrument" = "refined"."key1_instrument"
                    )
                    AND (
                      "refined"."key2_opt_elem" IS NULL
                      OR "sooner"."key2_opt_elem" = "refined"."key2_opt_elem"
                    )
                    AND (
                      "refined"."key3_opt_elem2" IS NULL
                      OR (
                        (
                          "sooner"."key3_opt_elem2" = "refined"."key3_opt_elem2"
                          AND "sooner"."key3_opt_elem2_from" = "refined"."key3_opt_elem2_from"
                        )
                        OR (
                          (
                            NOT "sooner"."key3_opt_elem2" IS NULL
                            AND "refined"."key3_opt_elem2_from" <> "sooner"."key3_opt_elem2_from"
                          )
                          AND (
                            CASE
                              WHEN "sooner"."first_pos" < "refined"."first_pos"
                              THEN CASE
                                WHEN "sooner"."key3_opt_elem2_from" = 'pupil'
                                THEN "refined"."key3_opt_elem2_in0"
                                WHEN "sooner"."key3_opt_elem2_from" = 'grating'
                                THEN "refined"."key3_opt_elem2_in1"
                              END IS NULL
                              OR CASE
                                WHEN "sooner"."key3_opt_elem2_from" = 'pupil'
                                THEN "refined"."key3_opt_elem2_in0"
                                WHEN "sooner"."key3_opt_elem2_from" = 'grating'
                                THEN "refined"."key3_opt_elem2_in1"
                              END = "sooner"."key3_opt_elem2"
                              ELSE CASE
                                WHEN "refined"."key3_opt_elem2_from" = 'pupil'
                                THEN "sooner"."key3_opt_elem2_in0"
                                WHEN "refined"."key3_opt_elem2_from" = 'grating'
                                THEN "sooner"."key3_opt_elem2_in1"
                              END IS NULL
                              OR CASE
                                WHEN "refined"."key3_opt_elem2_from" = 'pupil'
                                THEN "sooner"."key3_opt_elem2_in0"
                                WHEN "refined"."key3_opt_elem2_from" = 'grating'
                                THEN "sooner"."key3_opt_elem2_in1"
                              END = "refined"."key3_opt_elem2"
                            END
                          )
                        )
                      )
                    )
                    AND (
                      "refined"."key4_fxd_slit" IS NULL
                      OR "sooner"."key4_fxd_slit" = "refined"."key4_fxd_slit"
                    )
                    AND (
                      "refined"."key5_subarray" IS NULL
                      OR "sooner"."key5_subarray" = "refined"."key5_subarray"
                    )
                    AND (
                      "refined"."key6_target" IS NULL
                      OR "sooner"."key6_target" = "refined"."key6_target"
                    )
                    AND (
                      "refined"."key7_exp_type" IS NULL
                      OR "sooner"."key7_exp_type" = "refined"."key7_exp_type"
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
    "role_rows"."key1_instrument",
    "role_rows"."key2_opt_elem",
    CASE
      WHEN "associations"."lock3_opt_elem2" IS NULL
      THEN "role_rows"."key3_opt_elem2"
      ELSE CASE
        WHEN "associations"."lock3_opt_elem2_from" = 'pupil'
        THEN "role_rows"."key3_opt_elem2_in0"
        WHEN "associations"."lock3_opt_elem2_from" = 'grating'
        THEN "role_rows"."key3_opt_elem2_in1"
      END
    END AS key3_opt_elem2,
    "role_rows"."key4_fxd_slit",
    "role_rows"."key5_subarray",
    "role_rows"."key6_target",
    "role_rows"."key7_exp_type",
    "role_rows"."record0_obs_num",
    "role_rows"."record1_fxd_slit2",
    CASE WHEN "role_rows"."ok0_member" THEN 0 END AS role_index,
    CASE
      WHEN "role_rows"."pos" >= "associations"."created"
      THEN 0
      ELSE CASE
        WHEN CASE WHEN "role_rows"."ok0_member" THEN 0 END = 0
        THEN 1
        WHEN CASE WHEN "role_rows"."ok0_member" THEN 0 END = 1
        THEN 2
        ELSE 0
      END
    END AS phase
  FROM associations
  JOIN role_rows
    ON "role_rows"."run" = "associations"."run"
    AND "role_rows"."key0_program" = "associations"."key0_program"
    AND "role_rows"."key1_instrument" = "associations"."key1_instrument"
  WHERE
    (
      "role_rows"."ok0_member"
      AND (
        (
          "role_rows"."key2_opt_elem" IS NULL
          OR "associations"."key2_opt_elem" IS NULL
          OR "role_rows"."key2_opt_elem" = "associations"."key2_opt_elem"
        )
        AND (
          CASE
            WHEN "associations"."lock3_opt_elem2_from" = 'pupil'
            THEN "role_rows"."key3_opt_elem2_in0"
            WHEN "associations"."lock3_opt_elem2_from" = 'grating'
            THEN "role_rows"."key3_opt_elem2_in1"
          END IS NULL
          OR CASE
            WHEN "associations"."lock3_opt_elem2_from" = 'pupil'
            THEN "role_rows"."key3_opt_elem2_in0"
            WHEN "associations"."lock3_opt_elem2_from" = 'grating'
            THEN "role_rows"."key3_opt_elem2_in1"
          END = "associations"."lock3_opt_elem2"
        )
        AND (
          "role_rows"."key4_fxd_slit" IS NULL
          OR "associations"."key4_fxd_slit" IS NULL
          OR "role_rows"."key4_fxd_slit" = "associations"."key4_fxd_slit"
        )
        AND (
          "role_rows"."key5_subarray" IS NULL
          OR "associations"."key5_subarray" IS NULL
          OR "role_rows"."key5_subarray" = "associations"."key5_subarray"
        )
        AND (
          "role_rows"."key6_target" IS NULL
          OR "associations"."key6_target" IS NULL
          OR "role_rows"."key6_target" = "associations"."key6_target"
        )
        AND (
          "role_rows"."key7_exp_type" IS NULL
          OR "associations"."key7_exp_type" IS NULL
          OR "role_rows"."key7_exp_type" = "associations"."key7_exp_type"
        )
      )
    )
), observations AS (
  SELECT DISTINCT
    "group_members"."gid",
    "role_rows"."record0_obs_num" AS observation
  FROM group_members
  JOIN associations
    ON "associations"."gid" = "group_members"."gid"
  JOIN role_rows
    ON "role_rows"."run" = "associations"."run"
    AND "role_rows"."pos" = "group_members"."pos"
  WHERE
    NOT "role_rows"."record0_obs_num" IS NULL
), obs_members AS (
  SELECT
    "associations"."run",
    "associations"."gid",
    "role_rows"."pos",
    "role_rows"."exptype",
    "role_rows"."key0_program",
    "role_rows"."key1_instrument",
    "role_rows"."key2_opt_elem",
    CASE
      WHEN "associations"."lock3_opt_elem2" IS NULL
      THEN "role_rows"."key3_opt_elem2"
      ELSE CASE
        WHEN "associations"."lock3_opt_elem2_from" = 'pupil'
        THEN "role_rows"."key3_opt_elem2_in0"
        WHEN "associations"."lock3_opt_elem2_from" = 'grating'
        THEN "role_rows"."key3_opt_elem2_in1"
      END
    END AS key3_opt_elem2,
    "role_rows"."key4_fxd_slit",
    "role_rows"."key5_subarray",
    "role_rows"."key6_target",
    "role_rows"."key7_exp_type",
    "role_rows"."record0_obs_num",
    "role_rows"."record1_fxd_slit2",
    CASE WHEN "role_rows"."ok1_target_acquisition" THEN 1 END AS role_index,
    CASE
      WHEN "role_rows"."pos" >= "associations"."created"
      THEN 0
      ELSE CASE
        WHEN CASE WHEN "role_rows"."ok1_target_acquisition" THEN 1 END = 0
        THEN 1
        WHEN CASE WHEN "role_rows"."ok1_target_acquisition" THEN 1 END = 1
        THEN 2
        ELSE 0
      END
    END AS phase
  FROM associations
  JOIN role_rows
    ON "role_rows"."run" = "associations"."run"
    AND "role_rows"."key0_program" = "associations"."key0_program"
    AND "role_rows"."key1_instrument" = "associations"."key1_instrument"
  WHERE
    (
      "role_rows"."ok1_target_acquisition"
      AND EXISTS(
        SELECT
          1
        FROM observations
        WHERE
          "observations"."gid" = "associations"."gid"
          AND "observations"."observation" = "role_rows"."obs_num_value"
      )
    )
), members AS (
  SELECT
    group_members.*
  FROM group_members
  ANTI JOIN obs_members
    ON "obs_members"."run" = "group_members"."run"
    AND "obs_members"."gid" = "group_members"."gid"
    AND "obs_members"."pos" = "group_members"."pos"
    AND "obs_members"."role_index" < "group_members"."role_index"
  UNION ALL
  SELECT
    obs_members.*
  FROM obs_members
  ANTI JOIN group_members
    ON "group_members"."run" = "obs_members"."run"
    AND "group_members"."gid" = "obs_members"."gid"
    AND "group_members"."pos" = "obs_members"."pos"
    AND "group_members"."role_index" < "obs_members"."role_index"
)
SELECT
  'Asn_Lv3AMI' AS rule,
  "associations"."run",
  "associations"."gid",
  "associations"."created",
  "members"."pos",
  CASE
    WHEN "members"."role_index" = 0
    THEN 'member'
    WHEN "members"."role_index" = 1
    THEN 'target_acquisition'
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
    'program=' || ANY_VALUE("members"."key0_program") || CHR(30) || 'instrument=' || ANY_VALUE("members"."key1_instrument") || CHR(30) || 'opt_elem=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key2_opt_elem") FILTER(WHERE
              NOT "members"."key2_opt_elem" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key3_opt_elem2") FILTER(WHERE
              NOT "members"."key3_opt_elem2" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key4_fxd_slit") FILTER(WHERE
              NOT "members"."key4_fxd_slit" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'subarray=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key5_subarray") FILTER(WHERE
              NOT "members"."key5_subarray" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'target=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key6_target") FILTER(WHERE
              NOT "members"."key6_target" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key7_exp_type") FILTER(WHERE
              NOT "members"."key7_exp_type" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'obs_num=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."record0_obs_num") FILTER(WHERE
              NOT "members"."record0_obs_num" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."record1_fxd_slit2") FILTER(WHERE
              NOT "members"."record1_fxd_slit2" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) AS found,
    MIN("members"."pos") AS found_pos
  FROM members
  GROUP BY
    "members"."run",
    "members"."gid"
  HAVING
    BOOL_OR(CAST("members"."exptype" = 'science' AS BOOLEAN))
    AND BOOL_OR(CAST("members"."exptype" = 'psf' AS BOOLEAN))
) AS found_values
  ON "found_values"."run" = "associations"."run"
  AND "found_values"."gid" = "associations"."gid"
ORDER BY
  "associations"."run",
  "associations"."gid",
  "members"."phase",
  "members"."pos"