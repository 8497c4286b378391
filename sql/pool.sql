-- asnsql pool loading and normalisation (spec section 1). Statements are named with
-- "-- name: ..." lines; asnsql.resources.sql_statements() splits this file on them.
-- $name parameters are bound by the engine; pool content never becomes SQL text.
--
-- Any number of pools load together ("sources"): a batch of files, or one archive pool.
-- Rows keep their values as one list per row (`fields`), with the header per source, so
-- pools with different columns share the tables.

-- name: macros
-- §1.1 Every value is a stripped, lower-cased string; an empty field reads as 'null'.
CREATE OR REPLACE MACRO asn_normalise(v) AS
    CASE WHEN v IS NULL OR trim(v) = '' THEN 'null' ELSE lower(trim(v)) END;
-- A field in double quotes loses them ("" inside stands for one quote).
CREATE OR REPLACE MACRO asn_unquote(v) AS
    CASE WHEN starts_with(trim(v), '"') AND ends_with(trim(v), '"') AND length(trim(v)) >= 2
         THEN replace(trim(v)[2:-2], '""', '"') ELSE v END;

-- name: create_lines
CREATE OR REPLACE TABLE pool_lines (src INTEGER, lineno BIGINT, fields VARCHAR[]);

-- name: text_lines
-- A text pool as numbered lines: comment lines (first non-blank character '#') and blank
-- lines dropped, each line split on the delimiter outside double quotes and normalised
-- (spec section 1.1: stripped, lower-cased, 'null' for an empty field). The file is read
-- as one column of lines, in order; DuckDB's CSV parsing is not used, because its comment
-- option also cuts lines at a '#' inside a value (e.g. '#TODO'). Stripping and unquoting
-- run only on the lines that need them.
INSERT INTO pool_lines
WITH numbered AS (
    SELECT row_number() OVER () AS lineno, line
    FROM read_csv($path, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '',
                  escape = '', header = false, auto_detect = false)
),
kept AS (
    SELECT lineno, lower(replace(line, chr(13), '')) AS line FROM numbered
    WHERE NOT starts_with(ltrim(line), '#') AND trim(line) <> ''
)
SELECT $src, lineno,
       CASE
           WHEN contains(line, '"')              -- quoted fields: split outside quotes
               THEN list_transform(regexp_extract_all(line || $delim, $field_pattern, 1),
                                   v -> coalesce(nullif(trim(asn_unquote(v)), ''), 'null'))
           WHEN contains(line, ' ' || $delim) OR contains(line, $delim || ' ')
                OR contains(line, chr(9) || $delim) OR contains(line, $delim || chr(9))
                OR starts_with(line, ' ') OR ends_with(line, ' ')
                OR starts_with(line, chr(9)) OR ends_with(line, chr(9))
               THEN list_transform(string_split(line, $delim),      -- blanks to strip
                                   v -> coalesce(nullif(trim(v), ''), 'null'))
           ELSE list_transform(string_split(line, $delim),
                               v -> CASE WHEN v = '' THEN 'null' ELSE v END)
       END
FROM kept;

-- name: headers
-- The first line of each source is its header.
SELECT src, lineno, fields FROM pool_lines
QUALIFY row_number() OVER (PARTITION BY src ORDER BY lineno) = 1
ORDER BY src;

-- name: ragged
-- Rows whose number of fields differs from the header's.
SELECT l.src, l.lineno, len(l.fields) AS n, len(f.header) AS expected
FROM pool_lines AS l JOIN pool_sources AS f USING (src)
WHERE l.lineno > f.header_line AND len(l.fields) <> len(f.header)
ORDER BY l.src, l.lineno
LIMIT 3;

-- name: pool_rows
-- One row per exposure with a global row number `pos` (processing order) and its
-- normalised values; the staging lines are dropped.
CREATE OR REPLACE TABLE pool_rows AS
SELECT l.src, l.lineno, row_number() OVER (ORDER BY l.src, l.lineno) - 1 AS pos, l.fields
FROM pool_lines AS l JOIN pool_sources AS f USING (src)
WHERE l.lineno > f.header_line;
DROP TABLE pool_lines;
