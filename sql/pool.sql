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

-- A field of a stored line as read: an empty field reads 'null' (§1.1).
CREATE OR REPLACE MACRO asn_as_read(v) AS CASE WHEN v = '' THEN 'null' ELSE v END;
-- Split a stored line (see text_lines) into its normalised fields; rows stored already
-- split (quoted or padded fields, table sources) keep their list.
CREATE OR REPLACE MACRO asn_fields(line, fields, delim) AS
    CASE WHEN fields IS NOT NULL THEN fields
         ELSE list_transform(string_split(line, delim), v -> asn_as_read(v))
    END;

-- name: create_lines
-- Every kept line of every source: the header (pos NULL) and the rows (pos: global row
-- number, the processing order). A row is kept as its lower-cased text (`line`) when
-- splitting it on the delimiter gives its values, else as its normalised values (`fields`).
CREATE OR REPLACE TABLE pool_lines (src INTEGER, lineno BIGINT, pos BIGINT, line VARCHAR,
                                    fields VARCHAR[]);

-- name: text_lines
-- A text pool as numbered lines: comment lines (first non-blank character '#') and blank
-- lines dropped; the first line left is the header. The file is read as one column of
-- lines, in order; DuckDB's CSV parsing is not used, because its comment option also cuts
-- lines at a '#' inside a value (e.g. '#TODO'). (The "delimiter" NUL never splits text; a
-- line holding one is reported.) Lines with quoted fields are split outside
-- the quotes and lines with blanks around values are stripped here (spec section 1.1);
-- the others stay text and are split when read (asn_fields), which keeps large pools small.
-- First every line is lower-cased and classified, in parallel, into pool_text (kept in
-- file order: its rowid is the line number less one); then pool_lines numbers the rows.
CREATE OR REPLACE TEMP TABLE pool_text AS
WITH lowered AS (
    SELECT lower(CASE WHEN contains(line, chr(13)) THEN replace(line, chr(13), '')
                      ELSE line END) AS line,
           -- (a line not starting with a blank is blank only when empty, and a comment
           -- when it starts with '#': the trims run on the few lines that start with one)
           CASE WHEN starts_with(line, ' ')
                THEN NOT starts_with(ltrim(line), '#') AND trim(line) <> ''
                ELSE line <> '' AND NOT starts_with(line, '#') END AS kept
    FROM read_csv($path, columns = {'line': 'VARCHAR'}, delim = chr(0), quote = '',
                  escape = '', header = false, auto_detect = false)
)
SELECT line, kept,
       kept AND contains(line, '"') AS quoted,
       kept AND (contains(line, ' ' || $delim) OR contains(line, $delim || ' ')
                 OR contains(line, chr(9) || $delim) OR contains(line, $delim || chr(9))
                 OR starts_with(line, ' ') OR ends_with(line, ' ')
                 OR starts_with(line, chr(9)) OR ends_with(line, chr(9))) AS padded
FROM lowered;

-- name: text_rows
-- The kept lines of pool_text numbered: the header (pos NULL), then the rows.
INSERT INTO pool_lines
WITH ranked AS (
    -- (numbered as they come: the scan keeps the file's order)
    SELECT row_number() OVER () AS k, rowid + 1 AS lineno, line, quoted, padded
    FROM pool_text
    WHERE kept
)
SELECT $src, lineno,
       CASE WHEN k > 1 THEN $offset + k - 2 END,
       CASE WHEN k > 1 AND NOT quoted AND NOT padded THEN line END,
       CASE
           WHEN quoted                           -- quoted fields: split outside quotes
               THEN list_transform(regexp_extract_all(line || $delim, $field_pattern, 1),
                                   v -> coalesce(nullif(trim(asn_unquote(v)), ''), 'null'))
           WHEN padded                           -- blanks to strip
               THEN list_transform(string_split(line, $delim),
                                   v -> coalesce(nullif(trim(v), ''), 'null'))
           WHEN k = 1 THEN asn_fields(line, NULL, $delim)
       END
FROM ranked;

-- name: table_rows
-- The rows of an in-memory table, registered as pool_arrow (lineno, pos, and fields: the
-- row's values as a list), normalised as text pools are (§1.1): stripped, lower-cased,
-- 'null' for empty cells.
INSERT INTO pool_lines
SELECT $src, lineno, pos, NULL,
       list_transform(fields, v -> coalesce(nullif(trim(lower(v)), ''), 'null'))
FROM pool_arrow;

-- name: source_rows
-- Number of rows (header excluded) a source has.
SELECT count(pos) FROM pool_lines WHERE src = $src;

-- name: headers
-- The first line of each source is its header.
SELECT src, lineno, fields FROM pool_lines WHERE pos IS NULL ORDER BY src;

-- name: ragged
-- Rows whose number of fields differs from the header's (counted when pool_defined was
-- made, which splits every row once).
SELECT d.src, d.lineno, d.n_fields AS n, len(f.header) AS expected
FROM pool_defined AS d JOIN pool_sources AS f USING (src)
WHERE d.n_fields <> len(f.header)
ORDER BY d.src, d.lineno
LIMIT 3;

-- name: pool_rows
-- One row per exposure: its source, line number, global row number `pos` and normalised
-- values `fields` (a view: lines are split when read).
CREATE OR REPLACE VIEW pool_rows AS
SELECT l.src, l.lineno, l.pos, asn_fields(l.line, l.fields, f.delim) AS fields
FROM pool_lines AS l JOIN pool_sources AS f USING (src)
WHERE l.pos IS NOT NULL;
