-- asnsql candidates and runs (spec sections 6.2.1 - 6.2.3). Named statements; $name
-- parameters are bound by the engine.

-- name: candidate_entries
-- Every (id, type) pair of every row's asn_candidate, in row order. The value is the
-- Python-literal text of a list of 2-tuples, e.g. [('o001', 'observation')]; a plain integer
-- n stands for the candidate (n, 'unknown'), as Python's literal_eval reads it; any other
-- text (e.g. 'null') names no candidate.
CREATE OR REPLACE TEMP TABLE candidate_entries AS
WITH lists AS (
    SELECT pos, replace(asn_candidate, '"', '''') AS text FROM pool
    WHERE starts_with(ltrim(asn_candidate), '[')
),
pairs AS (
    SELECT pos,
           regexp_extract_all(text, $tuple, 1) AS ids,
           regexp_extract_all(text, $tuple, 2) AS types
    FROM lists
)
SELECT pos, unnest(range(1, len(ids) + 1)) AS idx, unnest(ids) AS cid, unnest(types) AS ctype
FROM pairs
UNION ALL
SELECT pos, 1 AS idx, asn_candidate AS cid, 'unknown' AS ctype FROM pool
WHERE regexp_full_match(asn_candidate, '0|[1-9][0-9]*');

-- name: bad_candidates
-- Rows whose asn_candidate starts like a list but is not a list of 2-tuples of strings.
SELECT lineno, pos, asn_candidate FROM pool
WHERE starts_with(ltrim(asn_candidate), '[')
  AND NOT regexp_full_match(replace(asn_candidate, '"', ''''), $list)
ORDER BY pos
LIMIT 5;

-- name: candidate_order
-- Candidate processing order: types by first appearance, ids within a type by first
-- appearance (spec section 6.2.1).
WITH firsts AS (
    SELECT cid, ctype, min(pos * 100000 + idx) AS first_id,
           min(min(pos * 100000 + idx)) OVER (PARTITION BY ctype) AS first_type
    FROM candidate_entries GROUP BY cid, ctype
)
SELECT cid, ctype FROM firsts ORDER BY first_type, first_id;

-- name: background_ids
-- With --DMS and -i: background candidates of the rows whose asn_candidate text contains one
-- of the requested ids (spec section 6.2.1), in processing order.
WITH rows_of_ids AS (
    SELECT DISTINCT pos FROM pool, (SELECT unnest($ids) AS id)
    WHERE contains(asn_candidate, id)
),
firsts AS (
    SELECT cid, min(pos * 100000 + idx) AS first_id
    FROM candidate_entries WHERE ctype = 'background' AND pos IN (SELECT pos FROM rows_of_ids)
    GROUP BY cid
)
SELECT cid FROM firsts ORDER BY first_id;

-- name: run_items
-- One row per (run, pool row), with defined values (pool_defined): a candidate run holds the
-- rows whose raw asn_candidate text contains the candidate id as a substring (QUIRK, spec
-- section 6.2.2), with asn_candidate rewritten to that single candidate; the discovery run
-- holds every row unchanged.
CREATE OR REPLACE TEMP TABLE run_items AS
SELECT r.run, r.cand_id, r.cand_type, r.cand_kind,
       '[(''' || r.cand_id || ''', ''' || r.cand_type || ''')]' AS asn_candidate,
       d.* EXCLUDE (asn_candidate)
FROM runs AS r
JOIN pool AS p ON contains(p.asn_candidate, r.cand_id)
JOIN pool_defined AS d ON d.pos = p.pos
WHERE r.cand_kind = 'candidate'
UNION ALL
SELECT r.run, r.cand_id, r.cand_type, r.cand_kind, d.asn_candidate,
       d.* EXCLUDE (asn_candidate)
FROM runs AS r CROSS JOIN pool_defined AS d
WHERE r.cand_kind = 'discover';
