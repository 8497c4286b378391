-- asnsql DuckDB macros: per-exposure quantities of the reference (jwst 3.0.0), computed once
-- per pool row. Every macro reads lower-cased pool strings (see pool.sql); an absent column
-- is NULL. Section numbers (§) refer to docs/ASSOCIATION_SPEC.md.

-- §1.3 The EMPTY set: these strings mean "not defined"; asn_value() maps them to NULL.
-- (NULL needs no test of its own: NULL IN (...) is NULL, so the ELSE gives it back; the
-- shorter CASE makes the pool's list transform measurably faster)
CREATE OR REPLACE MACRO asn_value(v) AS
    CASE WHEN v IN ('', 'null', '--', 'n', 'f', 'false', 'n/a') THEN NULL ELSE v END;

-- §2.1 The reference tests re.match('^' + pattern + '$', value, re.I): the outer '^' binds to
-- every alternative, the '$' only to the last one (QUIRK: `a|b` accepts any value starting
-- with `a`). The compiler passes the pattern already wrapped as '(?i)^(?:^' || p || '$)'.
CREATE OR REPLACE MACRO asn_match(v, wrapped_pattern) AS
    coalesce(regexp_matches(v, wrapped_pattern), false);

-- §7.1 Base exposure type of an exposure. Arguments are defined values (NULL when undefined).
CREATE OR REPLACE MACRO asn_base_exptype(pntgtype, exp_type, is_psf, is_imprt, bkgdtarg) AS
    CASE
        WHEN pntgtype IS NOT NULL AND pntgtype <> 'science' THEN pntgtype
        WHEN exp_type IS NULL THEN NULL
        WHEN exp_type IN ('mir_darkall', 'mir_darkimg', 'mir_darkmrs', 'nis_dark',
                                     'nrc_dark', 'nrs_dark') THEN 'dark'
        WHEN exp_type IN ('mir_flatimage', 'mir_flatmrs', 'mir_flatimage-ext',
                                     'mir_flatmrs-ext', 'nrc_flat') THEN 'flat'
        WHEN exp_type IN ('mir_tacq', 'mir_taconfirm', 'nis_tacq', 'nis_taconfirm',
                                     'nrc_tacq', 'nrc_taconfirm', 'nrs_confirm', 'nrs_msata',
                                     'nrs_tacq', 'nrs_taconfirm', 'nrs_taslit', 'nrs_wata')
            THEN 'target_acquisition'
        WHEN exp_type IN ('nis_focus', 'nis_lamp', 'nrc_focus', 'nrc_led',
                                     'nrs_focus', 'nrs_image', 'nrs_lamp') THEN 'engineering'
        WHEN exp_type = 'nrs_autoflat' THEN 'autoflat'
        WHEN exp_type = 'nrs_autowave' THEN 'autowave'
        WHEN is_psf IS NOT NULL THEN 'psf'
        WHEN is_imprt IS NOT NULL THEN 'imprint'
        WHEN bkgdtarg IS NOT NULL THEN 'background'
        ELSE 'science'
    END;

-- §7.2 Exposure-type functions of the rules, from the base type (exp_type: defined value).
CREATE OR REPLACE MACRO asn_exptype_level2(base, exp_type) AS
    CASE WHEN base = 'psf' THEN 'science' ELSE base END;
CREATE OR REPLACE MACRO asn_exptype_level2_special(base, exp_type) AS 'science';
CREATE OR REPLACE MACRO asn_exptype_level2_wfss(base, exp_type) AS
    CASE WHEN asn_exptype_level2(base, exp_type) = 'science'
              AND exp_type IN ('nis_image', 'nrc_image', 'mir_image')
         THEN 'direct_image' ELSE asn_exptype_level2(base, exp_type) END;
CREATE OR REPLACE MACRO asn_exptype_level3(base, exp_type) AS base;
CREATE OR REPLACE MACRO asn_exptype_level3_aux(base, exp_type) AS
    CASE WHEN base = 'target_acquisition' THEN base ELSE 'science' END;

-- §7.3 Integration ("...ints") products: the exposure-level part of the test. The reference
-- reads the pointing and exposure type directly (raw values); with defined values (NULL for
-- the EMPTY strings) the results are the same, since every value tested for is defined.
CREATE OR REPLACE MACRO asn_science_pointing(pntgtype, exp_type) AS
    coalesce(pntgtype = 'science', false)
    AND coalesce(exp_type NOT IN ('mir_tacq', 'mir_taconfirm', 'nis_taconfirm', 'nis_tacq',
                                  'nrc_taconfirm', 'nrc_tacq', 'nrs_confirm', 'nrs_msata',
                                  'nrs_taconfirm', 'nrs_tacq', 'nrs_taslit', 'nrs_verify',
                                  'nrs_wata'), true);
CREATE OR REPLACE MACRO asn_item_ami(pntgtype, exp_type) AS
    asn_science_pointing(pntgtype, exp_type) AND coalesce(exp_type = 'nis_ami', false);
CREATE OR REPLACE MACRO asn_item_coron(pntgtype, exp_type, subarray, pupil, detector) AS
    asn_science_pointing(pntgtype, exp_type)
    AND coalesce(exp_type IN ('mir_4qpm', 'mir_lyot', 'nrc_coron'), false)
    AND NOT coalesce(exp_type = 'nrc_coron' AND subarray = 'full'
                     AND ((pupil = 'maskbar' AND detector IN ('nrca1', 'nrca2', 'nrca3'))
                          OR (pupil = 'maskrnd' AND detector IN ('nrca1', 'nrca3', 'nrca4'))),
                     false);
-- §7.3 The row locks the is_tso key (Constraint_Base: TSOVISIT, optional) when added to an
-- association: its tsovisit is defined. Members added before it take no 'ints' from the lock.
CREATE OR REPLACE MACRO asn_locks_tso(tsovisit) AS tsovisit IS NOT NULL;
CREATE OR REPLACE MACRO asn_item_tso(pntgtype, exp_type, tsovisit) AS
    asn_science_pointing(pntgtype, exp_type)
    AND (coalesce(tsovisit = 't', false)
         OR coalesce(exp_type IN ('nrc_tsimage', 'nrc_tsgrism', 'nrs_brightobj'),
                     false));

-- §7.4 Instrument validity helpers. Arguments are defined values: NULL when undefined
-- (rule queries read run_items, where the EMPTY strings are already NULL).
CREATE OR REPLACE MACRO asn_nrsfss_valid(detector, filter, grating, fxd_slit) AS
    CASE
        WHEN detector IS NULL OR filter IS NULL
             OR grating IS NULL OR fxd_slit IS NULL THEN false
        ELSE concat_ws('|', CASE WHEN fxd_slit = 's200b1' THEN 's200b1' ELSE 'a' END,
                       grating, filter, detector) IN (
            'a|prism|clear|nrs1', 'a|g395h|f290lp|nrs1', 'a|g395h|f290lp|nrs2',
            'a|g235h|f170lp|nrs1', 'a|g235h|f170lp|nrs2', 'a|g140h|f100lp|nrs1',
            'a|g140h|f100lp|nrs2', 'a|g140h|f070lp|nrs1', 'a|g395m|f290lp|nrs1',
            'a|g235m|f170lp|nrs1', 'a|g140m|f100lp|nrs1', 'a|g140m|f070lp|nrs1',
            's200b1|prism|clear|nrs2', 's200b1|g395h|f290lp|nrs2', 's200b1|g235h|f170lp|nrs2',
            's200b1|g140h|f100lp|nrs2', 's200b1|g140h|f070lp|nrs1', 's200b1|g140h|f070lp|nrs2',
            's200b1|g395m|f290lp|nrs2', 's200b1|g235m|f170lp|nrs2', 's200b1|g140m|f100lp|nrs2',
            's200b1|g140m|f070lp|nrs1', 's200b1|g140m|f070lp|nrs2')
    END;

CREATE OR REPLACE MACRO asn_nrsifu_valid(exp_type, detector, filter, grating) AS
    CASE
        WHEN coalesce(exp_type, '') <> 'nrs_ifu' THEN true
        WHEN detector IS NULL OR filter IS NULL
             OR grating IS NULL THEN false
        ELSE concat_ws('|', grating, filter, detector) IN (
            'prism|clear|nrs1', 'g140m|f070lp|nrs1', 'g140m|f100lp|nrs1', 'g235m|f170lp|nrs1',
            'g395m|f290lp|nrs1', 'g140h|f070lp|nrs1', 'g140h|f100lp|nrs1', 'g140h|f100lp|nrs2',
            'g235h|f170lp|nrs1', 'g235h|f170lp|nrs2', 'g395h|f290lp|nrs1', 'g395h|f290lp|nrs2')
    END;

CREATE OR REPLACE MACRO asn_nrslamp_valid(detector, grating, opmode, lamp) AS
    CASE
        WHEN detector IS NULL OR grating IS NULL
             OR opmode IS NULL THEN false
        WHEN opmode = 'msaspec' THEN true
        WHEN opmode = 'ifu' THEN
            CASE
                WHEN lamp IS NULL THEN false
                WHEN grating IN ('g395h', 'g235h') THEN true
                WHEN grating IN ('g395m', 'g235m', 'g140m') AND detector = 'nrs1' THEN true
                WHEN grating = 'prism' AND detector = 'nrs1' THEN true
                WHEN grating = 'g140h' THEN NOT (detector = 'nrs2' AND lamp = 'flat4')
                ELSE false
            END
        WHEN opmode = 'fixedslit' THEN
            CASE
                WHEN lamp IS NULL THEN false
                WHEN detector NOT IN ('nrs1', 'nrs2') THEN false
                ELSE concat_ws('|', grating, lamp) IN (
                    'prism|line4', 'prism|flat5', 'prism|test',
                    'g395h|flat3', 'g395h|line3', 'g235h|flat2', 'g235h|line2',
                    'g140h|flat1', 'g140h|ref', 'g140h|line1', 'g140h|flat4',
                    'g395m|flat3', 'g395m|line3', 'g235m|flat2', 'g235m|line2',
                    'g140m|flat1', 'g140m|line1', 'g140m|flat4')
            END
        ELSE false
    END;

CREATE OR REPLACE MACRO asn_nrccoron_valid(detector, subarray, pupil) AS
    CASE
        WHEN detector IS NULL OR subarray IS NULL
             OR pupil IS NULL THEN false
        WHEN subarray = 'full' THEN
            NOT ((pupil = 'maskbar' AND detector IN ('nrca1', 'nrca2', 'nrca3'))
                 OR (pupil = 'maskrnd' AND detector IN ('nrca1', 'nrca3', 'nrca4')))
        ELSE true
    END;

CREATE OR REPLACE MACRO asn_nissoss_calibrated(exp_type, filter) AS
    CASE
        WHEN coalesce(exp_type, '') <> 'nis_soss' THEN true
        WHEN filter IS NULL THEN false
        ELSE filter <> 'f277w'
    END;
