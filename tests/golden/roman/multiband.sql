WITH coadds AS (
  SELECT
    row,
    path,
    REGEXP_EXTRACT(
      path,
      '^(?P<prefix>.*_)(?P<skycell>[0-9]+[pm][0-9]*x[0-9]*y[0-9]*)_(?P<filter>f[0-9]+)_coadd\.asdf$',
      1
    ) AS prefix,
    REGEXP_EXTRACT(
      path,
      '^(?P<prefix>.*_)(?P<skycell>[0-9]+[pm][0-9]*x[0-9]*y[0-9]*)_(?P<filter>f[0-9]+)_coadd\.asdf$',
      2
    ) AS skycell
  FROM roman_files
  WHERE
    REGEXP_MATCHES(
      path,
      '^(?P<prefix>.*_)(?P<skycell>[0-9]+[pm][0-9]*x[0-9]*y[0-9]*)_(?P<filter>f[0-9]+)_coadd\.asdf$'
    )
), groups AS (
  /* skycells in order of first appearance, then their prefixes likewise */
  SELECT
    skycell,
    prefix,
    MIN(row) AS first_row,
    MIN(MIN(row)) OVER (PARTITION BY skycell) AS skycell_row
  FROM coadds
  GROUP BY
    skycell,
    prefix
)
SELECT
  g.prefix || g.skycell AS name,
  SPLIT_PART(g.prefix, '_', 2) AS release,
  ARRAY_AGG(n.path ORDER BY n.row) AS members
FROM groups AS g
JOIN coadds AS n
  ON n.skycell = g.skycell AND STARTS_WITH(n.path, g.prefix || g.skycell)
GROUP BY
  g.skycell,
  g.prefix,
  g.first_row,
  g.skycell_row
ORDER BY
  g.skycell_row,
  g.first_row
