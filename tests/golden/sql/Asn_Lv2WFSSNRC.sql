WITH x AS (
  SELECT
    "run",
    "pos",
    "filename",
    ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") AS exptype,
    "program" AS k0,
    "tsovisit" AS k1,
    CASE
      WHEN ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      THEN '000'
      WHEN TRUE
      THEN "targetid"
    END AS k2,
    CASE
      WHEN ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      THEN '='
      ELSE CASE WHEN NOT "targetid" IS NULL THEN 'targetid' END
    END AS ks2,
    "instrume" AS k3,
    "detector" AS k4,
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
    ) AS ok0,
    NOT (
      COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS ok1,
    COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS ok2
  FROM run_items
  WHERE
    (
      COALESCE((
        STARTS_WITH("exp_type", 'nrc_wfss') OR "exp_type" = 'nrc_image'
      ), FALSE)
      AND (
        NOT "program" IS NULL
      )
      AND (
        ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
        OR (
          NOT "targetid" IS NULL
        )
      )
      AND (
        NOT "instrume" IS NULL
      )
      AND (
        NOT "detector" IS NULL
      )
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
    CASE WHEN "ok0" THEN 2 WHEN "ok1" THEN 0 WHEN "ok2" THEN 0 END AS first_phase
  FROM e
), s AS (
  SELECT
    *
  FROM e1
  WHERE
    "first_role" IN (2)
), pa AS (
  SELECT
    "run",
    "k0",
    "k2",
    "ks2",
    "k3",
    "k4",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science
  FROM e1
  WHERE
    "first_role" IN (0, 1)
  GROUP BY
    "run",
    "k0",
    "k2",
    "ks2",
    "k3",
    "k4"
), owned AS (
  SELECT
    "s"."run",
    "s"."k0",
    "s"."k2",
    "s"."ks2",
    "s"."k3",
    "s"."k4",
    "s"."k1" AS k1,
    CASE
      WHEN "s"."pos" = MIN("s"."pos") OVER (PARTITION BY "s"."run", "s"."k0", "s"."k2", "s"."ks2", "s"."k3", "s"."k4")
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
    ON "s"."run" = "pa"."run"
    AND "s"."k0" = "pa"."k0"
    AND (
      "s"."k2" = "pa"."k2" AND "s"."ks2" = "pa"."ks2"
    )
    AND "s"."k3" = "pa"."k3"
    AND "s"."k4" = "pa"."k4"
), orphan AS (
  SELECT
    "pa"."run",
    "pa"."k0",
    "pa"."k2",
    "pa"."ks2",
    "pa"."k3",
    "pa"."k4",
    CAST(NULL AS TEXT) AS k1,
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
          "s"."run" = "pa"."run"
          AND "s"."k0" = "pa"."k0"
          AND (
            "s"."k2" = "pa"."k2" AND "s"."ks2" = "pa"."ks2"
          )
          AND "s"."k3" = "pa"."k3"
          AND "s"."k4" = "pa"."k4"
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
    "k2",
    "ks2",
    "k3",
    "k4",
    "k1",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "k0",
    "k2",
    "ks2",
    "k3",
    "k4",
    "k1",
    "created",
    "gid"
  FROM orphan
), e1a AS (
  SELECT
    *
  FROM e1
  WHERE
    "ok0" OR "ok1"
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
      WHEN "e1"."ok0"
      AND (
        "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
      )
      AND "e1"."pos" <> "a"."gid"
      THEN 0
      WHEN "e1"."ok1"
      AND (
        "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
      )
      AND "e1"."pos" <> "a"."gid"
      AND (
        "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
      )
      THEN 1
    END AS role_ix,
    CASE
      WHEN "e1"."pos" >= "a"."created"
      THEN 0
      ELSE GREATEST(
        CASE
          WHEN CASE
            WHEN "e1"."ok0"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            THEN 0
            WHEN "e1"."ok1"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            AND (
              "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
            )
            THEN 1
          END = 0
          THEN 2
          WHEN CASE
            WHEN "e1"."ok0"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            THEN 0
            WHEN "e1"."ok1"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            AND (
              "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
            )
            THEN 1
          END = 1
          THEN 0
          WHEN CASE
            WHEN "e1"."ok0"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            THEN 0
            WHEN "e1"."ok1"
            AND (
              "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
            )
            AND "e1"."pos" <> "a"."gid"
            AND (
              "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
            )
            THEN 1
          END = 2
          THEN 0
          ELSE 0
        END,
        "e1"."first_phase"
      )
    END AS phase
  FROM assoc AS a
  JOIN e1a AS e1
    ON "e1"."run" = "a"."run"
    AND "e1"."k0" = "a"."k0"
    AND (
      "e1"."k2" = "a"."k2" AND "e1"."ks2" = "a"."ks2"
    )
    AND "e1"."k3" = "a"."k3"
    AND "e1"."k4" = "a"."k4"
  WHERE
    (
      "e1"."ok0"
      AND (
        "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
      )
      AND "e1"."pos" <> "a"."gid"
    )
    OR (
      "e1"."ok1"
      AND (
        "e1"."k1" IS NULL OR "a"."k1" IS NULL OR "e1"."k1" = "a"."k1"
      )
      AND "e1"."pos" <> "a"."gid"
      AND (
        "e1"."pos" >= "a"."created" OR "e1"."first_phase" > 0
      )
    )
), att AS (
  SELECT
    *
  FROM cand
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
  'Asn_Lv2WFSSNRC' AS rule,
  "assoc"."run",
  "assoc"."gid",
  "assoc"."created",
  "m"."pos",
  CASE
    WHEN "m"."role_ix" = 0
    THEN 'direct_image'
    WHEN "m"."role_ix" = 1
    THEN 'other'
    WHEN "m"."role_ix" = 2
    THEN 'science'
  END AS role,
  "m"."exptype" AS exptype,
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
    ) || CHR(30) || 'target=' || ANY_VALUE("m"."k2") || CHR(30) || 'instrument=' || ANY_VALUE("m"."k3") || CHR(30) || 'detector=' || ANY_VALUE("m"."k4") AS found,
    MIN("m"."pos") AS found_pos
  FROM m
  GROUP BY
    "m"."run",
    "m"."gid"
  HAVING
    BOOL_OR(CAST("m"."exptype" = 'science' AS BOOLEAN))
) AS fv
  ON "fv"."run" = "assoc"."run" AND "fv"."gid" = "assoc"."gid"
ORDER BY
  "assoc"."run",
  "assoc"."gid",
  "m"."phase",
  "m"."pos"