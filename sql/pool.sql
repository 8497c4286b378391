-- asnsql pool loading and normalisation (spec section 1). Statements are named with
-- "-- name: ..." lines; asnsql.resources.sql_statements() splits this file on them.
-- $1-style parameters are bound by the engine; pool content never becomes SQL text.

-- name: macros
-- §1.1 Every value is a stripped, lower-cased string; an empty field reads as 'null'.
CREATE OR REPLACE MACRO asn_normalise(v) AS
    CASE WHEN v IS NULL OR trim(v) = '' THEN 'null' ELSE lower(trim(v)) END;
-- A field in double quotes loses them ("" inside stands for one quote).
CREATE OR REPLACE MACRO asn_unquote(v) AS
    CASE WHEN regexp_matches(trim(v), '^".*"$') AND length(trim(v)) >= 2
         THEN replace(trim(v)[2:-2], '""', '"') ELSE v END;

-- name: pool_lines
-- The pool file as numbered lines: comment lines (first non-blank character '#') and blank
-- lines dropped, each line split on the delimiter outside double quotes. DuckDB's own CSV
-- comment option also cuts lines at a '#' inside a value (e.g. '#TODO'), so the split is
-- done here.
CREATE OR REPLACE TEMP TABLE pool_lines AS
WITH src AS (
    SELECT string_split(replace(content, chr(13), ''), chr(10)) AS lines
    FROM read_text($path)
),
numbered AS (
    SELECT unnest(lines) AS line, unnest(range(1, len(lines) + 1)) AS lineno FROM src
)
SELECT
    lineno,
    regexp_extract_all(line || $delim, $field_pattern, 1) AS fields
FROM numbered
WHERE NOT regexp_matches(line, '^\s*#') AND trim(line) <> ''
ORDER BY lineno;
