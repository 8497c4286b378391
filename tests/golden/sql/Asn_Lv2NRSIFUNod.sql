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
    "patttype" AS k11,
    "mostilno" AS k12,
    TRUE AS ok0
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
), e AS (
  SELECT
    *
  FROM x
  WHERE
    "ok0"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), v AS (
  SELECT
    "run",
    "k0",
    "k1",
    "k2",
    "k3",
    "k4",
    "ks4",
    "k5",
    "ks5",
    "k6",
    "k7",
    "k8",
    "k9",
    "k10",
    "k11",
    "k12",
    MIN("pos") AS first_pos
  FROM e
  WHERE
    "ok0"
  GROUP BY
    "run",
    "k0",
    "k1",
    "k2",
    "k3",
    "k4",
    "ks4",
    "k5",
    "ks5",
    "k6",
    "k7",
    "k8",
    "k9",
    "k10",
    "k11",
    "k12"
), g AS (
  SELECT
    v.*
  FROM v
  WHERE
    NOT EXISTS(
      SELECT
        1
      FROM v AS w
      WHERE
        (
          "w"."run" = "v"."run"
          AND "w"."k0" = "v"."k0"
          AND "w"."k2" = "v"."k2"
          AND "w"."k3" = "v"."k3"
          AND (
            "w"."k4" = "v"."k4" AND "w"."ks4" = "v"."ks4"
          )
          AND "w"."k10" = "v"."k10"
          AND "w"."k11" = "v"."k11"
          AND "w"."k12" = "v"."k12"
        )
        AND (
          "v"."k1" IS NULL OR "w"."k1" = "v"."k1"
        )
        AND (
          "v"."k5" IS NULL OR (
            "w"."k5" = "v"."k5" AND "w"."ks5" = "v"."ks5"
          )
        )
        AND (
          "v"."k6" IS NULL OR "w"."k6" = "v"."k6"
        )
        AND (
          "v"."k7" IS NULL OR "w"."k7" = "v"."k7"
        )
        AND (
          "v"."k8" IS NULL OR "w"."k8" = "v"."k8"
        )
        AND (
          "v"."k9" IS NULL OR "w"."k9" = "v"."k9"
        )
        AND (
          (
            "v"."k1" IS NULL AND NOT "w"."k1" IS NULL
          )
          OR (
            "v"."k5" IS NULL AND NOT "w"."k5" IS NULL
          )
          OR (
            "v"."k6" IS NULL AND NOT "w"."k6" IS NULL
          )
          OR (
            "v"."k7" IS NULL AND NOT "w"."k7" IS NULL
          )
          OR (
            "v"."k8" IS NULL AND NOT "w"."k8" IS NULL
          )
          OR (
            "v"."k9" IS NULL AND NOT "w"."k9" IS NULL
          )
        )
    )
), p AS (
  SELECT
    "run",
    "k0",
    "k2",
    "k3",
    "k4",
    "ks4",
    "k10",
    "k11",
    "k12",
    MIN("pos") AS part_first
  FROM e
  WHERE
    "ok0"
  GROUP BY
    "run",
    "k0",
    "k2",
    "k3",
    "k4",
    "ks4",
    "k10",
    "k11",
    "k12"
), gc AS (
  SELECT
    *,
    ROW_NUMBER() OVER (
      ORDER BY "run", "created", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12"
    ) AS gid
  FROM (
    SELECT
      g.*,
      CASE
        WHEN "g"."first_pos" = MIN("g"."first_pos") OVER (
          PARTITION BY "g"."run", "g"."k0", "g"."k2", "g"."k3", "g"."k4", "g"."ks4", "g"."k10", "g"."k11", "g"."k12"
        )
        THEN LEAST("g"."first_pos", "p"."part_first")
        ELSE "g"."first_pos"
      END AS created
    FROM g
    JOIN p
      ON "g"."run" = "p"."run"
      AND "g"."k0" = "p"."k0"
      AND "g"."k2" = "p"."k2"
      AND "g"."k3" = "p"."k3"
      AND (
        "g"."k4" = "p"."k4" AND "g"."ks4" = "p"."ks4"
      )
      AND "g"."k10" = "p"."k10"
      AND "g"."k11" = "p"."k11"
      AND "g"."k12" = "p"."k12"
  ) AS c
), m1 AS (
  SELECT
    "gc"."run",
    "gc"."gid",
    "e"."pos",
    "e"."exptype",
    "e"."k0",
    "e"."k1",
    "e"."k2",
    "e"."k3",
    "e"."k4",
    "e"."k5",
    "e"."k6",
    "e"."k7",
    "e"."k8",
    "e"."k9",
    "e"."k10",
    "e"."k11",
    "e"."k12",
    CASE WHEN "e"."ok0" THEN 0 END AS role_ix,
    CASE
      WHEN "e"."pos" >= "gc"."created"
      THEN 0
      ELSE CASE WHEN CASE WHEN "e"."ok0" THEN 0 END = 0 THEN 0 ELSE 0 END
    END AS phase
  FROM gc
  JOIN e
    ON "e"."run" = "gc"."run"
    AND "e"."k0" = "gc"."k0"
    AND "e"."k2" = "gc"."k2"
    AND "e"."k3" = "gc"."k3"
    AND (
      "e"."k4" = "gc"."k4" AND "e"."ks4" = "gc"."ks4"
    )
    AND "e"."k10" = "gc"."k10"
    AND "e"."k11" = "gc"."k11"
    AND "e"."k12" = "gc"."k12"
  WHERE
    (
      "e"."ok0"
      AND (
        (
          "e"."k1" IS NULL OR "gc"."k1" IS NULL OR "e"."k1" = "gc"."k1"
        )
        AND (
          "e"."k5" IS NULL
          OR "gc"."k5" IS NULL
          OR (
            "e"."k5" = "gc"."k5" AND "e"."ks5" = "gc"."ks5"
          )
        )
        AND (
          "e"."k6" IS NULL OR "gc"."k6" IS NULL OR "e"."k6" = "gc"."k6"
        )
        AND (
          "e"."k7" IS NULL OR "gc"."k7" IS NULL OR "e"."k7" = "gc"."k7"
        )
        AND (
          "e"."k8" IS NULL OR "gc"."k8" IS NULL OR "e"."k8" = "gc"."k8"
        )
        AND (
          "e"."k9" IS NULL OR "gc"."k9" IS NULL OR "e"."k9" = "gc"."k9"
        )
      )
      AND "e"."pos" >= "gc"."created"
    )
)
SELECT
  'Asn_Lv2NRSIFUNod' AS rule,
  "gc"."run",
  "gc"."gid",
  "gc"."created",
  "m1"."pos",
  CASE WHEN "m1"."role_ix" = 0 THEN 'member' END AS role,
  "m1"."exptype" AS exptype,
  "m1"."phase",
  CASE WHEN "m1"."pos" = "fv"."found_pos" THEN "fv"."found" END AS found
