-- Asn_MIRLRSTAConfirm: the conditions asnsql why evaluates, in order
-- check 1: program: program is defined
(
  NOT "program" IS NULL
);
-- check 2: takes a role: science (all of (level2 exptype is one of science; all of (none of (detector matches nirspec; filter matches opaque); not all of (detector matches nrcblong; exp_type matches nrc_tsgrism); none of (visitype matches .+wfsc.+))); instrument: instrume is defined; detector: detector is defined; opt_elem: filter or band is defined; exp_type: exp_type matches mir_lrs-slitless|mir_lrs-fixedslit) or background (all of (all of (bkgdtarg is defined; none of (all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj)))); all of (none of (detector matches nirspec; filter matches opaque); not all of (detector matches nrcblong; exp_type matches nrc_tsgrism); none of (visitype matches .+wfsc.+))); instrument: instrume is defined; detector: detector is defined; opt_elem: filter or band is defined; exp_type: exp_type matches mir_lrs-slitless|mir_lrs-fixedslit) or science_obs (level2 exptype is one of science; exp_type: exp_type matches mir_lrs-slitless|mir_lrs-fixedslit; obs_id: obs_id is defined) or target_acquisition (exp_type matches mir_taconfirm; obs_id: obs_id is defined)
(
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
);
