SELECT
  w.pos,
  s.name,
  $pixel_scale AS pixel_scale,
  r.ra_tangent AS ra_projection_center,
  r.dec_tangent AS dec_projection_center,
  s.x_tangent AS x0_projection,
  s.y_tangent AS y0_projection,
  s.ra_center,
  s.dec_center,
  $nxy AS nx,
  $nxy AS ny,
  CAST(s.orientat AS DOUBLE) AS orientat,
  CAST(r.orientat AS DOUBLE) AS orientat_projection_center
FROM (
  SELECT
    UNNEST($indices) AS idx,
    UNNEST(RANGE(0, LENGTH($indices))) AS pos
) AS w
LEFT JOIN roman_skycells AS s
  ON s.index = w.idx
LEFT JOIN roman_regions AS r
  ON r.index = s.region
ORDER BY
  w.pos
