-- asnsql candidates and runs (spec sections 6.2.1 - 6.2.3). Named statements; $name
-- parameters are bound by the engine. Every statement works on all loaded pool units at
-- once (pool_id); runs never mix pool units.

-- name: candidate_entries
-- Every (id, type) pair of every row's asn_candidate, in row order. The value is the
-- Python-literal text of a list of 2-tuples, e.g. [('o001', 'observation')]; a plain integer
-- n stands for the candidate (n, 'unknown'), as Python's literal_eval reads it; any other
-- text (e.g. 'null') names no candidate. Each distinct text is parsed once (a pool repeats
-- a few texts on many rows).
CREATE OR REPLACE TABLE candidate_entries AS
WITH texts AS (
    SELECT DISTINCT asn_candidate FROM pool WHERE starts_with(ltrim(asn_candidate), '[')
),
pairs AS (
    SELECT asn_candidate,
           regexp_extract_all(replace(asn_candidate, '"', ''''), $tuple, 1) AS ids,
           regexp_extract_all(replace(asn_candidate, '"', ''''), $tuple, 2) AS types
    FROM texts
),
listed AS (
    SELECT asn_candidate, unnest(range(1, len(ids) + 1)) AS idx, unnest(ids) AS cid,
           unnest(types) AS ctype
    FROM pairs
)
SELECT p.pool_id, p.pos, l.idx, l.cid, l.ctype
FROM pool AS p JOIN listed AS l USING (asn_candidate)
UNION ALL
SELECT pool_id, pos, 1 AS idx, asn_candidate AS cid, 'unknown' AS ctype FROM pool
WHERE regexp_full_match(asn_candidate, '0|[1-9][0-9]*');

-- name: bad_candidates
-- Rows whose asn_candidate starts like a list but is not a list of 2-tuples of strings
-- (each distinct text tested once).
WITH bad AS (
    SELECT asn_candidate FROM (SELECT DISTINCT asn_candidate FROM pool)
    WHERE starts_with(ltrim(asn_candidate), '[')
      AND NOT regexp_full_match(replace(asn_candidate, '"', ''''), $list)
)
SELECT pool_id, lineno, pos, asn_candidate FROM pool
WHERE asn_candidate IN (SELECT asn_candidate FROM bad)
ORDER BY pos
LIMIT 5;

-- name: candidate_order
-- Candidate processing order per pool unit: types by first appearance, ids within a type
-- by first appearance (spec section 6.2.1).
CREATE OR REPLACE TABLE candidate_order AS
WITH firsts AS (
    SELECT pool_id, cid, ctype, min(pos * 100000 + idx) AS first_id,
           min(min(pos * 100000 + idx)) OVER (PARTITION BY pool_id, ctype) AS first_type
    FROM candidate_entries GROUP BY pool_id, cid, ctype
)
SELECT pool_id, cid, ctype,
       row_number() OVER (PARTITION BY pool_id ORDER BY first_type, first_id) AS seq
FROM firsts;

-- name: chosen_candidates_all
CREATE OR REPLACE TABLE chosen_candidates AS
SELECT pool_id, cid, ctype, seq FROM candidate_order;

-- name: chosen_candidates_ids
-- -i ID ...: the ids in the order given, each with the first type (in processing order)
-- that lists it; with --DMS, also the background candidates of the rows whose asn_candidate
-- text contains one of the ids (spec section 6.2.1).
CREATE OR REPLACE TABLE chosen_candidates AS
WITH wanted AS (
    SELECT unnest($ids) AS cid, unnest(range(1, len($ids) + 1)) AS ord
),
typed AS (
    SELECT pool_id, cid, arg_min(ctype, seq) AS ctype FROM candidate_order GROUP BY ALL
),
given AS (
    SELECT t.pool_id, w.cid, t.ctype, w.ord AS seq FROM wanted AS w JOIN typed AS t USING (cid)
),
rows_of_ids AS (
    SELECT DISTINCT p.pool_id, p.pos FROM pool AS p, wanted AS w
    WHERE $dms AND contains(p.asn_candidate, w.cid)
),
backgrounds AS (
    SELECT e.pool_id, e.cid, min(e.pos * 100000 + e.idx) AS first_id
    FROM candidate_entries AS e JOIN rows_of_ids USING (pool_id, pos)
    WHERE e.ctype = 'background' AND e.cid NOT IN (SELECT cid FROM wanted)
    GROUP BY ALL
)
SELECT * FROM given
UNION ALL
SELECT pool_id, cid, 'background' AS ctype,
       1000000 + row_number() OVER (PARTITION BY pool_id ORDER BY first_id) AS seq
FROM backgrounds;

-- name: runs_all
-- One run per chosen candidate of each pool unit, and one discovery run per unit
-- ($discover); runs are numbered in the reference's order: discovery first, then
-- candidates. Built once; each chunk of pool units takes its slice (runs, run_rows).
CREATE OR REPLACE TABLE runs_all AS
WITH all_runs AS (
    SELECT pool_id, 0 AS seq, 'discover' AS cand_kind, 'a3001' AS cand_id,
           'discovered' AS cand_type
    FROM (SELECT DISTINCT pool_id FROM pool) WHERE $discover
    UNION ALL
    SELECT pool_id, seq, 'candidate', cid, ctype FROM chosen_candidates WHERE $candidates
)
SELECT row_number() OVER (ORDER BY pool_id, seq)::INTEGER AS run, pool_id, seq,
       cand_kind, cand_id, cand_type
FROM all_runs;

-- name: run_rows_all
-- The rows of each run: a candidate run holds the rows of its pool unit whose raw
-- asn_candidate text contains the candidate id as a substring (QUIRK, spec section 6.2.2);
-- the discovery run holds every row of its unit. Ordered by run, so that a chunk's slice
-- reads only its own part.
CREATE OR REPLACE TABLE run_rows_all AS
SELECT r.run, p.pos
FROM runs_all AS r JOIN pool AS p ON p.pool_id = r.pool_id
WHERE r.cand_kind = 'discover' OR contains(p.asn_candidate, r.cand_id)
ORDER BY r.run, p.pos;

-- name: undefined_exptype
-- Rows of some run whose base exposure type cannot be determined (spec 7.1 step 2:
-- exp_type undefined and pntgtype not naming a non-science type). The reference stops on
-- the first such row it processes (LookupError); the first few, in pool order.
SELECT p.pool_id, d.lineno, d.pos, d.filename
FROM pool_defined AS d JOIN pool AS p ON p.pos = d.pos
WHERE d.base_exptype IS NULL AND d.pos IN (SELECT pos FROM run_rows_all)
ORDER BY d.pos
LIMIT 3;

-- name: repeated_files
-- File names on more than one row of the loaded pools. The rule queries keep one row per
-- file name and run (the reference's item identity); only rows with one of these names, or
-- none, can have a twin there (run_items.filename_repeated).
CREATE OR REPLACE TABLE repeated_files AS
SELECT filename FROM pool_defined
WHERE filename IS NOT NULL
GROUP BY filename
HAVING count(*) > 1;

-- name: runs
-- The runs of pool units $first to $last.
CREATE OR REPLACE TABLE runs AS
SELECT * FROM runs_all WHERE pool_id BETWEEN $first AND $last;

-- name: run_rows
-- The rows of runs $lo to $hi (the runs of one chunk of pool units).
CREATE OR REPLACE TABLE run_rows AS
SELECT run, pos FROM run_rows_all WHERE run BETWEEN $lo AND $hi;

-- name: run_items
-- What the rule queries read: one row per (run, row) with defined values; asn_candidate is
-- rewritten to the run's single candidate (spec section 6.2.2), unchanged in discovery.
-- A view, so that each rule's conditions on the exposure filter pool_defined first.
CREATE OR REPLACE VIEW run_items AS
SELECT rr.run, r.cand_id, r.cand_type, r.cand_kind,
       CASE WHEN r.cand_kind = 'candidate'
            THEN '[(''' || r.cand_id || ''', ''' || r.cand_type || ''')]'
            ELSE d.asn_candidate END AS asn_candidate,
       d.* EXCLUDE (asn_candidate),
       d.filename IS NULL
       OR d.filename IN (SELECT filename FROM repeated_files) AS filename_repeated
FROM run_rows AS rr
JOIN runs AS r ON r.run = rr.run
JOIN pool_defined AS d ON d.pos = rr.pos;
