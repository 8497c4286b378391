WITH x AS (
  SELECT
    "run",
    "pos",
    "filename",
    ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") AS exptype,
    "program" AS k0,
    "tsovisit" AS k1,
    "instrume" AS k2,
    "detector" AS k3,
    COALESCE("filter", "band") AS k4,
    CASE WHEN NOT "filter" IS NULL THEN 'filter' WHEN NOT "band" IS NULL THEN 'band' END AS ks4,
    COALESCE("pupil", "grating") AS k5,
    CASE
      WHEN NOT "pupil" IS NULL
      THEN 'pupil'
      WHEN NOT "grating" IS NULL
      THEN 'grating'
    END AS ks5,
    "fxd_slit" AS k6,
    "subarray" AS k7,
    "channel" AS k8,
    "fxd_slit" AS k9,
    "exp_type" AS k10,
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE) AS ok0
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
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
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
    "k2",
    "k3",
    "k4",
    "ks4",
    "k10",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science
  FROM e1
  WHERE
    "first_role" IN (-1)
  GROUP BY
    "run",
    "k0",
    "k2",
    "k3",
    "k4",
    "ks4",
    "k10"
), owned AS (
  SELECT
    "s"."run",
    "s"."k0",
    "s"."k2",
    "s"."k3",
    "s"."k4",
    "s"."ks4",
    "s"."k10",
    "s"."k1" AS k1,
    "s"."k5" AS k5,
    "s"."ks5" AS ks5,
    "s"."k6" AS k6,
    "s"."k7" AS k7,
    "s"."k8" AS k8,
    "s"."k9" AS k9,
    CASE
      WHEN "s"."pos" = MIN("s"."pos") OVER (
        PARTITION BY "s"."run", "s"."k0", "s"."k2", "s"."k3", "s"."k4", "s"."ks4", "s"."k10"
      )
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
    AND "s"."k2" = "pa"."k2"
    AND "s"."k3" = "pa"."k3"
    AND (
      "s"."k4" = "pa"."k4" AND "s"."ks4" = "pa"."ks4"
    )
    AND "s"."k10" = "pa"."k10"
), orphan AS (
  SELECT
    "pa"."run",
    "pa"."k0",
    "pa"."k2",
    "pa"."k3",
    "pa"."k4",
    "pa"."ks4",
    "pa"."k10",
    CAST(NULL AS TEXT) AS k1,
    CAST(NULL AS TEXT) AS k5,
    CAST(NULL AS TEXT) AS ks5,
    CAST(NULL AS TEXT) AS k6,
    CAST(NULL AS TEXT) AS k7,
    CAST(NULL AS TEXT) AS k8,
    CAST(NULL AS TEXT) AS k9,
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
          AND "s"."k2" = "pa"."k2"
          AND "s"."k3" = "pa"."k3"
          AND (
            "s"."k4" = "pa"."k4" AND "s"."ks4" = "pa"."ks4"
          )
          AND "s"."k10" = "pa"."k10"
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
    "k3",
    "k4",
    "ks4",
    "k10",
    "k1",
    "k5",
    "ks5",
    "k6",
    "k7",
    "k8",
    "k9",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "k0",
    "k2",
    "k3",
    "k4",
    "ks4",
    "k10",
    "k1",
    "k5",
    "ks5",
    "k6",
    "k7",
    "k8",
    "k9",
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
    "e1"."k2",
    "e1"."k3",
    "e1"."k4",
    "e1"."k5",
    "e1"."k6",
    "e1"."k7",
    "e1"."k8",
    "e1"."k9",
    "e1"."k10",
    "e1"."first_role" AS role_ix,
    0 AS phase
  FROM assoc AS a
  JOIN e1
    ON "e1"."run" = "a"."run" AND "e1"."pos" = "a"."gid"
)
SELECT
  'Asn_Lv2SpecTSO' AS rule,
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
    ) || CHR(30) || 'instrument=' || ANY_VALUE("m"."k2") || CHR(30) || 'detector=' || ANY_VALUE("m"."k3") || CHR(30) || 'opt_elem=' || ANY_VALUE("m"."k4") || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k5") FILTER(WHERE
            NOT "m"."k5" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k6") FILTER(WHERE
            NOT "m"."k6" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'subarray=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k7") FILTER(WHERE
            NOT "m"."k7" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'channel=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k8") FILTER(WHERE
            NOT "m"."k8" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k9") FILTER(WHERE
            NOT "m"."k9" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ANY_VALUE("m"."k10") AS found,
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