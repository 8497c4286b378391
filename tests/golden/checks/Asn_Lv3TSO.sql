-- Asn_Lv3TSO: the conditions asnsql why evaluates, in order
-- check 1: is_imprt is not defined
"is_imprt" IS NULL;
-- check 2: program: program is defined
(
  NOT "program" IS NULL
);
-- check 3: instrument: instrume is defined
(
  NOT "instrume" IS NULL
);
-- check 4: takes a role: member (all of (all of (pntgtype matches science; any of (tsovisit matches t; exp_type matches nrc_tsimage|nrc_tsgrism|nrs_brightobj)); none of (exp_type matches mir_mrs|mir_flatmrs|nrs_autowave|nrs_ifu); none of (all of (exp_type matches nrc_tsgrism; pupil matches clear|gdhs0|gdhs60); all of (exp_type matches nrc_tsgrism; detector matches nrcblong); subarray matches sub260stripe4_dhs|sub41stripe1_dhs|sub82stripe2_dhs|sub164stripe4_dhs); none of (all of (exp_type matches nis_soss; nints matches 1); all of (exp_type matches nis_soss; not nissoss_calibrated: NIRISS SOSS filter is calibrated)); none of (all of (exp_type matches nrs_brightobj; not nrsfss_valid: NIRSpec fixed-slit detector/slit/grating/filter combination is valid))); target: targetid is defined when level3 exptype is not one of background, unless asn_candidate matches \[\('c\d{4}', 'direct_image'\)\]; subarray: subarray is defined; exp_type: exp_type is defined; obs_num: obs_num is defined; fxd_slit2: fxd_slit is defined when fxd_slit matches s200a1|s200a2) or target_acquisition (base exposure type is one of target_acquisition)
(
  (
    (
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
        COALESCE(
          (
            STARTS_WITH("exp_type", 'mir_mrs')
            OR STARTS_WITH("exp_type", 'mir_flatmrs')
            OR STARTS_WITH("exp_type", 'nrs_autowave')
            OR "exp_type" = 'nrs_ifu'
          ),
          FALSE
        )
      )
      AND NOT (
        (
          COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
          AND COALESCE(
            (
              STARTS_WITH("pupil", 'clear')
              OR STARTS_WITH("pupil", 'gdhs0')
              OR "pupil" = 'gdhs60'
            ),
            FALSE
          )
        )
        OR (
          COALESCE("exp_type" = 'nrc_tsgrism', FALSE)
          AND COALESCE("detector" = 'nrcblong', FALSE)
        )
        OR COALESCE(
          (
            STARTS_WITH("subarray", 'sub260stripe4_dhs')
            OR STARTS_WITH("subarray", 'sub41stripe1_dhs')
            OR STARTS_WITH("subarray", 'sub82stripe2_dhs')
            OR "subarray" = 'sub164stripe4_dhs'
          ),
          FALSE
        )
      )
      AND NOT (
        (
          COALESCE("exp_type" = 'nis_soss', FALSE) AND COALESCE("nints" = '1', FALSE)
        )
        OR (
          COALESCE("exp_type" = 'nis_soss', FALSE)
          AND NOT (
            COALESCE(ASN_NISSOSS_CALIBRATED("exp_type", "filter"), FALSE)
          )
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
    )
    AND (
      ASN_MATCH("asn_candidate", '(?i)^(?:^\[\(''c\d{4}'', ''direct_image''\)\]$)')
      OR (
        NOT (
          NOT (
            COALESCE(ASN_EXPTYPE_LEVEL3("base_exptype", "exp_type") IN ('background'), FALSE)
          )
        )
        OR (
          NOT "targetid" IS NULL
        )
      )
    )
    AND (
      NOT "subarray" IS NULL
    )
    AND (
      NOT "exp_type" IS NULL
    )
  )
  OR COALESCE("base_exptype" IN ('target_acquisition'), FALSE)
);