FROM gc
JOIN m1
  ON "m1"."run" = "gc"."run" AND "m1"."gid" = "gc"."gid"
JOIN (
  SELECT
    "m1"."run",
    "m1"."gid",
    'program=' || ANY_VALUE("m1"."k0") || CHR(30) || 'is_tso=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m1"."k1") FILTER(WHERE
            NOT "m1"."k1" IS NULL AND "m1"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'instrument=' || ANY_VALUE("m1"."k2") || CHR(30) || 'detector=' || ANY_VALUE("m1"."k3") || CHR(30) || 'opt_elem=' || ANY_VALUE("m1"."k4") || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m1"."k5") FILTER(WHERE
            NOT "m1"."k5" IS NULL AND "m1"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m1"."k6") FILTER(WHERE
            NOT "m1"."k6" IS NULL AND "m1"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'subarray=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m1"."k7") FILTER(WHERE
            NOT "m1"."k7" IS NULL AND "m1"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'channel=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m1"."k8") FILTER(WHERE
            NOT "m1"."k8" IS NULL AND "m1"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m1"."k9") FILTER(WHERE
            NOT "m1"."k9" IS NULL AND "m1"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ANY_VALUE("m1"."k10") || CHR(30) || 'patttype=' || ANY_VALUE("m1"."k11") || CHR(30) || 'mosaic_tile=' || ANY_VALUE("m1"."k12") AS found,
    MIN("m1"."pos") AS found_pos
  FROM m1
  GROUP BY
    "m1"."run",
    "m1"."gid"
  HAVING
    BOOL_OR(CAST("m1"."exptype" = 'science' AS BOOLEAN))
) AS fv
  ON "fv"."run" = "gc"."run" AND "fv"."gid" = "gc"."gid"
ORDER BY
  "gc"."run",
  "gc"."gid",
  "m1"."phase",
  "m1"."pos"