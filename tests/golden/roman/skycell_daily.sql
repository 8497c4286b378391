WITH exposures AS (
  SELECT
    row,
    path,
    LOWER(COALESCE(filter, 'unknown')) AS filter,
    visit_id
  FROM roman_files
), keyed AS (
  SELECT
    *,
    SUBSTRING(visit_id, 1, 5) AS program,
    SUBSTRING(visit_id, 6, 2) AS execution,
    SUBSTRING(visit_id, 8, 3) AS pass,
    SUBSTRING(visit_id, 11, 3) AS segment,
    SUBSTRING(visit_id, 14, 3) AS observation,
    SUBSTRING(visit_id, 17, 3) AS visit
  FROM exposures
), grouped AS (
  /* a group is named by the input position of its first file (its first appearance) */
  SELECT
    *,
    MIN(row) OVER (PARTITION BY program) AS group_row
  FROM keyed
), "overlaps" AS (
  SELECT DISTINCT
    row,
    skycell_index,
    skycell_name
  FROM roman_matches
), firsts AS (
  /* one association per group, skycell and filter; members in input order */
  SELECT
    g.group_row,
    o.skycell_index,
    ANY_VALUE(o.skycell_name) AS skycell,
    g.filter,
    MIN(g.row) AS first_row,
    ARG_MIN(g.program, g.row) AS first_program,
    ARG_MIN(g.execution, g.row) AS first_execution,
    ARG_MIN(g.pass, g.row) AS first_pass,
    ARG_MIN(g.segment, g.row) AS first_segment,
    ARG_MIN(g.observation, g.row) AS first_observation,
    ARG_MIN(g.visit, g.row) AS first_visit,
    ARRAY_AGG(g.path ORDER BY g.row) AS members
  FROM grouped AS g
  JOIN "overlaps" AS o
    ON o.row = g.row
  GROUP BY
    g.group_row,
    o.skycell_index,
    g.filter
)
SELECT
  'r00001' || '_' || 'p' || '_' || 'd' || first_execution || first_pass || first_segment || '_' || skycell || '_' || filter AS name,
  first_program AS program,
  skycell,
  skycell_index,
  filter,
  members
FROM firsts
ORDER BY
  group_row,
  skycell_index,
  first_row
