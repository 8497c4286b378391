WITH rule_rows AS (
  SELECT
    "run",
    "pos",
    "filename",
    "filename_repeated",
    ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") AS exptype,
    "program" AS key0_program,
    "tsovisit" AS key1_is_tso,
    "instrume" AS key2_instrument,
    "detector" AS key3_detector,
    COALESCE("filter", "band") AS key4_opt_elem,
    CASE WHEN NOT "filter" IS NULL THEN 'filter' WHEN NOT "band" IS NULL THEN 'band' END AS key4_opt_elem_from,
    "filter" AS key4_opt_elem_in0,
    "band" AS key4_opt_elem_in1,
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
    COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE) AS ok0_science
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
        AND NOT COALESCE("bkgdtarg", "is_psf") IS NULL
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
            STARTS_WITH("exp_type", 'fgs_image')
            OR STARTS_WITH("exp_type", 'mir_4qpm')
            OR STARTS_WITH("exp_type", 'mir_image')
            OR STARTS_WITH("exp_type", 'mir_lyot')
            OR STARTS_WITH("exp_type", 'nis_ami')
            OR STARTS_WITH("exp_type", 'nis_image')
            OR STARTS_WITH("exp_type", 'nrc_coron')
            OR STARTS_WITH("exp_type", 'nrc_image')
            OR STARTS_WITH("exp_type", 'nrs_mimf')
            OR "exp_type" = 'nrc_tsimage'
          ),
          FALSE
        )
      )
    )
    AND (
      COALESCE(ASN_EXPTYPE_LEVEL2_SPECIAL("base_exptype", "exp_type") IN ('science'), FALSE)
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
      "ok0_science"
    ) AND "filename_repeated"
  QUALIFY
    ROW_NUMBER() OVER (PARTITION BY "run", "filename" ORDER BY "pos") = 1
), first_roles AS (
  SELECT
    *,
    CASE WHEN "ok0_science" THEN 0 END AS first_role,
    CASE WHEN "ok0_science" THEN 0 END AS first_phase
  FROM role_rows
), owners AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "first_role" IN (0)
), first_attached AS (
  SELECT
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    MIN("pos") AS first_attach,
    ARG_MIN("exptype", "pos") = 'science' AS first_science
  FROM first_roles
  WHERE
    "first_role" IN (-1)
  GROUP BY
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type"
), owned AS (
  SELECT
    "owners"."run",
    "owners"."key0_program",
    "owners"."key2_instrument",
    "owners"."key3_detector",
    "owners"."key4_opt_elem",
    "owners"."key4_opt_elem_from",
    "owners"."key10_exp_type",
    "owners"."key1_is_tso" AS key1_is_tso,
    "owners"."key5_opt_elem2" AS key5_opt_elem2,
    "owners"."key5_opt_elem2_from" AS key5_opt_elem2_from,
    "owners"."key6_fxd_slit" AS key6_fxd_slit,
    "owners"."key7_subarray" AS key7_subarray,
    "owners"."key8_channel" AS key8_channel,
    "owners"."key9_slit" AS key9_slit,
    CASE
      WHEN "owners"."pos" = MIN(
        CASE
          WHEN "first_attached"."first_attach" < "owners"."first_owner"
          AND (
            "first_attached"."first_attach" < "owners"."pos"
            AND NOT (
              "first_attached"."first_science"
            )
          )
          THEN "owners"."pos"
        END
      ) OVER (
        PARTITION BY "owners"."run", "owners"."key0_program", "owners"."key2_instrument", "owners"."key3_detector", "owners"."key4_opt_elem", "owners"."key4_opt_elem_from", "owners"."key10_exp_type"
      )
      THEN "first_attached"."first_attach"
      ELSE "owners"."pos"
    END AS created,
    "owners"."pos" AS gid
  FROM (
    SELECT
      *,
      MIN("pos") OVER (
        PARTITION BY "run", "key0_program", "key2_instrument", "key3_detector", "key4_opt_elem", "key4_opt_elem_from", "key10_exp_type"
      ) AS first_owner
    FROM owners
  ) AS owners
  LEFT JOIN first_attached
    ON "owners"."run" = "first_attached"."run"
    AND "owners"."key0_program" = "first_attached"."key0_program"
    AND "owners"."key2_instrument" = "first_attached"."key2_instrument"
    AND "owners"."key3_detector" = "first_attached"."key3_detector"
    AND (
      "owners"."key4_opt_elem" = "first_attached"."key4_opt_elem"
      AND "owners"."key4_opt_elem_from" = "first_attached"."key4_opt_elem_from"
    )
    AND "owners"."key10_exp_type" = "first_attached"."key10_exp_type"
), orphans AS (
  SELECT
    "first_attached"."run",
    "first_attached"."key0_program",
    "first_attached"."key2_instrument",
    "first_attached"."key3_detector",
    "first_attached"."key4_opt_elem",
    "first_attached"."key4_opt_elem_from",
    "first_attached"."key10_exp_type",
    CAST(NULL AS TEXT) AS key1_is_tso,
    CAST(NULL AS TEXT) AS key5_opt_elem2,
    CAST(NULL AS TEXT) AS key5_opt_elem2_from,
    CAST(NULL AS TEXT) AS key6_fxd_slit,
    CAST(NULL AS TEXT) AS key7_subarray,
    CAST(NULL AS TEXT) AS key8_channel,
    CAST(NULL AS TEXT) AS key9_slit,
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
          AND "owners"."key2_instrument" = "first_attached"."key2_instrument"
          AND "owners"."key3_detector" = "first_attached"."key3_detector"
          AND (
            "owners"."key4_opt_elem" = "first_attached"."key4_opt_elem"
            AND "owners"."key4_opt_elem_from" = "first_attached"."key4_opt_elem_from"
          )
          AND "owners"."key10_exp_type" = "first_attached"."key10_exp_type"
        )
        AND (
          "owners"."pos" < "first_attached"."first_attach"
          OR (
            "first_attached"."first_attach" < "owners"."pos"
            AND NOT (
              "first_attached"."first_science"
            )
          )
        )
    )
), associations AS (
  SELECT
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    "key1_is_tso",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "key0_program",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key10_exp_type",
    "key1_is_tso",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "created",
    "gid"
  FROM orphans
), members AS (
  SELECT
    "asn"."run",
    "asn"."gid",
    "first_roles"."pos",
    "first_roles"."exptype",
    "first_roles"."key0_program",
    "first_roles"."key1_is_tso",
    "first_roles"."key2_instrument",
    "first_roles"."key3_detector",
    CASE
      WHEN "asn"."key4_opt_elem" IS NULL
      THEN "first_roles"."key4_opt_elem"
      ELSE CASE
        WHEN "asn"."key4_opt_elem_from" = 'filter'
        THEN "first_roles"."key4_opt_elem_in0"
        WHEN "asn"."key4_opt_elem_from" = 'band'
        THEN "first_roles"."key4_opt_elem_in1"
      END
    END AS key4_opt_elem,
    CASE
      WHEN "asn"."key5_opt_elem2" IS NULL
      THEN "first_roles"."key5_opt_elem2"
      ELSE CASE
        WHEN "asn"."key5_opt_elem2_from" = 'pupil'
        THEN "first_roles"."key5_opt_elem2_in0"
        WHEN "asn"."key5_opt_elem2_from" = 'grating'
        THEN "first_roles"."key5_opt_elem2_in1"
      END
    END AS key5_opt_elem2,
    "first_roles"."key6_fxd_slit",
    "first_roles"."key7_subarray",
    "first_roles"."key8_channel",
    "first_roles"."key9_slit",
    "first_roles"."key10_exp_type",
    "first_roles"."first_role" AS role_index,
    0 AS phase
  FROM associations AS asn
  JOIN first_roles
    ON "first_roles"."run" = "asn"."run" AND "first_roles"."pos" = "asn"."gid"
)
SELECT
  'Asn_Lv2ImageSpecial' AS rule,
  "associations"."run",
  "associations"."gid",
  "associations"."created",
  "members"."pos",
  CASE WHEN "members"."role_index" = 0 THEN 'science' END AS role,
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
              NOT "members"."key1_is_tso" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'instrument=' || ANY_VALUE("members"."key2_instrument") || CHR(30) || 'detector=' || ANY_VALUE("members"."key3_detector") || CHR(30) || 'opt_elem=' || ANY_VALUE("members"."key4_opt_elem") || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key5_opt_elem2") FILTER(WHERE
              NOT "members"."key5_opt_elem2" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'fxd_slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key6_fxd_slit") FILTER(WHERE
              NOT "members"."key6_fxd_slit" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'subarray=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key7_subarray") FILTER(WHERE
              NOT "members"."key7_subarray" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'channel=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key8_channel") FILTER(WHERE
              NOT "members"."key8_channel" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'slit=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key9_slit") FILTER(WHERE
              NOT "members"."key9_slit" IS NULL AND "members"."role_index" IN (0))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ANY_VALUE("members"."key10_exp_type") AS found,
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