WITH x AS (
  SELECT
    "run",
    "pos",
    "filename",
    ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") AS exptype,
    "program" AS k0,
    "tsovisit" AS k1,
    "exp_type" AS k2,
    "patt_num" AS k3,
    "patt_num" AS k4,
    (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
      AND COALESCE("patttype" = 'along-slit-nod', FALSE)
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'mir_lrs-fixedslit', FALSE)
    )
    AND (
      NOT "patt_num" IS NULL
    ) AS ok0,
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
    ) AS ok1,
    (
      COALESCE("exp_type" = 'mir_taconfirm', FALSE)
      AND NOT (
        COALESCE("cand_type" IN ('background'), FALSE)
      )
    ) AS ok2,
    "patt_num" AS v_patt_num
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
        COALESCE("exp_type" = 'mir_taconfirm', FALSE)
      )
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
), e AS (
  SELECT
    *
  FROM x
  WHERE
    "ok0" OR "ok1" OR "ok2"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), e1 AS (
  SELECT
    *,
    CASE WHEN "ok0" THEN 0 WHEN "ok1" THEN 1 WHEN "ok2" THEN 2 END AS first_role,
    CASE WHEN "ok0" THEN 1 WHEN "ok1" THEN 0 WHEN "ok2" THEN 2 END AS first_phase
  FROM e
), s AS (
  SELECT
    *
  FROM e1
  WHERE
    "first_role" IN (0)
), pa AS (
  SELECT
    "run",
    "k0",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science
  FROM e1
  WHERE
    "first_role" IN (1, 2)
  GROUP BY
    "run",
    "k0"
), owned AS (
  SELECT
    "s"."run",
    "s"."k0",
    "s"."k1" AS k1,
    "s"."k2" AS k2,
    "s"."k3" AS k3,
    CAST(NULL AS TEXT) AS k4,
    "s"."v_patt_num" AS v_patt_num,
    CASE
      WHEN "s"."pos" = MIN("s"."pos") OVER (PARTITION BY "s"."run", "s"."k0")
      AND "pa"."first_attach" < "s"."pos"
      AND NOT (
        "pa"."first_science"
      )
      THEN "pa"."first_attach"
      ELSE "s"."pos"
    END AS created,
    "s"."pos" AS gid
  FROM s
  LEFT JOIN pa
    ON "s"."run" = "pa"."run" AND "s"."k0" = "pa"."k0"
), orphan AS (
  SELECT
    "pa"."run",
    "pa"."k0",
    CAST(NULL AS TEXT) AS k1,
    CAST(NULL AS TEXT) AS k2,
    CAST(NULL AS TEXT) AS k3,
    CAST(NULL AS TEXT) AS k4,
    CAST(NULL AS TEXT) AS v_patt_num,
    "pa"."first_attach" AS created,
    -(
      "pa"."first_attach" + 1
    ) AS gid
  FROM pa
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM s
      WHERE
        (
          "s"."run" = "pa"."run" AND "s"."k0" = "pa"."k0"
        )
        AND (
          NOT (
            "pa"."first_science"
          ) OR "s"."pos" < "pa"."first_attach"
        )
    )
), assoc AS (
  SELECT
    "run",
    "k0",
    "k1",
    "k2",
    "k3",
    "k4",
    "v_patt_num",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "k0",
    "k1",
    "k2",
    "k3",
    "k4",
    "v_patt_num",
    "created",
    "gid"
  FROM orphan
), e1a AS (
  SELECT
    *
  FROM e1
  WHERE
    "ok1" OR "ok2"
), cand AS (
  SELECT
    "a"."run",
    "a"."gid",
    "e1"."pos",
    "e1"."exptype",
    "e1"."k0",
    "e1"."k1",
    "e1"."k2",
    "e1"."k3",
    "e1"."k4",
    CASE
      WHEN "e1"."ok1"
      AND (
        (
          "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
        )
        AND (
          "e1"."k2" IS NULL OR "a"."k2" IS NULL OR "e1"."k2" = "a"."k2"
        )
        AND (
          "e1"."k4" IS NULL OR "a"."k4" IS NULL OR "e1"."k4" = "a"."k4"
        )
      )
      AND "e1"."pos" <> "a"."gid"
      AND NOT (
        CONTAINS(LOWER("e1"."v_patt_num"), LOWER(COALESCE("a"."v_patt_num", 'none')))
      )
      AND (
        "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
      )
      THEN 1
      WHEN "e1"."ok2"
      AND (
        "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
      )
      AND "e1"."pos" <> "a"."gid"
      THEN 2
    END AS role_ix,
    CASE
      WHEN "e1"."pos" >= "a"."created"
      THEN 0
      ELSE GREATEST(
        CASE
          WHEN CASE
            WHEN "e1"."ok1"
            AND (
              (
                "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
              )
              AND (
                "e1"."k2" IS NULL OR "a"."k2" IS NULL OR "e1"."k2" = "a"."k2"
              )
              AND (
                "e1"."k4" IS NULL OR "a"."k4" IS NULL OR "e1"."k4" = "a"."k4"
              )
            )
            AND "e1"."pos" <> "a"."gid"
            AND NOT (
              CONTAINS(LOWER("e1"."v_patt_num"), LOWER(COALESCE("a"."v_patt_num", 'none')))
            )
            AND (
              "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
            )
            THEN 1
            WHEN "e1"."ok2"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            THEN 2
          END = 0
          THEN 1
          WHEN CASE
            WHEN "e1"."ok1"
            AND (
              (
                "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
              )
              AND (
                "e1"."k2" IS NULL OR "a"."k2" IS NULL OR "e1"."k2" = "a"."k2"
              )
              AND (
                "e1"."k4" IS NULL OR "a"."k4" IS NULL OR "e1"."k4" = "a"."k4"
              )
            )
            AND "e1"."pos" <> "a"."gid"
            AND NOT (
              CONTAINS(LOWER("e1"."v_patt_num"), LOWER(COALESCE("a"."v_patt_num", 'none')))
            )
            AND (
              "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
            )
            THEN 1
            WHEN "e1"."ok2"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            THEN 2
          END = 1
          THEN 0
          WHEN CASE
            WHEN "e1"."ok1"
            AND (
              (
                "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
              )
              AND (
                "e1"."k2" IS NULL OR "a"."k2" IS NULL OR "e1"."k2" = "a"."k2"
              )
              AND (
                "e1"."k4" IS NULL OR "a"."k4" IS NULL OR "e1"."k4" = "a"."k4"
              )
            )
            AND "e1"."pos" <> "a"."gid"
            AND NOT (
              CONTAINS(LOWER("e1"."v_patt_num"), LOWER(COALESCE("a"."v_patt_num", 'none')))
            )
            AND (
              "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
            )
            THEN 1
            WHEN "e1"."ok2"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            THEN 2
          END = 2
          THEN 2
          ELSE 0
        END,
        "e1"."first_phase"
      )
    END AS phase
  FROM assoc AS a
  JOIN e1a AS e1
    ON "e1"."run" = "a"."run" AND "e1"."k0" = "a"."k0"
  WHERE
    (
      "e1"."ok1"
      AND (
        (
          "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
        )
        AND (
          "e1"."k2" IS NULL OR "a"."k2" IS NULL OR "e1"."k2" = "a"."k2"
        )
        AND (
          "e1"."k4" IS NULL OR "a"."k4" IS NULL OR "e1"."k4" = "a"."k4"
        )
      )
      AND "e1"."pos" <> "a"."gid"
      AND NOT (
        CONTAINS(LOWER("e1"."v_patt_num"), LOWER(COALESCE("a"."v_patt_num", 'none')))
      )
      AND (
        "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
      )
    )
    OR (
      "e1"."ok2"
      AND (
        "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
      )
      AND "e1"."pos" <> "a"."gid"
    )
), att AS (
  SELECT
    *
  FROM cand
  QUALIFY
    NOT (
      "role_ix" IN (1)
    )
    OR "k4" = FIRST_VALUE(CASE WHEN "role_ix" IN (1) THEN "k4" END IGNORE NULLS) OVER (
      PARTITION BY "run", "gid"
      ORDER BY "phase", "pos"
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    )
), m AS (
  SELECT
    "a"."run",
    "a"."gid",
    "e1"."pos",
    "e1"."exptype",
    "e1"."k0",
    "e1"."k1",
    "e1"."k2",
    "e1"."k3",
    "e1"."k4",
    "e1"."first_role" AS role_ix,
    0 AS phase
  FROM assoc AS a
  JOIN e1
    ON "e1"."run" = "a"."run" AND "e1"."pos" = "a"."gid"
  UNION ALL
  SELECT
    *
  FROM att
)
SELECT
  'Asn_Lv2MIRLRSFixedSlitNod' AS rule,
  "assoc"."run",
  "assoc"."gid",
  "assoc"."created",
  "m"."pos",
  CASE
    WHEN "m"."role_ix" = 0
    THEN 'science'
    WHEN "m"."role_ix" = 1
    THEN 'background'
    WHEN "m"."role_ix" = 2
    THEN 'target_acquisition'
  END AS role,
  CASE
    WHEN "m"."role_ix" = 1 AND "m"."exptype" = 'science'
    THEN 'background'
    ELSE "m"."exptype"
  END AS exptype,
  "m"."phase",
  CASE WHEN "m"."pos" = "fv"."found_pos" THEN "fv"."found" END AS found
