WITH fv AS (
  SELECT
    fid,
    k,
    (
      COS(RADIANS(dec)) * COS(RADIANS(ra))
    ) / SQRT(
      (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) * (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) + (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) * (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) + (
        SIN(RADIANS(dec))
      ) * (
        SIN(RADIANS(dec))
      )
    ) AS vx,
    (
      COS(RADIANS(dec)) * SIN(RADIANS(ra))
    ) / SQRT(
      (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) * (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) + (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) * (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) + (
        SIN(RADIANS(dec))
      ) * (
        SIN(RADIANS(dec))
      )
    ) AS vy,
    (
      SIN(RADIANS(dec))
    ) / SQRT(
      (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) * (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) + (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) * (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) + (
        SIN(RADIANS(dec))
      ) * (
        SIN(RADIANS(dec))
      )
    ) AS vz
  FROM (
    SELECT
      fid,
      UNNEST(RANGE(0, LENGTH(ra))) AS k,
      UNNEST(ra) AS ra,
      UNNEST(dec) AS dec
    FROM roman_footprints
    WHERE
      LENGTH(ra) > 0
  ) AS v
), fm AS (
  SELECT
    fid,
    n,
    mx / SQRT(mx * mx + my * my + mz * mz) AS cx,
    my / SQRT(mx * mx + my * my + mz * mz) AS cy,
    mz / SQRT(mx * mx + my * my + mz * mz) AS cz,
    CASE WHEN n % 2 = 0 OR (
      n // 2
    ) % 2 = 0 THEN n // 2 ELSE n // 2 + 1 END AS half
  FROM (
    SELECT
      fid,
      COUNT(*) AS n,
      AVG(vx) AS mx,
      AVG(vy) AS my,
      AVG(vz) AS mz
    FROM fv
    GROUP BY
      fid
  ) AS s
), fl AS (
  SELECT
    a.fid,
    MAX(ACOS(GREATEST(-1.0, LEAST(1.0, a.vx * b.vx + a.vy * b.vy + a.vz * b.vz)))) AS len
  FROM fv AS a
  JOIN fm AS m
    ON m.fid = a.fid
  JOIN fv AS b
    ON b.fid = a.fid AND b.k = a.k + m.half
  WHERE
    a.k < m.n - m.half - 1
  GROUP BY
    a.fid
), f AS (
  SELECT
    *,
    CAST(FLOOR((
      cx - r_region
    ) / 0.05) AS BIGINT) AS ix0,
    CAST(FLOOR((
      cx + r_region
    ) / 0.05) AS BIGINT) AS ix1,
    CAST(FLOOR((
      cy - r_region
    ) / 0.05) AS BIGINT) AS iy0,
    CAST(FLOOR((
      cy + r_region
    ) / 0.05) AS BIGINT) AS iy1,
    CAST(FLOOR((
      cz - r_region
    ) / 0.05) AS BIGINT) AS iz0,
    CAST(FLOOR((
      cz + r_region
    ) / 0.05) AS BIGINT) AS iz1
  FROM (
    SELECT
      m.fid,
      m.cx,
      m.cy,
      m.cz,
      (
        COALESCE(l.len, 0.0) + 0.08174916691321586
      ) / 2.0 * 1.1 AS r_region,
      (
        COALESCE(l.len, 0.0) + 0.107984
      ) / 2.0 * 1.1 AS r_cell
    FROM fm AS m
    LEFT JOIN fl AS l
      ON l.fid = m.fid
  ) AS s
), rb AS (
  SELECT
    index AS region,
    x_tangent,
    y_tangent,
    grid_x0,
    grid_y0,
    grid_cols,
    grid_rows,
    gate_ra AS gate_ra,
    gate_dec AS gate_dec,
    RADIANS(orientat) AS o,
    COS(RADIANS(dec_tangent)) * COS(RADIANS(ra_tangent)) AS tx,
    COS(RADIANS(dec_tangent)) * SIN(RADIANS(ra_tangent)) AS ty,
    SIN(RADIANS(dec_tangent)) AS tz,
    -SIN(RADIANS(ra_tangent)) AS ex,
    COS(RADIANS(ra_tangent)) AS ey,
    0.0 AS ez,
    -SIN(RADIANS(dec_tangent)) * COS(RADIANS(ra_tangent)) AS nx_,
    -SIN(RADIANS(dec_tangent)) * SIN(RADIANS(ra_tangent)) AS ny_,
    COS(RADIANS(dec_tangent)) AS nz_
  FROM roman_regions
), rk AS (
  SELECT
    *,
    tx / SQRT(tx * tx + ty * ty + tz * tz) AS kx,
    ty / SQRT(tx * tx + ty * ty + tz * tz) AS ky,
    tz / SQRT(tx * tx + ty * ty + tz * tz) AS kz
  FROM rb
), r AS (
  SELECT
    *,
    (
      COS(o) * ex - SIN(o) * nx_
    ) / $scale AS xx,
    (
      COS(o) * ey - SIN(o) * ny_
    ) / $scale AS xy,
    (
      COS(o) * ez - SIN(o) * nz_
    ) / $scale AS xz,
    (
      SIN(o) * ex + COS(o) * nx_
    ) / $scale AS yx,
    (
      SIN(o) * ey + COS(o) * ny_
    ) / $scale AS yy,
    (
      SIN(o) * ez + COS(o) * nz_
    ) / $scale AS yz,
    CAST(FLOOR(kx / 0.05) AS BIGINT) AS ix,
    CAST(FLOOR(ky / 0.05) AS BIGINT) AS iy,
    CAST(FLOOR(kz / 0.05) AS BIGINT) AS iz
  FROM rk
), pr AS (
  /* the cubes make it an equi-join */
  SELECT
    q.fid,
    r.region
  FROM (
    SELECT
      fid,
      cx,
      cy,
      cz,
      r_region,
      ix,
      iy,
      UNNEST(RANGE(iz0, iz1 + 1)) AS iz
    FROM (
      SELECT
        fid,
        cx,
        cy,
        cz,
        r_region,
        iz0,
        iz1,
        ix,
        UNNEST(RANGE(iy0, iy1 + 1)) AS iy
      FROM (
        SELECT
          fid,
          cx,
          cy,
          cz,
          r_region,
          iy0,
          iy1,
          iz0,
          iz1,
          UNNEST(RANGE(ix0, ix1 + 1)) AS ix
        FROM f
      ) AS qx
    ) AS qy
  ) AS q
  JOIN r
    ON r.ix = q.ix AND r.iy = q.iy AND r.iz = q.iz
  WHERE
    SQRT(
      (
        q.cx - r.kx
      ) * (
        q.cx - r.kx
      ) + (
        q.cy - r.ky
      ) * (
        q.cy - r.ky
      ) + (
        q.cz - r.kz
      ) * (
        q.cz - r.kz
      )
    ) <= q.r_region
), pv AS (
  SELECT
    p.fid,
    p.region,
    v.k,
    r.x_tangent + (
      v.vx * r.xx + v.vy * r.xy + v.vz * r.xz
    ) / (
      v.vx * r.tx + v.vy * r.ty + v.vz * r.tz
    ) AS x,
    r.y_tangent + (
      v.vx * r.yx + v.vy * r.yy + v.vz * r.yz
    ) / (
      v.vx * r.tx + v.vy * r.ty + v.vz * r.tz
    ) AS y
  FROM pr AS p
  JOIN fv AS v
    ON v.fid = p.fid
  JOIN r
    ON r.region = p.region
), pe AS (
  SELECT
    a.fid,
    a.region,
    a.k,
    a.x AS x1,
    a.y AS y1,
    b.x AS x2,
    b.y AS y2
  FROM pv AS a
  JOIN fm AS m
    ON m.fid = a.fid
  JOIN pv AS b
    ON b.fid = a.fid AND b.region = a.region AND b.k = (
      a.k + 1
    ) % m.n
), pb AS (
  SELECT
    fid,
    region,
    MIN(x) AS xmin,
    MAX(x) AS xmax,
    MIN(y) AS ymin,
    MAX(y) AS ymax
  FROM pv
  GROUP BY
    fid,
    region
), gv AS (
  SELECT
    g.region,
    g.k,
    r.x_tangent + (
      g.vx * r.xx + g.vy * r.xy + g.vz * r.xz
    ) / (
      g.vx * r.tx + g.vy * r.ty + g.vz * r.tz
    ) AS x,
    r.y_tangent + (
      g.vx * r.yx + g.vy * r.yy + g.vz * r.yz
    ) / (
      g.vx * r.tx + g.vy * r.ty + g.vz * r.tz
    ) AS y
  FROM (
    SELECT
      region,
      k,
      (
        COS(RADIANS(dec)) * COS(RADIANS(ra))
      ) / SQRT(
        (
          COS(RADIANS(dec)) * COS(RADIANS(ra))
        ) * (
          COS(RADIANS(dec)) * COS(RADIANS(ra))
        ) + (
          COS(RADIANS(dec)) * SIN(RADIANS(ra))
        ) * (
          COS(RADIANS(dec)) * SIN(RADIANS(ra))
        ) + (
          SIN(RADIANS(dec))
        ) * (
          SIN(RADIANS(dec))
        )
      ) AS vx,
      (
        COS(RADIANS(dec)) * SIN(RADIANS(ra))
      ) / SQRT(
        (
          COS(RADIANS(dec)) * COS(RADIANS(ra))
        ) * (
          COS(RADIANS(dec)) * COS(RADIANS(ra))
        ) + (
          COS(RADIANS(dec)) * SIN(RADIANS(ra))
        ) * (
          COS(RADIANS(dec)) * SIN(RADIANS(ra))
        ) + (
          SIN(RADIANS(dec))
        ) * (
          SIN(RADIANS(dec))
        )
      ) AS vy,
      (
        SIN(RADIANS(dec))
      ) / SQRT(
        (
          COS(RADIANS(dec)) * COS(RADIANS(ra))
        ) * (
          COS(RADIANS(dec)) * COS(RADIANS(ra))
        ) + (
          COS(RADIANS(dec)) * SIN(RADIANS(ra))
        ) * (
          COS(RADIANS(dec)) * SIN(RADIANS(ra))
        ) + (
          SIN(RADIANS(dec))
        ) * (
          SIN(RADIANS(dec))
        )
      ) AS vz
    FROM (
      SELECT
        region,
        UNNEST(RANGE(0, LENGTH(gate_ra))) AS k,
        UNNEST(gate_ra) AS ra,
        UNNEST(gate_dec) AS dec
      FROM r
      WHERE
        region IN (
          SELECT
            region
          FROM pr
        )
    ) AS u
  ) AS g
  JOIN r
    ON r.region = g.region
), ge AS (
  SELECT
    a.region,
    a.k,
    a.x AS x1,
    a.y AS y1,
    b.x AS x2,
    b.y AS y2
  FROM gv AS a
  JOIN gv AS b
    ON b.region = a.region AND b.k = a.k + 1
), pc AS (
  SELECT
    p.fid,
    p.region
  FROM pb AS p
  JOIN (
    SELECT
      region,
      MIN(x) AS xmin,
      MAX(x) AS xmax,
      MIN(y) AS ymin,
      MAX(y) AS ymax
    FROM gv
    GROUP BY
      region
  ) AS g
    ON g.region = p.region
  WHERE
    p.xmax > g.xmin AND p.xmin < g.xmax AND p.ymax > g.ymin AND p.ymin < g.ymax
), v0 AS (
  SELECT
    e.fid,
    e.region
  FROM pv AS e
  JOIN pc
    ON pc.fid = e.fid AND pc.region = e.region
  JOIN ge AS g
    ON g.region = e.region
  WHERE
    e.k = 0
  GROUP BY
    e.fid,
    e.region
  HAVING
    SUM(
      CAST((
        g.y1 > e.y
      ) <> (
        g.y2 > e.y
      )
      AND (
        (
          (
            g.x2 - g.x1
          ) * (
            e.y - g.y1
          ) - (
            g.y2 - g.y1
          ) * (
            e.x - g.x1
          )
        )
      ) * (
        g.y2 - g.y1
      ) > 0 AS INT)
    ) % 2 = 1
), eg AS (
  SELECT
    e.fid,
    e.region,
    e.k AS fk,
    g.k AS gk,
    (
      (
        (
          e.x2 - e.x1
        ) * (
          g.y1 - e.y1
        ) - (
          e.y2 - e.y1
        ) * (
          g.x1 - e.x1
        )
      )
    ) * (
      (
        (
          e.x2 - e.x1
        ) * (
          g.y2 - e.y1
        ) - (
          e.y2 - e.y1
        ) * (
          g.x2 - e.x1
        )
      )
    ) < 0
    AND (
      (
        (
          g.x2 - g.x1
        ) * (
          e.y1 - g.y1
        ) - (
          g.y2 - g.y1
        ) * (
          e.x1 - g.x1
        )
      )
    ) * (
      (
        (
          g.x2 - g.x1
        ) * (
          e.y2 - g.y1
        ) - (
          g.y2 - g.y1
        ) * (
          e.x2 - g.x1
        )
      )
    ) < 0 AS crosses,
    (
      e.y1 > g.y1
    ) <> (
      e.y2 > g.y1
    )
    AND (
      (
        (
          e.x2 - e.x1
        ) * (
          g.y1 - e.y1
        ) - (
          e.y2 - e.y1
        ) * (
          g.x1 - e.x1
        )
      )
    ) * (
      e.y2 - e.y1
    ) > 0 AS gate_ray,
    (
      g.y1 > e.y1
    ) <> (
      g.y2 > e.y1
    )
    AND (
      (
        (
          g.x2 - g.x1
        ) * (
          e.y1 - g.y1
        ) - (
          g.y2 - g.y1
        ) * (
          e.x1 - g.x1
        )
      )
    ) * (
      g.y2 - g.y1
    ) > 0 AS foot_ray
  FROM pe AS e
  JOIN (
    SELECT
      fid,
      region
    FROM pc
    EXCEPT
    SELECT
      fid,
      region
    FROM v0
  ) AS p
    ON p.fid = e.fid AND p.region = e.region
  JOIN ge AS g
    ON g.region = e.region
), gated AS (
  SELECT
    fid,
    region
  FROM v0
  UNION
  SELECT
    fid,
    region
  FROM eg
  GROUP BY
    fid,
    region
  HAVING
    BOOL_OR(CAST(crosses AS BOOLEAN))
  UNION
  SELECT
    fid,
    region
  FROM eg
  GROUP BY
    fid,
    region,
    gk
  HAVING
    SUM(CAST(gate_ray AS INT)) % 2 = 1
  UNION
  SELECT
    fid,
    region
  FROM eg
  GROUP BY
    fid,
    region,
    fk
  HAVING
    SUM(CAST(foot_ray AS INT)) % 2 = 1
), cb AS (
  SELECT
    b.fid,
    b.region,
    r.grid_x0,
    r.grid_y0,
    GREATEST(0, CAST(FLOOR((
      b.xmin - r.grid_x0 - $nxy + 0.5
    ) / $step) AS BIGINT)) AS c0,
    LEAST(r.grid_cols - 1, CAST(FLOOR((
      b.xmax - r.grid_x0 + 0.5
    ) / $step) AS BIGINT)) AS c1,
    GREATEST(0, CAST(FLOOR((
      b.ymin - r.grid_y0 - $nxy + 0.5
    ) / $step) AS BIGINT)) AS r0,
    LEAST(r.grid_rows - 1, CAST(FLOOR((
      b.ymax - r.grid_y0 + 0.5
    ) / $step) AS BIGINT)) AS r1
  FROM pb AS b
  JOIN gated AS g
    ON g.fid = b.fid AND g.region = b.region
  JOIN r
    ON r.region = b.region
), c AS (
  SELECT
    g.fid,
    g.region,
    u.index_first + g.grid_col - u.col_first AS skycell_index,
    g.grid_x0 + g.grid_col * $step - 0.5 AS x0,
    g.grid_y0 + g.grid_row * $step - 0.5 AS y0,
    g.grid_x0 + g.grid_col * $step - 0.5 + $nxy / 2.0 AS xm,
    g.grid_y0 + g.grid_row * $step - 0.5 + $nxy / 2.0 AS ym
  FROM (
    SELECT
      fid,
      region,
      grid_x0,
      grid_y0,
      grid_col,
      UNNEST(RANGE(r0, r1 + 1)) AS grid_row
    FROM (
      SELECT
        fid,
        region,
        grid_x0,
        grid_y0,
        r0,
        r1,
        UNNEST(RANGE(c0, c1 + 1)) AS grid_col
      FROM cb
    ) AS cc
  ) AS g
  JOIN roman_runs AS u
    ON u.region = g.region
    AND u.grid_row = g.grid_row
    AND g.grid_col BETWEEN u.col_first AND u.col_last
), ce AS (
  SELECT
    c.fid,
    c.skycell_index,
    GREATEST(e.x1, e.x2) > c.x0
    AND LEAST(e.x1, e.x2) < c.x0 + $nxy
    AND GREATEST(e.y1, e.y2) > c.y0
    AND LEAST(e.y1, e.y2) < c.y0 + $nxy AS near,
    (
      e.x2 - e.x1
    ) * (
      c.y0 - e.y1
    ) - (
      e.y2 - e.y1
    ) * (
      c.x0 - e.x1
    ) AS o00,
    (
      e.x2 - e.x1
    ) * (
      c.y0 - e.y1
    ) - (
      e.y2 - e.y1
    ) * (
      c.x0 + $nxy - e.x1
    ) AS o10,
    (
      e.x2 - e.x1
    ) * (
      c.y0 + $nxy - e.y1
    ) - (
      e.y2 - e.y1
    ) * (
      c.x0 + $nxy - e.x1
    ) AS o11,
    (
      e.x2 - e.x1
    ) * (
      c.y0 + $nxy - e.y1
    ) - (
      e.y2 - e.y1
    ) * (
      c.x0 - e.x1
    ) AS o01,
    (
      e.y1 > c.ym
    ) <> (
      e.y2 > c.ym
    )
    AND (
      (
        e.x2 - e.x1
      ) * (
        c.ym - e.y1
      ) - (
        e.y2 - e.y1
      ) * (
        c.xm - e.x1
      )
    ) * (
      e.y2 - e.y1
    ) > 0 AS ray
  FROM c
  JOIN pe AS e
    ON e.fid = c.fid AND e.region = c.region
), hit AS (
  SELECT
    fid,
    skycell_index
  FROM ce
  GROUP BY
    fid,
    skycell_index
  HAVING
    BOOL_OR(
      CAST(near
      AND NOT (
        (
          o00 >= 0 AND o10 >= 0 AND o11 >= 0 AND o01 >= 0
        )
        OR (
          o00 <= 0 AND o10 <= 0 AND o11 <= 0 AND o01 <= 0
        )
      ) AS BOOLEAN)
    )
    OR SUM(CAST(ray AS INT)) % 2 = 1
)
SELECT
  fid,
  skycell_index,
  skycell_name
