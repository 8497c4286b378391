WITH x AS (
  SELECT
    "run",
    "pos",
    "filename",
    ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") AS exptype,
    "program" AS k0,
    "tsovisit" AS k1,
    COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS ok0
  FROM run_items
  WHERE
    (
      (
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
          AND COALESCE("msastate" = 'primarypark_allopen', FALSE)
          AND COALESCE("grating" = 'mirror', FALSE)
        )
      )
      AND (
        NOT "program" IS NULL
      )
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
    )
    AND CASE WHEN "cand_kind" = 'candidate' THEN LOWER("cand_type") ELSE 'discovered' END IN ('observation', 'background')
), e AS (
  SELECT
    *
  FROM x
  WHERE
    "ok0"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), e1 AS (
  SELECT
    *,
    CASE WHEN "ok0" THEN 0 END AS first_role,
    CASE WHEN "ok0" THEN 0 END AS first_phase
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
    "first_role" IN (-1)
  GROUP BY
    "run",
    "k0"
), owned AS (
  SELECT
    "s"."run",
    "s"."k0",
    "s"."k1" AS k1,
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
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "k0",
    "k1",
    "created",
    "gid"
  FROM orphan
), m AS (
  SELECT
    "a"."run",
    "a"."gid",
    "e1"."pos",
    "e1"."exptype",
    "e1"."k0",
    "e1"."k1",
    "e1"."first_role" AS role_ix,
    0 AS phase
  FROM assoc AS a
  JOIN e1
    ON "e1"."run" = "a"."run" AND "e1"."pos" = "a"."gid"
)
SELECT
  'Asn_Lv2ImageNonScience' AS rule,
  "assoc"."run",
  "assoc"."gid",
  "assoc"."created",
  "m"."pos",
  CASE WHEN "m"."role_ix" = 0 THEN 'science' END AS role,
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
            NOT "m"."k1" IS NULL AND "m"."role_ix" IN (0)),
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
    BOOL_OR(CAST("m"."exptype" = 'science' AS BOOLEAN))
) AS fv
  ON "fv"."run" = "assoc"."run" AND "fv"."gid" = "assoc"."gid"
ORDER BY
  "assoc"."run",
  "assoc"."gid",
  "m"."phase",
  "m"."pos"