WITH rule_rows AS (
  SELECT
    "run",
    "pos",
    "filename",
    "filename_repeated",
    ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") AS exptype,
    "program" AS key0_program,
    "tsovisit" AS key1_is_tso,
    CASE
      WHEN ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      THEN '000'
      WHEN TRUE
      THEN "targetid"
    END AS key2_target,
    CASE
      WHEN ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      THEN '='
      ELSE CASE WHEN NOT "targetid" IS NULL THEN 'targetid' END
    END AS key2_target_from,
    "instrume" AS key3_instrument,
    "pupil" AS key4_pupil,
    "subarray" AS key5_subarray,
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
    ) AS ok0_direct_image,
    NOT (
      COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE)
    ) AS ok1_other,
    COALESCE(ASN_EXPTYPE_LEVEL2_WFSS("base_exptype", "exp_type") IN ('science'), FALSE) AS ok2_science
  FROM run_items
  WHERE
    (
      COALESCE((
        STARTS_WITH("exp_type", 'nis_wfss') OR "exp_type" = 'nis_image'
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
        NOT "pupil" IS NULL
      )
      AND (
        NOT "subarray" IS NULL
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
), role_rows AS (
  SELECT
    *
    EXCLUDE ("filename_repeated")
  FROM rule_rows
  WHERE
    (
      "ok0_direct_image" OR "ok1_other" OR "ok2_science"
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
      "ok0_direct_image" OR "ok1_other" OR "ok2_science"
    ) AND "filename_repeated"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), first_roles AS (
  SELECT
    *,
    CASE
      WHEN "ok0_direct_image"
      THEN 0
      WHEN "ok1_other"
      THEN 1
      WHEN "ok2_science"
      THEN 2
    END AS first_role,
    CASE
      WHEN "ok0_direct_image"
      THEN 2
      WHEN "ok1_other"
      THEN 0
      WHEN "ok2_science"
      THEN 0
    END AS first_phase
  FROM role_rows
), owners AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "first_role" IN (2)
), first_attached AS (
  SELECT
    "run",
    "key0_program",
    "key2_target",
    "key2_target_from",
    "key3_instrument",
    "key4_pupil",
    "key5_subarray",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science,
    ARG_MIN_NULL("key1_is_tso", "pos") AS first_key1_is_tso
  FROM first_roles
  WHERE
    "first_role" IN (0, 1)
  GROUP BY
    "run",
    "key0_program",
    "key2_target",
    "key2_target_from",
    "key3_instrument",
    "key4_pupil",
    "key5_subarray"
), owned AS (
  SELECT
    "owners"."run",
    "owners"."key0_program",
    "owners"."key2_target",
    "owners"."key2_target_from",
    "owners"."key3_instrument",
    "owners"."key4_pupil",
    "owners"."key5_subarray",
    "owners"."key1_is_tso" AS key1_is_tso,
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
      ) OVER (
        PARTITION BY "owners"."run", "owners"."key0_program", "owners"."key2_target", "owners"."key2_target_from", "owners"."key3_instrument", "owners"."key4_pupil", "owners"."key5_subarray"
      )
      THEN "first_attached"."first_attach"
      ELSE "owners"."pos"
    END AS created,
    "owners"."pos" AS gid
  FROM (
    SELECT
      *,
      MIN("pos") OVER (
        PARTITION BY "run", "key0_program", "key2_target", "key2_target_from", "key3_instrument", "key4_pupil", "key5_subarray"
      ) AS first_owner
    FROM owners
  ) AS owners
  LEFT JOIN first_attached
    ON "owners"."run" = "first_attached"."run"
    AND "owners"."key0_program" = "first_attached"."key0_program"
    AND (
      "owners"."key2_target" = "first_attached"."key2_target"
      AND "owners"."key2_target_from" = "first_attached"."key2_target_from"
    )
    AND "owners"."key3_instrument" = "first_attached"."key3_instrument"
    AND "owners"."key4_pupil" = "first_attached"."key4_pupil"
    AND "owners"."key5_subarray" = "first_attached"."key5_subarray"
), orphans AS (
  SELECT
    "first_attached"."run",
    "first_attached"."key0_program",
    "first_attached"."key2_target",
    "first_attached"."key2_target_from",
    "first_attached"."key3_instrument",
    "first_attached"."key4_pupil",
    "first_attached"."key5_subarray",
    CAST(NULL AS TEXT) AS key1_is_tso,
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
          AND (
            "owners"."key2_target" = "first_attached"."key2_target"
            AND "owners"."key2_target_from" = "first_attached"."key2_target_from"
          )
          AND "owners"."key3_instrument" = "first_attached"."key3_instrument"
          AND "owners"."key4_pupil" = "first_attached"."key4_pupil"
          AND "owners"."key5_subarray" = "first_attached"."key5_subarray"
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
    "key2_target",
    "key2_target_from",
    "key3_instrument",
    "key4_pupil",
    "key5_subarray",
    "key1_is_tso",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "key0_program",
    "key2_target",
    "key2_target_from",
    "key3_instrument",
    "key4_pupil",
    "key5_subarray",
    "key1_is_tso",
    "created",
    "gid"
  FROM orphans
), attaching AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "ok0_direct_image" OR "ok1_other"
), attach_candidates AS (
  SELECT
    "asn"."run",
    "asn"."gid",
    "attacher"."pos",
    "attacher"."exptype",
    "attacher"."key0_program",
    "attacher"."key1_is_tso",
    "attacher"."key2_target",
    "attacher"."key3_instrument",
    "attacher"."key4_pupil",
    "attacher"."key5_subarray",
    CASE
      WHEN "attacher"."ok0_direct_image"
      AND (
        "attacher"."key1_is_tso" IS NULL
        OR "asn"."key1_is_tso" IS NULL
        OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
      )
      AND "attacher"."pos" <> "asn"."gid"
      THEN 0
      WHEN "attacher"."ok1_other"
      AND (
        "attacher"."key1_is_tso" IS NULL
        OR "asn"."key1_is_tso" IS NULL
        OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
      )
      AND "attacher"."pos" <> "asn"."gid"
      AND (
        "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
      )
      THEN 1
    END AS role_index,
    CASE
      WHEN "attacher"."pos" >= "asn"."created"
      THEN 0
      ELSE GREATEST(
        CASE
          WHEN CASE
            WHEN "attacher"."ok0_direct_image"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 0
            WHEN "attacher"."ok1_other"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
          END = 0
          THEN 2
          WHEN CASE
            WHEN "attacher"."ok0_direct_image"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 0
            WHEN "attacher"."ok1_other"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
          END = 1
          THEN 0
          WHEN CASE
            WHEN "attacher"."ok0_direct_image"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 0
            WHEN "attacher"."ok1_other"
            AND (
              "attacher"."key1_is_tso" IS NULL
              OR "asn"."key1_is_tso" IS NULL
              OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
            )
            AND "attacher"."pos" <> "asn"."gid"
            AND (
              "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
            )
            THEN 1
          END = 2
          THEN 0
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
    AND (
      "attacher"."key2_target" = "asn"."key2_target"
      AND "attacher"."key2_target_from" = "asn"."key2_target_from"
    )
    AND "attacher"."key3_instrument" = "asn"."key3_instrument"
    AND "attacher"."key4_pupil" = "asn"."key4_pupil"
    AND "attacher"."key5_subarray" = "asn"."key5_subarray"
  WHERE
    (
      "attacher"."ok0_direct_image"
      AND (
        "attacher"."key1_is_tso" IS NULL
        OR "asn"."key1_is_tso" IS NULL
        OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
      )
      AND "attacher"."pos" <> "asn"."gid"
    )
    OR (
      "attacher"."ok1_other"
      AND (
        "attacher"."key1_is_tso" IS NULL
        OR "asn"."key1_is_tso" IS NULL
        OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
      )
      AND "attacher"."pos" <> "asn"."gid"
      AND (
        "attacher"."pos" >= "asn"."created" OR "attacher"."first_phase" > 0
      )
    )
), attached AS (
  SELECT
    "run",
    "gid",
    "pos",
    "exptype",
    "key0_program",
    "key1_is_tso",
    "key2_target",
    "key3_instrument",
    "key4_pupil",
    "key5_subarray",
    "role_index",
    "phase"
  FROM attach_candidates
  QUALIFY
    NOT (
      "open1"
    )
    OR NOT (
      "role_index" IN (0, 1, 2)
    )
    OR (
      "key1_is_tso" IS NULL
      OR "key1_is_tso" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1, 2) THEN "key1_is_tso" END IGNORE NULLS) OVER (
        PARTITION BY "run", "gid"
        ORDER BY "phase", "pos"
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
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
    "first_roles"."key2_target",
    "first_roles"."key3_instrument",
    "first_roles"."key4_pupil",
    "first_roles"."key5_subarray",
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
  'Asn_Lv2WFSSNIS' AS rule,
  "associations"."run",
  "associations"."gid",
  "associations"."created",
  "members"."pos",
  CASE
    WHEN "members"."role_index" = 0
    THEN 'direct_image'
    WHEN "members"."role_index" = 1
    THEN 'other'
    WHEN "members"."role_index" = 2
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
              NOT "members"."key1_is_tso" IS NULL AND "members"."role_index" IN (0, 1, 2))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'target=' || ANY_VALUE("members"."key2_target") || CHR(30) || 'instrument=' || ANY_VALUE("members"."key3_instrument") || CHR(30) || 'pupil=' || ANY_VALUE("members"."key4_pupil") || CHR(30) || 'subarray=' || ANY_VALUE("members"."key5_subarray") AS found,
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