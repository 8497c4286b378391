WITH rule_rows AS (
  SELECT
    "run",
    "pos",
    "filename",
    "filename_repeated",
    ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") AS exptype,
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
    "obs_id" AS key11_obs_id,
    (
      COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
      AND (
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
          STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
        ),
        FALSE
      )
    ) AS ok0_science,
    (
      (
        NOT "bkgdtarg" IS NULL
        AND NOT (
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
      )
      AND (
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
          STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
        ),
        FALSE
      )
    ) AS ok1_background,
    COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
    AND (
      NOT "exp_type" IS NULL
      AND COALESCE(
        (
          STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
        ),
        FALSE
      )
    )
    AND (
      NOT "obs_id" IS NULL
    ) AS ok2_science_obs,
    COALESCE("exp_type" = 'mir_taconfirm', FALSE) AND (
      NOT "obs_id" IS NULL
    ) AS ok3_target_acquisition
  FROM run_items
  WHERE
    (
      NOT "program" IS NULL
    )
    AND (
      (
        (
          COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
          AND (
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
              STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
            ),
            FALSE
          )
        )
      )
      OR (
        (
          (
            NOT "bkgdtarg" IS NULL
            AND NOT (
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
          )
          AND (
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
              STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
            ),
            FALSE
          )
        )
      )
      OR (
        COALESCE(ASN_EXPTYPE_LEVEL2("base_exptype", "exp_type") IN ('science'), FALSE)
        AND (
          NOT "exp_type" IS NULL
          AND COALESCE(
            (
              STARTS_WITH("exp_type", 'mir_lrs-slitless') OR "exp_type" = 'mir_lrs-fixedslit'
            ),
            FALSE
          )
        )
        AND (
          NOT "obs_id" IS NULL
        )
      )
      OR (
        COALESCE("exp_type" = 'mir_taconfirm', FALSE) AND (
          NOT "obs_id" IS NULL
        )
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
      "ok0_science" OR "ok1_background" OR "ok2_science_obs" OR "ok3_target_acquisition"
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
      "ok0_science" OR "ok1_background" OR "ok2_science_obs" OR "ok3_target_acquisition"
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
      WHEN "ok2_science_obs"
      THEN 2
      WHEN "ok3_target_acquisition"
      THEN 3
    END AS first_role,
    CASE
      WHEN "ok0_science"
      THEN 0
      WHEN "ok1_background"
      THEN 1
      WHEN "ok2_science_obs"
      THEN 0
      WHEN "ok3_target_acquisition"
      THEN 2
    END AS first_phase
  FROM role_rows
), owners AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "first_role" IN (0, 2)
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
          AND "earlier_owner"."first_role" IN (0, 2)
          AND "earlier_owner"."pos" < "first_roles"."pos"
          AND (
            (
              "first_roles"."ok1_background"
              AND (
                "first_roles"."key1_is_tso" IS NULL
                OR "earlier_owner"."key1_is_tso" IS NULL
                OR "first_roles"."key1_is_tso" = "earlier_owner"."key1_is_tso"
              )
              AND (
                "first_roles"."key2_instrument" IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key2_instrument"
                END IS NULL
                OR "first_roles"."key2_instrument" = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key2_instrument"
                END
              )
              AND (
                "first_roles"."key3_detector" IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key3_detector"
                END IS NULL
                OR "first_roles"."key3_detector" = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key3_detector"
                END
              )
              AND (
                CASE
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key4_opt_elem_from"
                  END = 'filter'
                  THEN "first_roles"."key4_opt_elem_in0"
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key4_opt_elem_from"
                  END = 'band'
                  THEN "first_roles"."key4_opt_elem_in1"
                END IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key4_opt_elem"
                END IS NULL
                OR CASE
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key4_opt_elem_from"
                  END = 'filter'
                  THEN "first_roles"."key4_opt_elem_in0"
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key4_opt_elem_from"
                  END = 'band'
                  THEN "first_roles"."key4_opt_elem_in1"
                END = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key4_opt_elem"
                END
              )
              AND (
                CASE
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key5_opt_elem2_from"
                  END = 'pupil'
                  THEN "first_roles"."key5_opt_elem2_in0"
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key5_opt_elem2_from"
                  END = 'grating'
                  THEN "first_roles"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key5_opt_elem2"
                END IS NULL
                OR CASE
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key5_opt_elem2_from"
                  END = 'pupil'
                  THEN "first_roles"."key5_opt_elem2_in0"
                  WHEN CASE
                    WHEN "earlier_owner"."first_role" IN (0)
                    THEN "earlier_owner"."key5_opt_elem2_from"
                  END = 'grating'
                  THEN "first_roles"."key5_opt_elem2_in1"
                END = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key5_opt_elem2"
                END
              )
              AND (
                "first_roles"."key6_fxd_slit" IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key6_fxd_slit"
                END IS NULL
                OR "first_roles"."key6_fxd_slit" = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key6_fxd_slit"
                END
              )
              AND (
                "first_roles"."key7_subarray" IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key7_subarray"
                END IS NULL
                OR "first_roles"."key7_subarray" = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key7_subarray"
                END
              )
              AND (
                "first_roles"."key8_channel" IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key8_channel"
                END IS NULL
                OR "first_roles"."key8_channel" = CASE
                  WHEN "earlier_owner"."first_role" IN (0)
                  THEN "earlier_owner"."key8_channel"
                END
              )
              AND (
                "first_roles"."key9_slit" IS NULL
                OR CASE WHEN "earlier_owner"."first_role" IN (0) THEN "earlier_owner"."key9_slit" END IS NULL
                OR "first_roles"."key9_slit" = CASE WHEN "earlier_owner"."first_role" IN (0) THEN "earlier_owner"."key9_slit" END
              )
              AND (
                "first_roles"."key10_exp_type" IS NULL
                OR "earlier_owner"."key10_exp_type" IS NULL
                OR "first_roles"."key10_exp_type" = "earlier_owner"."key10_exp_type"
              )
            )
            OR (
              "first_roles"."ok3_target_acquisition"
              AND (
                "first_roles"."key1_is_tso" IS NULL
                OR "earlier_owner"."key1_is_tso" IS NULL
                OR "first_roles"."key1_is_tso" = "earlier_owner"."key1_is_tso"
              )
              AND (
                "first_roles"."key11_obs_id" IS NULL
                OR CASE
                  WHEN "earlier_owner"."first_role" IN (2)
                  THEN "earlier_owner"."key11_obs_id"
                END IS NULL
                OR "first_roles"."key11_obs_id" = CASE
                  WHEN "earlier_owner"."first_role" IN (2)
                  THEN "earlier_owner"."key11_obs_id"
                END
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
    "first_role" IN (1, 3)
  GROUP BY
    "run",
    "key0_program"
), owned AS (
  SELECT
    "owners"."run",
    "owners"."key0_program",
    "owners"."key1_is_tso" AS key1_is_tso,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key2_instrument" END AS key2_instrument,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key3_detector" END AS key3_detector,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key4_opt_elem" END AS key4_opt_elem,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key4_opt_elem_from" END AS key4_opt_elem_from,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key5_opt_elem2" END AS key5_opt_elem2,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key5_opt_elem2_from" END AS key5_opt_elem2_from,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key6_fxd_slit" END AS key6_fxd_slit,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key7_subarray" END AS key7_subarray,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key8_channel" END AS key8_channel,
    CASE WHEN "owners"."first_role" IN (0) THEN "owners"."key9_slit" END AS key9_slit,
    "owners"."key10_exp_type" AS key10_exp_type,
    CASE WHEN "owners"."first_role" IN (2) THEN "owners"."key11_obs_id" END AS key11_obs_id,
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
    CAST(NULL AS TEXT) AS key2_instrument,
    CAST(NULL AS TEXT) AS key3_detector,
    CAST(NULL AS TEXT) AS key4_opt_elem,
    CAST(NULL AS TEXT) AS key4_opt_elem_from,
    CAST(NULL AS TEXT) AS key5_opt_elem2,
    CAST(NULL AS TEXT) AS key5_opt_elem2_from,
    CAST(NULL AS TEXT) AS key6_fxd_slit,
    CAST(NULL AS TEXT) AS key7_subarray,
    CAST(NULL AS TEXT) AS key8_channel,
    CAST(NULL AS TEXT) AS key9_slit,
    CAST(NULL AS TEXT) AS key10_exp_type,
    CAST(NULL AS TEXT) AS key11_obs_id,
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
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "key10_exp_type",
    "key11_obs_id",
    "created",
    "gid"
  FROM owned
  UNION ALL
  SELECT
    "run",
    "key0_program",
    "key1_is_tso",
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key4_opt_elem_from",
    "key5_opt_elem2",
    "key5_opt_elem2_from",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "key10_exp_type",
    "key11_obs_id",
    "created",
    "gid"
  FROM orphans
), attaching AS (
  SELECT
    *
  FROM first_roles
  WHERE
    "ok1_background" OR "ok3_target_acquisition"
), attach_candidates AS (
  SELECT
    "asn"."run",
    "asn"."gid",
    "attacher"."pos",
    "attacher"."exptype",
    "attacher"."key0_program",
    "attacher"."key1_is_tso",
    "attacher"."key2_instrument",
    "attacher"."key3_detector",
    CASE
      WHEN "asn"."key4_opt_elem" IS NULL
      THEN "attacher"."key4_opt_elem"
      ELSE CASE
        WHEN "asn"."key4_opt_elem_from" = 'filter'
        THEN "attacher"."key4_opt_elem_in0"
        WHEN "asn"."key4_opt_elem_from" = 'band'
        THEN "attacher"."key4_opt_elem_in1"
      END
    END AS key4_opt_elem,
    CASE
      WHEN "asn"."key5_opt_elem2" IS NULL
      THEN "attacher"."key5_opt_elem2"
      ELSE CASE
        WHEN "asn"."key5_opt_elem2_from" = 'pupil'
        THEN "attacher"."key5_opt_elem2_in0"
        WHEN "asn"."key5_opt_elem2_from" = 'grating'
        THEN "attacher"."key5_opt_elem2_in1"
      END
    END AS key5_opt_elem2,
    "attacher"."key6_fxd_slit",
    "attacher"."key7_subarray",
    "attacher"."key8_channel",
    "attacher"."key9_slit",
    "attacher"."key10_exp_type",
    "attacher"."key11_obs_id",
    CASE
      WHEN "attacher"."ok1_background"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key2_instrument" IS NULL
          OR "asn"."key2_instrument" IS NULL
          OR "attacher"."key2_instrument" = "asn"."key2_instrument"
        )
        AND (
          "attacher"."key3_detector" IS NULL
          OR "asn"."key3_detector" IS NULL
          OR "attacher"."key3_detector" = "asn"."key3_detector"
        )
        AND (
          CASE
            WHEN "asn"."key4_opt_elem_from" = 'filter'
            THEN "attacher"."key4_opt_elem_in0"
            WHEN "asn"."key4_opt_elem_from" = 'band'
            THEN "attacher"."key4_opt_elem_in1"
          END IS NULL
          OR CASE
            WHEN "asn"."key4_opt_elem_from" = 'filter'
            THEN "attacher"."key4_opt_elem_in0"
            WHEN "asn"."key4_opt_elem_from" = 'band'
            THEN "attacher"."key4_opt_elem_in1"
          END = "asn"."key4_opt_elem"
        )
        AND (
          CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END IS NULL
          OR CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END = "asn"."key5_opt_elem2"
        )
        AND (
          "attacher"."key6_fxd_slit" IS NULL
          OR "asn"."key6_fxd_slit" IS NULL
          OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
        )
        AND (
          "attacher"."key7_subarray" IS NULL
          OR "asn"."key7_subarray" IS NULL
          OR "attacher"."key7_subarray" = "asn"."key7_subarray"
        )
        AND (
          "attacher"."key8_channel" IS NULL
          OR "asn"."key8_channel" IS NULL
          OR "attacher"."key8_channel" = "asn"."key8_channel"
        )
        AND (
          "attacher"."key9_slit" IS NULL
          OR "asn"."key9_slit" IS NULL
          OR "attacher"."key9_slit" = "asn"."key9_slit"
        )
        AND (
          "attacher"."key10_exp_type" IS NULL
          OR "asn"."key10_exp_type" IS NULL
          OR "attacher"."key10_exp_type" = "asn"."key10_exp_type"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
      THEN 1
      WHEN "attacher"."ok3_target_acquisition"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key11_obs_id" IS NULL
          OR "asn"."key11_obs_id" IS NULL
          OR "attacher"."key11_obs_id" = "asn"."key11_obs_id"
        )
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
                "attacher"."key2_instrument" IS NULL
                OR "asn"."key2_instrument" IS NULL
                OR "attacher"."key2_instrument" = "asn"."key2_instrument"
              )
              AND (
                "attacher"."key3_detector" IS NULL
                OR "asn"."key3_detector" IS NULL
                OR "attacher"."key3_detector" = "asn"."key3_detector"
              )
              AND (
                CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END = "asn"."key4_opt_elem"
              )
              AND (
                CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END = "asn"."key5_opt_elem2"
              )
              AND (
                "attacher"."key6_fxd_slit" IS NULL
                OR "asn"."key6_fxd_slit" IS NULL
                OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
              )
              AND (
                "attacher"."key7_subarray" IS NULL
                OR "asn"."key7_subarray" IS NULL
                OR "attacher"."key7_subarray" = "asn"."key7_subarray"
              )
              AND (
                "attacher"."key8_channel" IS NULL
                OR "asn"."key8_channel" IS NULL
                OR "attacher"."key8_channel" = "asn"."key8_channel"
              )
              AND (
                "attacher"."key9_slit" IS NULL
                OR "asn"."key9_slit" IS NULL
                OR "attacher"."key9_slit" = "asn"."key9_slit"
              )
              AND (
                "attacher"."key10_exp_type" IS NULL
                OR "asn"."key10_exp_type" IS NULL
                OR "attacher"."key10_exp_type" = "asn"."key10_exp_type"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 1
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key11_obs_id" IS NULL
                OR "asn"."key11_obs_id" IS NULL
                OR "attacher"."key11_obs_id" = "asn"."key11_obs_id"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 0
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
                "attacher"."key2_instrument" IS NULL
                OR "asn"."key2_instrument" IS NULL
                OR "attacher"."key2_instrument" = "asn"."key2_instrument"
              )
              AND (
                "attacher"."key3_detector" IS NULL
                OR "asn"."key3_detector" IS NULL
                OR "attacher"."key3_detector" = "asn"."key3_detector"
              )
              AND (
                CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END = "asn"."key4_opt_elem"
              )
              AND (
                CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END = "asn"."key5_opt_elem2"
              )
              AND (
                "attacher"."key6_fxd_slit" IS NULL
                OR "asn"."key6_fxd_slit" IS NULL
                OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
              )
              AND (
                "attacher"."key7_subarray" IS NULL
                OR "asn"."key7_subarray" IS NULL
                OR "attacher"."key7_subarray" = "asn"."key7_subarray"
              )
              AND (
                "attacher"."key8_channel" IS NULL
                OR "asn"."key8_channel" IS NULL
                OR "attacher"."key8_channel" = "asn"."key8_channel"
              )
              AND (
                "attacher"."key9_slit" IS NULL
                OR "asn"."key9_slit" IS NULL
                OR "attacher"."key9_slit" = "asn"."key9_slit"
              )
              AND (
                "attacher"."key10_exp_type" IS NULL
                OR "asn"."key10_exp_type" IS NULL
                OR "attacher"."key10_exp_type" = "asn"."key10_exp_type"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 1
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key11_obs_id" IS NULL
                OR "asn"."key11_obs_id" IS NULL
                OR "attacher"."key11_obs_id" = "asn"."key11_obs_id"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 1
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
                "attacher"."key2_instrument" IS NULL
                OR "asn"."key2_instrument" IS NULL
                OR "attacher"."key2_instrument" = "asn"."key2_instrument"
              )
              AND (
                "attacher"."key3_detector" IS NULL
                OR "asn"."key3_detector" IS NULL
                OR "attacher"."key3_detector" = "asn"."key3_detector"
              )
              AND (
                CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END = "asn"."key4_opt_elem"
              )
              AND (
                CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END = "asn"."key5_opt_elem2"
              )
              AND (
                "attacher"."key6_fxd_slit" IS NULL
                OR "asn"."key6_fxd_slit" IS NULL
                OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
              )
              AND (
                "attacher"."key7_subarray" IS NULL
                OR "asn"."key7_subarray" IS NULL
                OR "attacher"."key7_subarray" = "asn"."key7_subarray"
              )
              AND (
                "attacher"."key8_channel" IS NULL
                OR "asn"."key8_channel" IS NULL
                OR "attacher"."key8_channel" = "asn"."key8_channel"
              )
              AND (
                "attacher"."key9_slit" IS NULL
                OR "asn"."key9_slit" IS NULL
                OR "attacher"."key9_slit" = "asn"."key9_slit"
              )
              AND (
                "attacher"."key10_exp_type" IS NULL
                OR "asn"."key10_exp_type" IS NULL
                OR "attacher"."key10_exp_type" = "asn"."key10_exp_type"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 1
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key11_obs_id" IS NULL
                OR "asn"."key11_obs_id" IS NULL
                OR "attacher"."key11_obs_id" = "asn"."key11_obs_id"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 3
          END = 2
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
                "attacher"."key2_instrument" IS NULL
                OR "asn"."key2_instrument" IS NULL
                OR "attacher"."key2_instrument" = "asn"."key2_instrument"
              )
              AND (
                "attacher"."key3_detector" IS NULL
                OR "asn"."key3_detector" IS NULL
                OR "attacher"."key3_detector" = "asn"."key3_detector"
              )
              AND (
                CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key4_opt_elem_from" = 'filter'
                  THEN "attacher"."key4_opt_elem_in0"
                  WHEN "asn"."key4_opt_elem_from" = 'band'
                  THEN "attacher"."key4_opt_elem_in1"
                END = "asn"."key4_opt_elem"
              )
              AND (
                CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END IS NULL
                OR CASE
                  WHEN "asn"."key5_opt_elem2_from" = 'pupil'
                  THEN "attacher"."key5_opt_elem2_in0"
                  WHEN "asn"."key5_opt_elem2_from" = 'grating'
                  THEN "attacher"."key5_opt_elem2_in1"
                END = "asn"."key5_opt_elem2"
              )
              AND (
                "attacher"."key6_fxd_slit" IS NULL
                OR "asn"."key6_fxd_slit" IS NULL
                OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
              )
              AND (
                "attacher"."key7_subarray" IS NULL
                OR "asn"."key7_subarray" IS NULL
                OR "attacher"."key7_subarray" = "asn"."key7_subarray"
              )
              AND (
                "attacher"."key8_channel" IS NULL
                OR "asn"."key8_channel" IS NULL
                OR "attacher"."key8_channel" = "asn"."key8_channel"
              )
              AND (
                "attacher"."key9_slit" IS NULL
                OR "asn"."key9_slit" IS NULL
                OR "attacher"."key9_slit" = "asn"."key9_slit"
              )
              AND (
                "attacher"."key10_exp_type" IS NULL
                OR "asn"."key10_exp_type" IS NULL
                OR "attacher"."key10_exp_type" = "asn"."key10_exp_type"
              )
            )
            AND "attacher"."pos" <> "asn"."gid"
            THEN 1
            WHEN "attacher"."ok3_target_acquisition"
            AND (
              (
                "attacher"."key1_is_tso" IS NULL
                OR "asn"."key1_is_tso" IS NULL
                OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
              )
              AND (
                "attacher"."key11_obs_id" IS NULL
                OR "asn"."key11_obs_id" IS NULL
                OR "attacher"."key11_obs_id" = "asn"."key11_obs_id"
              )
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
    "asn"."key1_is_tso" IS NULL AS open1,
    "attacher"."key4_opt_elem_from",
    "attacher"."key4_opt_elem_in0",
    "attacher"."key4_opt_elem_in1",
    "attacher"."key5_opt_elem2_from",
    "attacher"."key5_opt_elem2_in0",
    "attacher"."key5_opt_elem2_in1"
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
          "attacher"."key2_instrument" IS NULL
          OR "asn"."key2_instrument" IS NULL
          OR "attacher"."key2_instrument" = "asn"."key2_instrument"
        )
        AND (
          "attacher"."key3_detector" IS NULL
          OR "asn"."key3_detector" IS NULL
          OR "attacher"."key3_detector" = "asn"."key3_detector"
        )
        AND (
          CASE
            WHEN "asn"."key4_opt_elem_from" = 'filter'
            THEN "attacher"."key4_opt_elem_in0"
            WHEN "asn"."key4_opt_elem_from" = 'band'
            THEN "attacher"."key4_opt_elem_in1"
          END IS NULL
          OR CASE
            WHEN "asn"."key4_opt_elem_from" = 'filter'
            THEN "attacher"."key4_opt_elem_in0"
            WHEN "asn"."key4_opt_elem_from" = 'band'
            THEN "attacher"."key4_opt_elem_in1"
          END = "asn"."key4_opt_elem"
        )
        AND (
          CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END IS NULL
          OR CASE
            WHEN "asn"."key5_opt_elem2_from" = 'pupil'
            THEN "attacher"."key5_opt_elem2_in0"
            WHEN "asn"."key5_opt_elem2_from" = 'grating'
            THEN "attacher"."key5_opt_elem2_in1"
          END = "asn"."key5_opt_elem2"
        )
        AND (
          "attacher"."key6_fxd_slit" IS NULL
          OR "asn"."key6_fxd_slit" IS NULL
          OR "attacher"."key6_fxd_slit" = "asn"."key6_fxd_slit"
        )
        AND (
          "attacher"."key7_subarray" IS NULL
          OR "asn"."key7_subarray" IS NULL
          OR "attacher"."key7_subarray" = "asn"."key7_subarray"
        )
        AND (
          "attacher"."key8_channel" IS NULL
          OR "asn"."key8_channel" IS NULL
          OR "attacher"."key8_channel" = "asn"."key8_channel"
        )
        AND (
          "attacher"."key9_slit" IS NULL
          OR "asn"."key9_slit" IS NULL
          OR "attacher"."key9_slit" = "asn"."key9_slit"
        )
        AND (
          "attacher"."key10_exp_type" IS NULL
          OR "asn"."key10_exp_type" IS NULL
          OR "attacher"."key10_exp_type" = "asn"."key10_exp_type"
        )
      )
      AND "attacher"."pos" <> "asn"."gid"
    )
    OR (
      "attacher"."ok3_target_acquisition"
      AND (
        (
          "attacher"."key1_is_tso" IS NULL
          OR "asn"."key1_is_tso" IS NULL
          OR "attacher"."key1_is_tso" = "asn"."key1_is_tso"
        )
        AND (
          "attacher"."key11_obs_id" IS NULL
          OR "asn"."key11_obs_id" IS NULL
          OR "attacher"."key11_obs_id" = "asn"."key11_obs_id"
        )
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
    "key2_instrument",
    "key3_detector",
    "key4_opt_elem",
    "key5_opt_elem2",
    "key6_fxd_slit",
    "key7_subarray",
    "key8_channel",
    "key9_slit",
    "key10_exp_type",
    "key11_obs_id",
    "role_index",
    "phase"
  FROM attach_candidates
  QUALIFY
    (
      (
        (
          (
            (
              (
                (
                  (
                    (
                      NOT (
                        "role_index" IN (0, 1)
                      )
                      OR "key2_instrument" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key2_instrument" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      )
                    )
                    AND (
                      NOT (
                        "role_index" IN (0, 1)
                      )
                      OR "key3_detector" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key3_detector" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      )
                    )
                  )
                  AND (
                    NOT (
                      "role_index" IN (0, 1)
                    )
                    OR CASE
                      WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key4_opt_elem_from" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 'filter'
                      THEN "key4_opt_elem_in0"
                      WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key4_opt_elem_from" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 'band'
                      THEN "key4_opt_elem_in1"
                    END = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key4_opt_elem" END IGNORE NULLS) OVER (
                      PARTITION BY "run", "gid"
                      ORDER BY "phase", "pos"
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    )
                  )
                )
                AND (
                  NOT (
                    "role_index" IN (0, 1)
                  )
                  OR (
                    CASE
                      WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 'pupil'
                      THEN "key5_opt_elem2_in0"
                      WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 'grating'
                      THEN "key5_opt_elem2_in1"
                    END IS NULL
                    OR CASE
                      WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 'pupil'
                      THEN "key5_opt_elem2_in0"
                      WHEN FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2_from" END IGNORE NULLS) OVER (
                        PARTITION BY "run", "gid"
                        ORDER BY "phase", "pos"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 'grating'
                      THEN "key5_opt_elem2_in1"
                    END = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key5_opt_elem2" END IGNORE NULLS) OVER (
                      PARTITION BY "run", "gid"
                      ORDER BY "phase", "pos"
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                    )
                  )
                )
              )
              AND (
                NOT (
                  "role_index" IN (0, 1)
                )
                OR (
                  "key6_fxd_slit" IS NULL
                  OR "key6_fxd_slit" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key6_fxd_slit" END IGNORE NULLS) OVER (
                    PARTITION BY "run", "gid"
                    ORDER BY "phase", "pos"
                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                  )
                )
              )
            )
            AND (
              NOT (
                "role_index" IN (0, 1)
              )
              OR (
                "key7_subarray" IS NULL
                OR "key7_subarray" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key7_subarray" END IGNORE NULLS) OVER (
                  PARTITION BY "run", "gid"
                  ORDER BY "phase", "pos"
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                )
              )
            )
          )
          AND (
            NOT (
              "role_index" IN (0, 1)
            )
            OR (
              "key8_channel" IS NULL
              OR "key8_channel" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key8_channel" END IGNORE NULLS) OVER (
                PARTITION BY "run", "gid"
                ORDER BY "phase", "pos"
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
              )
            )
          )
        )
        AND (
          NOT (
            "role_index" IN (0, 1)
          )
          OR (
            "key9_slit" IS NULL
            OR "key9_slit" = FIRST_VALUE(CASE WHEN "role_index" IN (0, 1) THEN "key9_slit" END IGNORE NULLS) OVER (
              PARTITION BY "run", "gid"
              ORDER BY "phase", "pos"
              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
            )
          )
        )
      )
      AND (
        NOT (
          "role_index" IN (2, 3)
        )
        OR "key11_obs_id" = FIRST_VALUE(CASE WHEN "role_index" IN (2, 3) THEN "key11_obs_id" END IGNORE NULLS) OVER (
          PARTITION BY "run", "gid"
          ORDER BY "phase", "pos"
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        )
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
    "first_roles"."key11_obs_id",
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
  'Asn_MIRLRSTAConfirm' AS rule,
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
    THEN 'science_obs'
    WHEN "members"."role_index" = 3
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
    ) || CHR(30) || 'instrument=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key2_instrument") FILTER(WHERE
              NOT "members"."key2_instrument" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'detector=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key3_detector") FILTER(WHERE
              NOT "members"."key3_detector" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'opt_elem=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key4_opt_elem") FILTER(WHERE
              NOT "members"."key4_opt_elem" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'opt_elem2=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key5_opt_elem2") FILTER(WHERE
              NOT "members"."key5_opt_elem2" IS NULL AND "members"."role_index" IN (0, 1))
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
              NOT "members"."key6_fxd_slit" IS NULL AND "members"."role_index" IN (0, 1))
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
              NOT "members"."key7_subarray" IS NULL AND "members"."role_index" IN (0, 1))
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
              NOT "members"."key8_channel" IS NULL AND "members"."role_index" IN (0, 1))
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
              NOT "members"."key9_slit" IS NULL AND "members"."role_index" IN (0, 1))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'exp_type=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key10_exp_type") FILTER(WHERE
              NOT "members"."key10_exp_type" IS NULL AND "members"."role_index" IN (0, 1, 2))
          ),
          []
        )
      ),
      CHR(31)
    ) || CHR(30) || 'obs_id=' || ARRAY_TO_STRING(
      LIST_SORT(
        COALESCE(
          LIST_DISTINCT(
            ARRAY_AGG("members"."key11_obs_id") FILTER(WHERE
              NOT "members"."key11_obs_id" IS NULL AND "members"."role_index" IN (2, 3))
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
) AS found_values
  ON "found_values"."run" = "associations"."run"
  AND "found_values"."gid" = "associations"."gid"
ORDER BY
  "associations"."run",
  "associations"."gid",
  "members"."phase",
  "members"."pos"