FROM (
  SELECT
    h.fid,
    f.cx,
    f.cy,
    f.cz,
    f.r_cell,
    s.index AS skycell_index,
    s.name AS skycell_name,
    s.ra_center,
    s.dec_center
  FROM hit AS h
  JOIN roman_skycells AS s
    ON s.index = h.skycell_index
  JOIN f
    ON f.fid = h.fid
) AS m, (
  SELECT
    (
      COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
    ) / SQRT(
      (
        COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
      ) * (
        COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
      ) + (
        COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
      ) * (
        COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
      ) + (
        SIN(RADIANS(m.dec_center))
      ) * (
        SIN(RADIANS(m.dec_center))
      )
    ) AS vx,
    (
      COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
    ) / SQRT(
      (
        COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
      ) * (
        COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
      ) + (
        COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
      ) * (
        COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
      ) + (
        SIN(RADIANS(m.dec_center))
      ) * (
        SIN(RADIANS(m.dec_center))
      )
    ) AS vy,
    (
      SIN(RADIANS(m.dec_center))
    ) / SQRT(
      (
        COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
      ) * (
        COS(RADIANS(m.dec_center)) * COS(RADIANS(m.ra_center))
      ) + (
        COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
      ) * (
        COS(RADIANS(m.dec_center)) * SIN(RADIANS(m.ra_center))
      ) + (
        SIN(RADIANS(m.dec_center))
      ) * (
        SIN(RADIANS(m.dec_center))
      )
    ) AS vz
) AS sc
WHERE
  SQRT(
    (
      cx - sc.vx
    ) * (
      cx - sc.vx
    ) + (
      cy - sc.vy
    ) * (
      cy - sc.vy
    ) + (
      cz - sc.vz
    ) * (
      cz - sc.vz
    )
  ) <= r_cell
ORDER BY
  fid,
  skycell_index
