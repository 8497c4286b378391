WITH x AS (
  SELECT
    "run",
    "pos",
    "filename",
    ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") AS exptype,
    "program" AS k0,
    "instrume" AS k1,
    CASE
      WHEN ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      THEN '000'
      WHEN NOT (
        COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('background'), FALSE)
      )
      THEN "targetid"
    END AS k2,
    CASE
      WHEN ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      THEN '='
      WHEN NOT (
        COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('background'), FALSE)
      )
      THEN CASE WHEN NOT "targetid" IS NULL THEN 'targetid' END
    END AS ks2,
    "bkgdtarg" AS k3,
    "exp_type" AS k4,
    "grating" AS k5,
    "obs_num" AS r0,
    (
      NOT (
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
      )
      AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
    )
    AND (
      ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      OR (
        NOT (
          NOT (
            COALESCE(ASN_EXPTYPE_LEVEL3_AUX("base_exptype", "exp_type") IN ('background'), FALSE)
          )
        )
        OR (
          NOT "targetid" IS NULL
        )
      )
    )
    AND (
      NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
    )
    AND (
      NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
    )
    AND (
      NOT "grating" IS NULL
    ) AS ok0,
    COALESCE("base_exptype" IN ('target_acquisition'), FALSE) AS ok1,
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
          NOT (
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
          )
          AND COALESCE(ASN_NRSIFU_VALID("exp_type", "detector", "filter", "grating"), FALSE)
        )
        AND (
          NOT "bkgdtarg" IS NULL AND COALESCE("bkgdtarg" = 't', FALSE)
        )
        AND (
          NOT "exp_type" IS NULL AND COALESCE("exp_type" = 'nrs_ifu', FALSE)
        )
        AND (
          NOT "grating" IS NULL
        )
      )
      OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
    )
), e AS (
  SELECT
    *
  FROM x
  WHERE
    "ok0" OR "ok1"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), v AS (
  SELECT
    "run",
    "k0",
    "k1",
    "k2",
    "ks2",
    "k3",
    "k4",
    "k5",
    MIN("pos") AS first_pos
  FROM e
  WHERE
    "ok0"
  GROUP BY
    "run",
    "k0",
    "k1",
    "k2",
    "ks2",
    "k3",
    "k4",
    "k5"
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
          "w"."run" = "v"."run" AND "w"."k0" = "v"."k0" AND "w"."k1" = "v"."k1"
        )
        AND (
          "v"."k2" IS NULL OR (
            "w"."k2" = "v"."k2" AND "w"."ks2" = "v"."ks2"
          )
        )
        AND (
          "v"."k3" IS NULL OR "w"."k3" = "v"."k3"
        )
        AND (
          "v"."k4" IS NULL OR "w"."k4" = "v"."k4"
        )
        AND (
          "v"."k5" IS NULL OR "w"."k5" = "v"."k5"
        )
        AND (
          (
            "v"."k2" IS NULL AND NOT "w"."k2" IS NULL
          )
          OR (
            "v"."k3" IS NULL AND NOT "w"."k3" IS NULL
          )
          OR (
            "v"."k4" IS NULL AND NOT "w"."k4" IS NULL
          )
          OR (
            "v"."k5" IS NULL AND NOT "w"."k5" IS NULL
          )
        )
    )
), p AS (
  SELECT
    "run",
    "k0",
    "k1",
    MIN("pos") AS part_first
  FROM e
  WHERE
    "ok0"
  GROUP BY
    "run",
    "k0",
    "k1"
), gc AS (
  SELECT
    *,
    ROW_NUMBER() OVER (ORDER BY "run", "created", "k0", "k1", "k2", "k3", "k4", "k5") AS gid
  FROM (
    SELECT
      g.*,
      CASE
        WHEN "g"."first_pos" = MIN("g"."first_pos") OVER (PARTITION BY "g"."run", "g"."k0", "g"."k1")
        THEN LEAST("g"."first_pos", "p"."part_first")
        ELSE "g"."first_pos"
      END AS created
    FROM g
    JOIN p
      ON "g"."run" = "p"."run" AND "g"."k0" = "p"."k0" AND "g"."k1" = "p"."k1"
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
    "e"."r0",
    CASE WHEN "e"."ok0" THEN 0 END AS role_ix,
    CASE
      WHEN "e"."pos" >= "gc"."created"
      THEN 0
      ELSE CASE
        WHEN CASE WHEN "e"."ok0" THEN 0 END = 0
        THEN 1
        WHEN CASE WHEN "e"."ok0" THEN 0 END = 1
        THEN 2
        ELSE 0
      END
    END AS phase
  FROM gc
  JOIN e
    ON "e"."run" = "gc"."run" AND "e"."k0" = "gc"."k0" AND "e"."k1" = "gc"."k1"
  WHERE
    (
      "e"."ok0"
      AND (
        (
          "e"."k2" IS NULL
          OR "gc"."k2" IS NULL
          OR (
            "e"."k2" = "gc"."k2" AND "e"."ks2" = "gc"."ks2"
          )
        )
        AND (
          "e"."k3" IS NULL OR "gc"."k3" IS NULL OR "e"."k3" = "gc"."k3"
        )
        AND (
          "e"."k4" IS NULL OR "gc"."k4" IS NULL OR "e"."k4" = "gc"."k4"
        )
        AND (
          "e"."k5" IS NULL OR "gc"."k5" IS NULL OR "e"."k5" = "gc"."k5"
        )
      )
    )
), obs AS (
  SELECT DISTINCT
    "m1"."gid",
    "e"."r0" AS obs
  FROM m1
  JOIN gc
    ON "gc"."gid" = "m1"."gid"
  JOIN e
    ON "e"."run" = "gc"."run" AND "e"."pos" = "m1"."pos"
  WHERE
    NOT "e"."r0" IS NULL
), m2 AS (
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
    "e"."r0",
    CASE WHEN "e"."ok1" THEN 1 END AS role_ix,
    CASE
      WHEN "e"."pos" >= "gc"."created"
      THEN 0
      ELSE CASE
        WHEN CASE WHEN "e"."ok1" THEN 1 END = 0
        THEN 1
        WHEN CASE WHEN "e"."ok1" THEN 1 END = 1
        THEN 2
        ELSE 0
      END
    END AS phase
  FROM gc
  JOIN e
    ON "e"."run" = "gc"."run" AND "e"."k0" = "gc"."k0" AND "e"."k1" = "gc"."k1"
  WHERE
    (
      "e"."ok1"
      AND EXISTS(
        SELECT
          1
        FROM obs
        WHERE
          "obs"."gid" = "gc"."gid" AND "obs"."obs" = "e"."obs_num_value"
      )
    )
), m AS (
  SELECT
    *
  FROM (
    SELECT
      *
    FROM m1
    UNION ALL
    SELECT
      *
    FROM m2
  ) AS u
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "gid", "pos" ORDER BY "role_ix") = 1
)
SELECT
  'Asn_Lv3NRSIFUBackground' AS rule,
  "gc"."run",
  "gc"."gid",
  "gc"."created",
  "m"."pos",
  CASE
    WHEN "m"."role_ix" = 0
    THEN 'member'
    WHEN "m"."role_ix" = 1
    THEN 'target_acquisition'
  END AS role,
  "m"."exptype" AS exptype,
  "m"."phase",
  CASE WHEN "m"."pos" = "fv"."found_pos" THEN "fv"."found" END AS found
FROM gc
JOIN m
  ON "m"."run" = "gc"."run" AND "m"."gid" = "gc"."gid"
JOIN (
  SELECT
    "m"."run",
    "m"."gid",
    'program=' || ANY_VALUE("m"."k0") || CHR(30) || 'instrument=' || ANY_VALUE("m"."k1") || CHR(30) || 'target=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k2") FILTER(WHERE
            NOT "m"."k2" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'bkgdtarg=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k3") FILTER(WHERE
            NOT "m"."k3" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'allowed_bkgdtarg=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k4") FILTER(WHERE
            NOT "m"."k4" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'opt_elem=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."k5") FILTER(WHERE
            NOT "m"."k5" IS NULL AND "m"."role_ix" IN (0)),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'obs_num=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          ARRAY_AGG(DISTINCT "m"."r0") FILTER(WHERE
            NOT "m"."r0" IS NULL AND "m"."role_ix" IN (0)),
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
  ON "fv"."run" = "gc"."run" AND "fv"."gid" = "gc"."gid"
ORDER BY
  "gc"."run",
  "gc"."gid",
  "m"."phase",
  "m"."pos"