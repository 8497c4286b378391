WITH rule_rows AS (
  SELECT
    "run",
    "pos",
    "filename",
    "filename_repeated",
    ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") AS exptype,
    "program" AS key0_program,
    "tsovisit" AS key1_is_tso,
    "exp_type" AS key2_exp_type,
    "patt_num" AS key3_patt_num,
    "patt_num" AS key4_is_current_patt_num,
    (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
      AND COALESCE("patttype" = 'along-slit-nod', FALSE)
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_lrs-fixedslit', FALSE)
    )
    AND (
      NOT "patt_num" IS NULL
    ) AS ok0_science,
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
    ) AS ok1_background,
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
    ) AS ok2_background_acq,
    (
      COALESCE("exp_type" = 'mir_taconfirm', FALSE)
      AND NOT (
        COALESCE("cand_type" IN ('background'), FALSE)
      )
    ) AS ok3_target_acquisition,
    "patt_num" AS owner_patt_num
  FROM run_items
  WHERE
    (
      NOT "program" IS NULL
    )
    AND (
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
      "ok0_science"
      OR "ok1_background"
      OR "ok2_background_acq"
      OR "ok3_target_acquisition"
    )
    AND NOT (
      "filename_repeated"
    )
  UNION ALL
  SELECT
    *
    EXCLUDE ("filename_repeated")
  FROM rule_rows
  WHERE
    (
      "ok0_science"
      OR "ok1_background"
      OR "ok2_background_acq"
      OR "ok3_target_acquisition"
    )
    AND "filename_repeated"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), first_roles AS (
  SELECT
    *,
    CASE
      WHEN "ok0_science"
      THEN 0
      WHEN "ok1_background"
      THEN 1
      WHEN "ok2_background_acq"
      THEN 2
      WHEN "ok3_target_acquisition"
      THEN 3
    END AS first_role,
    CASE
      WHEN "ok0_science"
      THEN 1
      WHEN "ok1_background"
      THEN 0
      WHEN "ok2_background_acq"
      THEN 2
      WHEN "ok3_target_acquisition"
      THEN 2
    END AS first_phase
  FROM role_rows
), owners AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "first_role" IN (0)
    AND NOT (
      EXISTS(
        SELECT
          1
        FROM first_roles AS earlier_owner
        WHERE
          (
            "first_roles"."run" = "earlier_owner"."run"
            AND "first_roles"."key0_program" = "earlier_owner"."key0_program"
          )
          AND "earlier_owner"."first_role" IN (0)
          AND "earlier_owner"."pos" < "first_roles"."pos"
          AND (
            (
              "first_roles"."ok3_target_acquisition"
              AND (
                "first_roles"."key1_is_tso" IS NULL
                OR "earlier_owner"."key1_is_tso" IS NULL
                OR "first_roles"."key1_is_tso" = "earlier_owner"."key1_is_tso"
              )
            )
          )
      )
    )
), first_attached AS (
  SELECT
    "run",
    "key0_program",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science,
    ARG_MIN_NULL("key1_is_tso", "pos") AS first_key1_is_tso
  FROM first_roles
  WHERE
    "first_role" IN (3)
  GROUP BY
    "run",
    "key0_program"
), owned AS (
  SELECT
    "owners"."run",
    "owners"."key0_program",
    "owners"."key1_is_tso" AS key1_is_tso,
    "owners"."key2_exp_type" AS key2_exp_type,
    "owners"."key3_patt_num" AS key3_patt_num,
    CAST(NULL AS TEXT) AS key4_is_current_patt_num,
    "owners"."owner_patt_num" AS owner_patt_num,
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
          )
          THEN "owners"."pos"
        END
      ) OVER (PARTITION BY "owners"."run", "owners"."key0_program")
      THEN "first_attached"."first_attach"
      ELSE "owners"."pos"
    END AS created,
    "owners"."pos" AS gid
  FROM (
    SELECT
      *,
      MIN("pos") OVER (PARTITION BY "run", "key0_program") AS first_owner
    FROM owners
  ) AS owners
  LEFT JOIN first_attached
    ON "owners"."run" = "first_attached"."run"
    AND "owners"."key0_program" = "first_attached"."key0_program"
), orphans AS (
  SELECT
    "first_attached"."run",
    "first_attached"."key0_program",
    CAST(NULL AS TEXT) AS key1_is_tso,
    CAST(NULL AS TEXT) AS key2_exp_type,
    CAST(NULL AS TEXT) AS key3_patt_num,
    CAST(NULL AS TEXT) AS key4_is_current_patt_num,
    CAST(NULL AS TEXT) AS owner_patt_num,
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
          )
        )
    )
), associations AS (
  SELECT
    "run",
    "key0_program",
    "key1_is_tso",
    "key2_exp_type",
    "key3_patt_num",
    "key4_is_current_patt_num",
    "owner_patt_num",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "key0_program",
    "key1_is_tso",
    "key2_exp_type",
    "key3_patt_num",
    "key4_is_current_patt_num",
    "owner_patt_num",
    "created",
    "gid"
  FROM orphans
), attaching AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "ok1_background" OR "ok2_background_acq" OR "ok3_target_acquisition"
), attach_candidates AS (
  SELECT
    "asn"."run",
    "asn"."gid",
    "attacher"."pos",
    "attacher"."exptype",
    "attacher"."key0_program",
    "attacher"."key1_is_tso",
    "attacher"."key2_exp_type",
    "attacher"."key3_patt_num",
    "attacher"."key4_is_current_patt_num",
    CASE
      WHEN "attacher"."ok1_background"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key2_exp_type" IS NULL
          OR "asn"."key2_exp_type" IS NULL
          OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
        )
        AND (
          "attacher"."key4_is_current_patt_num" IS NULL
          OR "asn"."key4_is_current_patt_num" IS NULL
          OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
      AND NOT (
        CONTAINS(
          LOWER("attacher"."owner_patt_num"),
          LOWER(COALESCE("asn"."owner_patt_num", 'none'))
        )
      )
      AND (
        "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
      )
      THEN 1
      WHEN "attacher"."ok2_background_acq"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key2_exp_type" IS NULL
          OR "asn"."key2_exp_type" IS NULL
          OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
        )
        AND (
          "attacher"."key4_is_current_patt_num" IS NULL
          OR "asn"."key4_is_current_patt_num" IS NULL
          OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
      AND NOT (
        CONTAINS(
          LOWER("attacher"."owner_patt_num"),
          LOWER(COALESCE("asn"."owner_patt_num", 'none'))
        )
      )
      THEN 2
      WHEN "attacher"."ok3_target_acquisition"
      AND (
        "attacher"."key1_is_tso" IS NULL
        OR "asn"."key1_is_tso" IS NULL
        OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
      )
      AND "attacher"."pos" <> "asn"."gid"
      THEN 3
    END AS role_index,
    CASE
      WHEN "attacher"."pos" >= "asn"."created"
      THEN 0
      ELSE GREATEST(
        CASE
          WHEN CASE
            WHEN "attacher"."ok1_background"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
            WHEN "attacher"."ok2_background_acq"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            THEN 2
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 0
          THEN 1
          WHEN CASE
            WHEN "attacher"."ok1_background"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
            WHEN "attacher"."ok2_background_acq"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            THEN 2
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 1
          THEN 0
          WHEN CASE
            WHEN "attacher"."ok1_background"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
            WHEN "attacher"."ok2_background_acq"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            THEN 2
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 2
          THEN 2
          WHEN CASE
            WHEN "attacher"."ok1_background"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
            WHEN "attacher"."ok2_background_acq"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key2_exp_type" IS NULL
                OR "asn"."key2_exp_type" IS NULL
                OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
              )
              AND (
                "attacher"."key4_is_current_patt_num" IS NULL
                OR "asn"."key4_is_current_patt_num" IS NULL
                OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND NOT (
              CONTAINS(
                LOWER("attacher"."owner_patt_num"),
                LOWER(COALESCE("asn"."owner_patt_num", 'none'))
              )
            )
            THEN 2
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 3
          THEN 2
          ELSE 0
        END,
        "attacher"."first_phase"
      )
    END AS phase,
    "asn"."key1_is_tso" IS NULL AS open1
  FROM associations AS asn
  JOIN attaching AS attacher
    ON "attacher"."run" = "asn"."run"
    AND "attacher"."key0_program" = "asn"."key0_program"
  WHERE
    (
      "attacher"."ok1_background"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key2_exp_type" IS NULL
          OR "asn"."key2_exp_type" IS NULL
          OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
        )
        AND (
          "attacher"."key4_is_current_patt_num" IS NULL
          OR "asn"."key4_is_current_patt_num" IS NULL
          OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
      AND NOT (
        CONTAINS(
          LOWER("attacher"."owner_patt_num"),
          LOWER(COALESCE("asn"."owner_patt_num", 'none'))
        )
      )
      AND (
        "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
      )
    )
    OR (
      "attacher"."ok2_background_acq"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key2_exp_type" IS NULL
          OR "asn"."key2_exp_type" IS NULL
          OR "attacher"."key2_exp_type" = "asn"."key2_exp_type"
        )
        AND (
          "attacher"."key4_is_current_patt_num" IS NULL
          OR "asn"."key4_is_current_patt_num" IS NULL
          OR "attacher"."key4_is_current_patt_num" = "asn"."key4_is_current_patt_num"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
      AND NOT (
        CONTAINS(
          LOWER("attacher"."owner_patt_num"),
          LOWER(COALESCE("asn"."owner_patt_num", 'none'))
        )
      )
    )
    OR (
      "attacher"."ok3_target_acquisition"
      AND (
        "attacher"."key1_is_tso" IS NULL
        OR "asn"."key1_is_tso" IS NULL
        OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
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
    "key2_exp_type",
    "key3_patt_num",
    "key4_is_current_patt_num",
    "role_index",
    "phase"
  FROM attach_candidates
  QUALIFY
    (
      NOT (
        "role_index" IN (1, 2)
      )
      OR "key4_is_current_patt_num" = FIRST_VALUE(CASE WHEN "role_index" IN (1, 2) THEN "key4_is_current_patt_num" END IGNORE NULLS) OVER (
        PARTITION BY "run", "gid"
        ORDER BY "phase", "pos"
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      )
    )
    AND (
      NOT (
        "open1"
      )
      OR NOT (
        "role_index" IN (0, 1, 2, 3)
      )
      OR (
        "key1_is_tso" IS NULL
        OR "key1_is_tso" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1, 2, 3) THEN "key1_is_tso" END IGNORE NULLS) OVER (
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
    "first_roles"."key2_exp_type",
    "first_roles"."key3_patt_num",
    "first_roles"."key4_is_current_patt_num",
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
  'Asn_Lv2MIRLRSFixedSlitNod' AS rule,
  "associations"."run",
  "associations"."gid",
  "associations"."created",
  "members"."pos",
  CASE
    WHEN "members"."role_index" = 0
    THEN 'science'
    WHEN "members"."role_index" = 1
    THEN 'background'
    WHEN "members"."role_index" = 2
    THEN 'background_acq'
    WHEN "members"."role_index" = 3
    THEN 'target_acquisition'
  END AS role,
  CASE
    WHEN "members"."role_index" = 1 AND "members"."exptype" = 'science'
    THEN 'background'
    ELSE "members"."exptype"
  END AS exptype,
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
              NOT "members"."key1_is_tso" IS NULL AND "members"."role_index" IN (0, 1, 2, 3))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key2_exp_type") FILTER(WHERE
              NOT "members"."key2_exp_type" IS NULL AND "members"."role_index" IN (0, 1, 2))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'patt_num=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key3_patt_num") FILTER(WHERE
              NOT "members"."key3_patt_num" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'is_current_patt_num=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key4_is_current_patt_num") FILTER(WHERE
              NOT "members"."key4_is_current_patt_num" IS NULL
              AND "members"."role_index" IN (1, 2))
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
    BOOL_OR(
      CAST(CASE
        WHEN "members"."role_index" = 1 AND "members"."exptype" = 'science'
        THEN 'background'
        ELSE "members"."exptype"
      END = 'science' AS BOOLEAN)
    )
) AS found_values
  ON "found_values"."run" = "associations"."run"
  AND "found_values"."gid" = "associations"."gid"
ORDER BY
  "associations"."run",
  "associations"."gid",
  "members"."phase",
  "members"."pos"