FROM assoc
JOIN m
  ON "m"."run" = "assoc"."run" AND "m"."gid" = "assoc"."gid"
JOIN (
  SELECT
    "m"."run",
    "m"."gid",
    'program=' || ANY_VALUE("m"."k0") || CHR(30) || 'is_tso=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k1") FILTER(WHERE
            NOT "m"."k1" IS NULL AND "m"."role_ix" IN (0, 1, 2)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k2") FILTER(WHERE
            NOT "m"."k2" IS NULL AND "m"."role_ix" IN (0, 1)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'patt_num=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k3") FILTER(WHERE
            NOT "m"."k3" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'is_current_patt_num=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k4") FILTER(WHERE
            NOT "m"."k4" IS NULL AND "m"."role_ix" IN (1)),
          []
        )
      ),
      CHR(31)
    ) AS found,
    MIN("m"."pos") AS found_pos
  FROM m
  GROUP BY
    "m"."run",
    "m"."gid"
  HAVING
    BOOL_OR(
      CAST(CASE
        WHEN "m"."role_ix" = 1 AND "m"."exptype" = 'science'
        THEN 'background'
        ELSE "m"."exptype"
      END = 'science' AS BOOLEAN)
    )
) AS fv
  ON "fv"."run" = "assoc"."run" AND "fv"."gid" = "assoc"."gid"
ORDER BY
  "assoc"."run",
  "assoc"."gid",
  "m"."phase",
  "m"."pos"