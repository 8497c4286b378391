"""Which skycells each footprint overlaps: romancal's ``find_skycell_matches`` as one
DuckDB query.

The query reads four relations: ``roman_footprints`` (``fid BIGINT, ra DOUBLE[], dec
DOUBLE[]``), ``roman_regions``, ``roman_runs`` and ``roman_skycells`` (the cached skymap
tables, :mod:`.skymap`), and three bound parameters of the skymap: ``$nxy`` (pixels per skycell
side), ``$step`` (grid step) and ``$scale`` (radians per pixel). :func:`overlap_sql` prints
it; :func:`match_skycells` runs it.

How romancal 1.1.0 decides, and how the query does the same as a join:

1. *Footprint.* The vertices as given (romancal samples 16 plus the closing one) become unit
   vectors; the centre is their normalised mean; the "length" is the largest arc between
   vertex ``i`` and ``i + round(n / 2)`` for ``i < n - round(n / 2) - 1``, in radians.
2. *Region k-d gate.* A region is considered when its tangent point lies within the chord
   distance ``(length + 0.0817...) / 2 * 1.1`` of the centre (romancal's constant is the
   longest region diagonal of the CRDS map, in radians). The query buckets the tangent
   points into cubes of side :data:`KD_CELL` in unit-vector space and joins each footprint
   to the cubes its ball meets (an equi-join), then applies the distance test exactly.
3. *Region polygon gate.* The footprint must intersect romancal's polygon of the region: the
   four RA/Dec corners joined by great circles (so a footprint inside the RA/Dec box but
   outside the great-circle polygon matches nothing there), or for a polar cap a 15-vertex
   cone (:func:`.skymap._gate_polygons`). Only pairs whose pixel bounding boxes overlap are
   tested; a pair whose first footprint vertex lies inside the polygon passes at once.
4. *Skycells.* Each skycell of a gated region whose polygon intersects the footprint, and
   whose centre lies within ``(length + 0.107984) / 2 * 1.1`` (chord) of the footprint's
   centre (romancal's local k-d tree; never binding for detector-sized footprints).

Every polygon edge is a great-circle arc, and the gnomonic projection about a region's
tangent point maps great circles to straight lines: in the region's pixel frame the
footprint and the gate polygon are plane polygons and a skycell is the axis-aligned square
``[x - 0.5, x + nxy - 0.5] x [y - 0.5, y + nxy - 0.5]`` of its grid cell, so "intersects on the
sphere" becomes "intersects in the plane", tested exactly:

* polygon against polygon (the gate): an edge of one properly crosses an edge of the other,
  or a vertex of one lies inside the other (ray casting) -- spherical_geometry's
  ``intersects_poly`` steps, in the plane;
* polygon against square (the skycells): an edge passes through the square's interior (its
  bounding box overlaps the square and the square's corners are not all on one side of the
  edge's line), or the square's centre lies inside the polygon.

Touching boundaries do not count (spherical_geometry's crossing tests are strict). The
candidate squares of a gated pair come from arithmetic on the footprint's pixel bounding box
(columns ``floor((xmin - x0 - nxy + 0.5) / step)`` to ``floor((xmax - x0 + 0.5) / step)``,
rows alike), and the runs table (grid row, column range, first index) turns a cell into a
skycell index with a join on (region, row) -- no scan of the skycells. Only the matched
skycells are then looked up for their name and centre (one streaming scan of those columns).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["MATCH_COLUMNS", "match_skycells", "overlap_query", "overlap_sql"]

#: Columns of :func:`match_skycells`' result.
MATCH_COLUMNS = ("row", "path", "skycell_index", "skycell_name")

#: romancal 1.1.0 ``ProjectionRegion.MAX_LENGTH``: the longest region diagonal of the CRDS
#: skymap (radians, though romancal's comment says degrees).
MAX_REGION_LENGTH = 0.08174916691321586
#: romancal 1.1.0 ``SkyCells.length``: a skycell's diagonal (degrees, used as a chord).
SKYCELL_LENGTH = 0.107984
#: romancal widens both k-d-tree radii by this factor.
KD_FACTOR = 1.1

#: Side of the cubes (in unit-vector space) that bucket the region tangent points, so the
#: k-d-tree query of the regions is an equi-join (any value gives the same result).
KD_CELL = 0.05

_CONSTANTS = {"max_region_length": MAX_REGION_LENGTH, "skycell_length": SKYCELL_LENGTH,
              "kd_factor": KD_FACTOR, "kd_cell": KD_CELL}

# Orientation of point (px, py) against the directed segment (ax, ay) -> (bx, by): > 0 on
# the left. Written out in the query as ORIENT.format(...).
_ORIENT = "(({bx} - {ax}) * ({py} - {ay}) - ({by} - {ay}) * ({px} - {ax}))"


def _orient(a: str, b: str, p: str) -> str:
    """Orientation of point ``p`` against segment ``a -> b``; each names an ``x``/``y``
    column pair by prefix (``e.x1`` -> ``e.x1``, ``e.y1``)."""
    def xy(name):
        table, _, col = name.rpartition(".")
        prefix = f"{table}." if table else ""
        return f"{prefix}x{col}", f"{prefix}y{col}"
    (ax, ay), (bx, by), (px, py) = xy(a), xy(b), xy(p)
    return _ORIENT.format(ax=ax, ay=ay, bx=bx, by=by, px=px, py=py)


def _project(v: str, r: str, axis: str) -> str:
    """Pixel coordinate ``axis`` ('x' or 'y') of unit vector columns ``{v}.vx/vy/vz`` in the
    frame of region ``{r}`` (gnomonic projection in vector form)."""
    dot = f"({v}.vx * {r}.tx + {v}.vy * {r}.ty + {v}.vz * {r}.tz)"
    axis_dot = f"({v}.vx * {r}.{axis}x + {v}.vy * {r}.{axis}y + {v}.vz * {r}.{axis}z)"
    return f"{r}.{axis}_tangent + {axis_dot} / {dot}"


def _unit_vector(ra: str, dec: str) -> str:
    """Select list of the normalised unit vector (vx, vy, vz) of degree columns."""
    x = f"cos(radians({dec})) * cos(radians({ra}))"
    y = f"cos(radians({dec})) * sin(radians({ra}))"
    z = f"sin(radians({dec}))"
    norm = f"sqrt(({x}) * ({x}) + ({y}) * ({y}) + ({z}) * ({z}))"
    return f"({x}) / {norm} AS vx, ({y}) / {norm} AS vy, ({z}) / {norm} AS vz"


def _edges(source: str, key: str, count: str | None) -> str:
    """Edges k -> k + 1 of the vertex rows of ``source`` (columns ``key``, k, x, y), a join
    on the next vertex. With ``count`` (a relation of ``fid, n``), also the edge from the last
    vertex back to the first (k -> (k + 1) mod n): a polygon given without its closing vertex
    is closed, and a closed one gains a zero-length edge, which crosses nothing."""
    keys = [name.strip() for name in key.split(",")]
    on = " AND ".join(f"b.{name} = a.{name}" for name in keys)
    select = ", ".join(f"a.{name}" for name in keys)
    if count is None:
        return (f"SELECT {select}, a.k, a.x AS x1, a.y AS y1, b.x AS x2, b.y AS y2 "
                f"FROM {source} AS a JOIN {source} AS b ON {on} AND b.k = a.k + 1")
    return (f"SELECT {select}, a.k, a.x AS x1, a.y AS y1, b.x AS x2, b.y AS y2 "
            f"FROM {source} AS a JOIN {count} AS m ON m.fid = a.fid "
            f"JOIN {source} AS b ON {on} AND b.k = (a.k + 1) % m.n")


def _template(gate: str = "gate") -> str:
    """The overlap query as DuckDB text with ``:constant`` and ``$parameter`` slots;
    ``gate``: the prefix of the region polygon columns (``gate`` or ``gate_fixed``)."""
    fe_g = _orient("e.1", "e.2", "g.1")   # gate vertex against footprint edge
    fe_g2 = _orient("e.1", "e.2", "g.2")
    ge_e = _orient("g.1", "g.2", "e.1")   # footprint vertex against gate edge
    ge_e2 = _orient("g.1", "g.2", "e.2")
    return f"""
WITH
fv AS (  -- footprint vertices as unit vectors (romancal: normalize(lonlat_to_vector))
  SELECT fid, k, {_unit_vector("ra", "dec")}
  FROM (SELECT fid, unnest(range(len(ra))) AS k, unnest(ra) AS ra, unnest(dec) AS dec
        FROM roman_footprints WHERE len(ra) > 0) AS v
),
fm AS (  -- centre: normalised mean of the vertices; half: round(n / 2), ties to even
  SELECT fid, n, mx / sqrt(mx * mx + my * my + mz * mz) AS cx,
         my / sqrt(mx * mx + my * my + mz * mz) AS cy,
         mz / sqrt(mx * mx + my * my + mz * mz) AS cz,
         CASE WHEN n % 2 = 0 OR (n // 2) % 2 = 0 THEN n // 2 ELSE n // 2 + 1 END AS half
  FROM (SELECT fid, count(*) AS n, avg(vx) AS mx, avg(vy) AS my, avg(vz) AS mz
        FROM fv GROUP BY fid) AS s
),
fl AS (  -- length: largest arc from vertex i to i + half, i < n - half - 1 (radians)
  SELECT a.fid, max(acos(greatest(-1.0, least(1.0,
             a.vx * b.vx + a.vy * b.vy + a.vz * b.vz)))) AS len
  FROM fv AS a JOIN fm AS m ON m.fid = a.fid
  JOIN fv AS b ON b.fid = a.fid AND b.k = a.k + m.half
  WHERE a.k < m.n - m.half - 1
  GROUP BY a.fid
),
f AS (  -- the k-d-tree radii (chords) and the cubes of side :kd_cell the region ball meets
  SELECT *, CAST(floor((cx - r_region) / :kd_cell) AS BIGINT) AS ix0,
         CAST(floor((cx + r_region) / :kd_cell) AS BIGINT) AS ix1,
         CAST(floor((cy - r_region) / :kd_cell) AS BIGINT) AS iy0,
         CAST(floor((cy + r_region) / :kd_cell) AS BIGINT) AS iy1,
         CAST(floor((cz - r_region) / :kd_cell) AS BIGINT) AS iz0,
         CAST(floor((cz + r_region) / :kd_cell) AS BIGINT) AS iz1
  FROM (SELECT m.fid, m.cx, m.cy, m.cz,
               (coalesce(l.len, 0.0) + :max_region_length) / 2.0 * :kd_factor AS r_region,
               (coalesce(l.len, 0.0) + :skycell_length) / 2.0 * :kd_factor AS r_cell
        FROM fm AS m LEFT JOIN fl AS l ON l.fid = m.fid) AS s
),
rb AS (  -- region tangent point t, east and north unit vectors
  SELECT index AS region, x_tangent, y_tangent, grid_x0, grid_y0, grid_cols,
         grid_rows, {gate}_ra AS gate_ra, {gate}_dec AS gate_dec, radians(orientat) AS o,
         cos(radians(dec_tangent)) * cos(radians(ra_tangent)) AS tx,
         cos(radians(dec_tangent)) * sin(radians(ra_tangent)) AS ty,
         sin(radians(dec_tangent)) AS tz,
         -sin(radians(ra_tangent)) AS ex, cos(radians(ra_tangent)) AS ey, 0.0 AS ez,
         -sin(radians(dec_tangent)) * cos(radians(ra_tangent)) AS nx_,
         -sin(radians(dec_tangent)) * sin(radians(ra_tangent)) AS ny_,
         cos(radians(dec_tangent)) AS nz_
  FROM roman_regions
),
rk AS (  -- k: the normalised tangent point (romancal's k-d tree of regions)
  SELECT *, tx / sqrt(tx * tx + ty * ty + tz * tz) AS kx,
         ty / sqrt(tx * tx + ty * ty + tz * tz) AS ky,
         tz / sqrt(tx * tx + ty * ty + tz * tz) AS kz
  FROM rb
),
r AS (  -- pixel axes (the east/north basis turned by orientat, over the pixel scale); cube
  SELECT *,
         (cos(o) * ex - sin(o) * nx_) / $scale AS xx, (cos(o) * ey - sin(o) * ny_) / $scale AS xy,
         (cos(o) * ez - sin(o) * nz_) / $scale AS xz,
         (sin(o) * ex + cos(o) * nx_) / $scale AS yx, (sin(o) * ey + cos(o) * ny_) / $scale AS yy,
         (sin(o) * ez + cos(o) * nz_) / $scale AS yz,
         CAST(floor(kx / :kd_cell) AS BIGINT) AS ix, CAST(floor(ky / :kd_cell) AS BIGINT) AS iy,
         CAST(floor(kz / :kd_cell) AS BIGINT) AS iz
  FROM rk
),
pr AS (  -- romancal's k-d-tree query of the regions: tangent within r_region (chord);
         -- the cubes make it an equi-join
  SELECT q.fid, r.region
  FROM (SELECT fid, cx, cy, cz, r_region, ix, iy, unnest(range(iz0, iz1 + 1)) AS iz
        FROM (SELECT fid, cx, cy, cz, r_region, iz0, iz1, ix,
                     unnest(range(iy0, iy1 + 1)) AS iy
              FROM (SELECT fid, cx, cy, cz, r_region, iy0, iy1, iz0, iz1,
                           unnest(range(ix0, ix1 + 1)) AS ix FROM f) AS qx) AS qy) AS q
  JOIN r ON r.ix = q.ix AND r.iy = q.iy AND r.iz = q.iz
  WHERE sqrt((q.cx - r.kx) * (q.cx - r.kx) + (q.cy - r.ky) * (q.cy - r.ky)
             + (q.cz - r.kz) * (q.cz - r.kz)) <= q.r_region
),
pv AS (  -- footprint vertices in each candidate region's pixel frame
  SELECT p.fid, p.region, v.k, {_project("v", "r", "x")} AS x, {_project("v", "r", "y")} AS y
  FROM pr AS p JOIN fv AS v ON v.fid = p.fid JOIN r ON r.region = p.region
),
pe AS ({_edges("pv", "fid, region", "fm")}),
pb AS (  -- the footprint's bounding box in each candidate region's frame
  SELECT fid, region, min(x) AS xmin, max(x) AS xmax, min(y) AS ymin, max(y) AS ymax
  FROM pv GROUP BY fid, region
),
gv AS (  -- gate polygon vertices (closed lists) of the candidate regions, in their frame
  SELECT g.region, g.k, {_project("g", "r", "x")} AS x, {_project("g", "r", "y")} AS y
  FROM (SELECT region, k, {_unit_vector("ra", "dec")}
        FROM (SELECT region, unnest(range(len(gate_ra))) AS k, unnest(gate_ra) AS ra,
                     unnest(gate_dec) AS dec
              FROM r WHERE region IN (SELECT region FROM pr)) AS u) AS g
  JOIN r ON r.region = g.region
),
ge AS ({_edges("gv", "region", None)}),
pc AS (  -- pairs whose boxes overlap the gate polygon's (the others cannot intersect it)
  SELECT p.fid, p.region
  FROM pb AS p
  JOIN (SELECT region, min(x) AS xmin, max(x) AS xmax, min(y) AS ymin, max(y) AS ymax
        FROM gv GROUP BY region) AS g ON g.region = p.region
  WHERE p.xmax > g.xmin AND p.xmin < g.xmax AND p.ymax > g.ymin AND p.ymin < g.ymax
),
v0 AS (  -- pairs whose first footprint vertex lies inside the gate polygon (ray casting)
  SELECT e.fid, e.region
  FROM pv AS e JOIN pc ON pc.fid = e.fid AND pc.region = e.region
  JOIN ge AS g ON g.region = e.region
  WHERE e.k = 0
  GROUP BY e.fid, e.region
  HAVING sum(CAST((g.y1 > e.y) <> (g.y2 > e.y) AND ({_orient("g.1", "g.2", "e.")})
                  * (g.y2 - g.y1) > 0 AS INTEGER)) % 2 = 1
),
eg AS (  -- the other pairs: every footprint edge e against every gate edge g
  SELECT e.fid, e.region, e.k AS fk, g.k AS gk,
         ({fe_g}) * ({fe_g2}) < 0 AND ({ge_e}) * ({ge_e2}) < 0 AS crosses,
         (e.y1 > g.y1) <> (e.y2 > g.y1) AND ({fe_g}) * (e.y2 - e.y1) > 0 AS gate_ray,
         (g.y1 > e.y1) <> (g.y2 > e.y1) AND ({ge_e}) * (g.y2 - g.y1) > 0 AS foot_ray
  FROM pe AS e
  JOIN (SELECT fid, region FROM pc EXCEPT SELECT fid, region FROM v0) AS p
    ON p.fid = e.fid AND p.region = e.region
  JOIN ge AS g ON g.region = e.region
),
gated AS (  -- a footprint vertex inside the gate, an edge crossing, or a gate vertex inside
  SELECT fid, region FROM v0
  UNION SELECT fid, region FROM eg GROUP BY fid, region HAVING bool_or(crosses)
  UNION SELECT fid, region FROM eg GROUP BY fid, region, gk
        HAVING sum(CAST(gate_ray AS INTEGER)) % 2 = 1
  UNION SELECT fid, region FROM eg GROUP BY fid, region, fk
        HAVING sum(CAST(foot_ray AS INTEGER)) % 2 = 1
),
cb AS (  -- grid columns/rows whose square meets the footprint's pixel bounding box
  SELECT b.fid, b.region, r.grid_x0, r.grid_y0,
         greatest(0, CAST(floor((b.xmin - r.grid_x0 - $nxy + 0.5) / $step) AS BIGINT)) AS c0,
         least(r.grid_cols - 1, CAST(floor((b.xmax - r.grid_x0 + 0.5) / $step) AS BIGINT)) AS c1,
         greatest(0, CAST(floor((b.ymin - r.grid_y0 - $nxy + 0.5) / $step) AS BIGINT)) AS r0,
         least(r.grid_rows - 1, CAST(floor((b.ymax - r.grid_y0 + 0.5) / $step) AS BIGINT)) AS r1
  FROM pb AS b JOIN gated AS g ON g.fid = b.fid AND g.region = b.region
  JOIN r ON r.region = b.region
),
c AS (  -- candidate squares that are skycells (runs): lower-left corner and centre
  SELECT g.fid, g.region, u.index_first + g.grid_col - u.col_first AS skycell_index,
         g.grid_x0 + g.grid_col * $step - 0.5 AS x0, g.grid_y0 + g.grid_row * $step - 0.5 AS y0,
         g.grid_x0 + g.grid_col * $step - 0.5 + $nxy / 2.0 AS xm,
         g.grid_y0 + g.grid_row * $step - 0.5 + $nxy / 2.0 AS ym
  FROM (SELECT fid, region, grid_x0, grid_y0, grid_col,
               unnest(range(r0, r1 + 1)) AS grid_row
        FROM (SELECT fid, region, grid_x0, grid_y0, r0, r1,
                     unnest(range(c0, c1 + 1)) AS grid_col
              FROM cb) AS cc) AS g
  JOIN roman_runs AS u
    ON u.region = g.region AND u.grid_row = g.grid_row
   AND g.grid_col BETWEEN u.col_first AND u.col_last
),
ce AS (  -- each candidate square against each footprint edge: orientations of its corners
  SELECT c.fid, c.skycell_index,
         greatest(e.x1, e.x2) > c.x0 AND least(e.x1, e.x2) < c.x0 + $nxy
           AND greatest(e.y1, e.y2) > c.y0 AND least(e.y1, e.y2) < c.y0 + $nxy AS near,
         (e.x2 - e.x1) * (c.y0 - e.y1) - (e.y2 - e.y1) * (c.x0 - e.x1) AS o00,
         (e.x2 - e.x1) * (c.y0 - e.y1) - (e.y2 - e.y1) * (c.x0 + $nxy - e.x1) AS o10,
         (e.x2 - e.x1) * (c.y0 + $nxy - e.y1) - (e.y2 - e.y1) * (c.x0 + $nxy - e.x1) AS o11,
         (e.x2 - e.x1) * (c.y0 + $nxy - e.y1) - (e.y2 - e.y1) * (c.x0 - e.x1) AS o01,
         (e.y1 > c.ym) <> (e.y2 > c.ym)
           AND ((e.x2 - e.x1) * (c.ym - e.y1) - (e.y2 - e.y1) * (c.xm - e.x1))
               * (e.y2 - e.y1) > 0 AS ray
  FROM c JOIN pe AS e ON e.fid = c.fid AND e.region = c.region
),
hit AS (  -- an edge through the square's interior, or the square's centre inside
  SELECT fid, skycell_index FROM ce
  GROUP BY fid, skycell_index
  HAVING bool_or(near AND NOT ((o00 >= 0 AND o10 >= 0 AND o11 >= 0 AND o01 >= 0)
                               OR (o00 <= 0 AND o10 <= 0 AND o11 <= 0 AND o01 <= 0)))
      OR sum(CAST(ray AS INTEGER)) % 2 = 1
)
SELECT fid, skycell_index, skycell_name
FROM (SELECT h.fid, f.cx, f.cy, f.cz, f.r_cell, s.index AS skycell_index,
             s.name AS skycell_name, s.ra_center, s.dec_center
      FROM hit AS h JOIN roman_skycells AS s ON s.index = h.skycell_index
      JOIN f ON f.fid = h.fid) AS m,
     (SELECT {_unit_vector("m.ra_center", "m.dec_center")}) AS sc
WHERE sqrt((cx - sc.vx) * (cx - sc.vx) + (cy - sc.vy) * (cy - sc.vy)
           + (cz - sc.vz) * (cz - sc.vz)) <= r_cell
ORDER BY fid, skycell_index
"""


@lru_cache(maxsize=2)
def _query(fix_south_cap: bool = False):
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(_template("gate_fixed" if fix_south_cap else "gate"),
                             dialect="duckdb")

    def fill(node):
        if isinstance(node, exp.Placeholder) and node.name in _CONSTANTS:
            return exp.convert(_CONSTANTS[node.name])
        return node

    return tree.transform(fill)


def overlap_query(fix_south_cap: bool = False):
    """The overlap query as a sqlglot expression (see :func:`overlap_sql`)."""
    return _query(fix_south_cap).copy()


def overlap_sql(pretty: bool = True, fix_south_cap: bool = False) -> str:
    """The overlap query as DuckDB SQL text (``asnsql explain`` prints it).

    Parameters
    ----------
    pretty : bool
        Indented text.
    fix_south_cap : bool
        Test a south polar cap against a cone of its own radius (see
        :func:`match_skycells`).

    Returns
    -------
    str
        One ``SELECT`` over ``roman_footprints``, ``roman_regions`` and ``roman_skycells``
        with parameters ``$nxy``, ``$step``, ``$scale``, returning ``fid, skycell_index,
        skycell_name`` ordered by ``fid`` then ``skycell_index``.
    """
    return _query(fix_south_cap).sql(dialect="duckdb", pretty=pretty)


def overlap_parameters(skymap) -> dict:
    """The bound parameters of the overlap query for ``skymap``."""
    import math

    return {"nxy": float(skymap.nxy_skycell), "step": float(skymap.step),
            "scale": math.radians(skymap.pixel_scale_deg)}


def match_skycells(footprints, skymap, engine=None, fix_south_cap: bool = False):
    """The skycells each footprint overlaps.

    Parameters
    ----------
    footprints : pyarrow.Table
        Columns ``ra``, ``dec`` (list<double>, degrees; the vertices of each footprint, as
        :func:`.footprints.read_footprints` or :func:`.footprints.load_footprint_table`
        give them) and optionally ``path``. Rows with empty or null lists match nothing.
    skymap : Skymap
        From :func:`.skymap.load_skymap`.
    engine : asnsql.engine.Engine, optional
        Engine to run on (default: a new in-memory one, closed afterwards).
    fix_south_cap : bool
        romancal tests a footprint against a south polar cap's cone of radius
        ``-dec_max`` (88.2 degrees for a cap ending at -88.2) instead of ``90 + dec_max``
        (1.8); the default reproduces it, ``True`` uses the cap's own radius.

    Returns
    -------
    pyarrow.Table
        Columns :data:`MATCH_COLUMNS`: ``row`` (int64, 0-based row of ``footprints``),
        ``path`` (string, null without a ``path`` column), ``skycell_index`` (int64, global
        index in the skymap), ``skycell_name``; ordered by ``row`` then ``skycell_index``.

    Raises
    ------
    QueryError
        When DuckDB fails (e.g. a vertex list holds nulls).

    Notes
    -----
    Reproduces romancal 1.1.0 ``romancal.skycell.match.find_skycell_matches`` (its result
    as a set; romancal lists the indices in k-d-tree order, skycell_asn sorts them). The
    footprint's vertices are taken as given, as romancal does with a vertex list, and the
    polygon is closed if the last vertex is not the first. Exactly touching boundaries do
    not count as overlap; results can differ from romancal's floating-point spherical tests
    only for a footprint within about 1e-8 pixel of a boundary.
    """
    import pyarrow as pa

    from ...engine import Engine
    from .skymap import register_skymap

    n = footprints.num_rows
    names = footprints.column_names
    inputs = pa.table({
        "fid": pa.array(range(n), type=pa.int64()),
        "ra": footprints.column("ra").cast(pa.list_(pa.float64())),
        "dec": footprints.column("dec").cast(pa.list_(pa.float64())),
    })
    own = engine is None
    engine = Engine() if own else engine
    try:
        register_skymap(engine, skymap)
        engine.register("roman_footprints", inputs)
        try:
            found = engine.arrow(_query(fix_south_cap), overlap_parameters(skymap))
        finally:
            engine.unregister("roman_footprints")
    finally:
        if own:
            engine.close()
    rows = found.column("fid")
    if "path" in names:
        paths = footprints.column("path").cast(pa.string()).take(rows)
    else:
        paths = pa.nulls(found.num_rows, type=pa.string())
    return pa.table({
        "row": rows.cast(pa.int64()),
        "path": paths,
        "skycell_index": found.column("skycell_index").cast(pa.int64()),
        "skycell_name": found.column("skycell_name").cast(pa.string()),
    })
