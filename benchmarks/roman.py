"""Roman skycell matching at full scale: a synthetic skymap the size of the CRDS SKYCELLS
file (~4,058 projection regions, ~8 M skycells) and 10,000 synthetic detector footprints.

The skymap tiles the sphere like the real one: a polar cap above |dec| 88.2 and 49
declination bands of 3.6 degrees, each cut in RA into regions ~3.2 degrees wide; each region
is a gnomonic projection about its centre with 0.055" pixels, and its skycells are the
5000-pixel squares of a 4800-pixel grid whose centres fall in the region's RA/Dec box
(widened by half a skycell). It is generated once and cached in asnsql's cache folder
(``$ASNSQL_CACHE``, else the XDG cache folder). Footprints: squares of one WFI detector (0.125 degrees), 16
vertices, centred uniformly at random on the sphere, randomly turned.

``python -m benchmarks roman`` measures :func:`asnsql.profiles.roman.overlap.match_skycells`
in a fresh process (wall time and peak RSS) and writes the "Roman" section of RESULTS.md,
beside the reference's measured 7-19 s of CPU per file.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

__all__ = ["synthetic_skymap", "synthetic_footprints", "bench_roman", "render_roman",
           "write_roman_section"]

ROOT = Path(__file__).resolve().parent.parent
PIXEL_SCALE = 0.055  # arcsec
NXY, BORDER = 5000, 100
CAP_DEC = 88.2
BAND = 3.6
REGIONS = 4058
#: The reference's measured CPU seconds per file (shared/roman/README.md).
REFERENCE_SECONDS = (7.0, 19.0)
_MARK_START = "<!-- roman benchmark -->"
_MARK_END = "<!-- /roman benchmark -->"


def _unit(ra, dec):
    import numpy as np

    ra, dec = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], -1)


def _basis(ra0, dec0):
    """Tangent point and east/north unit vectors."""
    import numpy as np

    a, d = np.radians(ra0), np.radians(dec0)
    t = np.array([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)])
    e = np.array([-np.sin(a), np.cos(a), 0.0])
    n = np.array([-np.sin(d) * np.cos(a), -np.sin(d) * np.sin(a), np.cos(d)])
    return t, e, n


def _deproject(xi, eta, ra0, dec0):
    """Inverse gnomonic projection of plane coordinates (radians) -> (ra, dec) degrees."""
    import numpy as np

    t, e, n = _basis(ra0, dec0)
    v = t + xi[..., None] * e + eta[..., None] * n
    v /= np.linalg.norm(v, axis=-1, keepdims=True)
    return (np.degrees(np.arctan2(v[..., 1], v[..., 0])) % 360.0,
            np.degrees(np.arcsin(np.clip(v[..., 2], -1, 1))))


def _project(ra, dec, ra0, dec0):
    import numpy as np

    t, e, n = _basis(ra0, dec0)
    v = _unit(ra, dec)
    return (v @ e) / (v @ t), (v @ n) / (v @ t)


def _layout(target: int = REGIONS):
    """Band edges and regions per band so the total is close to ``target``."""
    import numpy as np

    edges = np.arange(-CAP_DEC, CAP_DEC + 1e-9, BAND)
    lows, highs = edges[:-1], edges[1:]
    widest = np.cos(np.radians(np.minimum(np.abs(lows), np.abs(highs))))
    lo, hi = 0.5, 20.0
    for _ in range(60):
        width = (lo + hi) / 2
        total = 2 + int(np.ceil(360.0 * widest / width).sum())
        lo, hi = (width, hi) if total > target else (lo, width)
    counts = np.ceil(360.0 * widest / hi).astype(int)
    return lows, highs, counts


def _make_tables():
    """Regions and skycells of the synthetic map (NumPy / pyarrow columns)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    scale = np.radians(PIXEL_SCALE / 3600.0)
    step = NXY - 2 * BORDER
    half_cell = NXY / 2 * PIXEL_SCALE / 3600.0
    lows, highs, counts = _layout()
    boxes = [(0.0, 360.0, CAP_DEC, 90.0, 135.0, 90.0)]
    for lo, hi, count in zip(lows, highs, counts):
        width = 360.0 / count
        for k in range(count):
            boxes.append((k * width, (k + 1) * width, lo, hi, (k + 0.5) * width, (lo + hi) / 2))
    boxes.append((0.0, 360.0, -90.0, -CAP_DEC, 135.0, -90.0))
    reg = {name: [] for name in ("index", "ra_tangent", "dec_tangent", "ra_min", "ra_max",
                                 "dec_min", "dec_max", "orientat", "x_tangent", "y_tangent",
                                 "nx", "ny", "skycell_start", "skycell_end")}
    cells = {name: [] for name in ("ra_center", "dec_center", "x_tangent", "y_tangent")}
    names, start = [], 0
    for index, (ra_lo, ra_hi, dec_lo, dec_hi, ra0, dec0) in enumerate(boxes):
        cap = dec_hi == 90.0 or dec_lo == -90.0
        if cap:
            rim = np.linspace(0, 360, 73)
            xi, eta = _project(rim, np.full(73, dec_lo if dec_hi == 90 else dec_hi), ra0, dec0)
        else:
            s = np.linspace(0, 1, 33)
            ra = np.concatenate([ra_lo + s * (ra_hi - ra_lo), np.full(33, ra_hi),
                                 ra_hi - s * (ra_hi - ra_lo), np.full(33, ra_lo)])
            dec = np.concatenate([np.full(33, dec_lo), dec_lo + s * (dec_hi - dec_lo),
                                  np.full(33, dec_hi), dec_hi - s * (dec_hi - dec_lo)])
            xi, eta = _project(ra, dec, ra0, dec0)
        x0, y0 = xi.min() / scale - NXY, eta.min() / scale - NXY
        nx = int(np.ceil(xi.max() / scale - x0 + NXY))
        ny = int(np.ceil(eta.max() / scale - y0 + NXY))
        x_t, y_t = -x0 + 0.5, -y0 + 0.5  # tangent pixel (so pixel 0 is the left edge)
        cols, rows = np.arange(nx // step + 1), np.arange(ny // step + 1)
        gc, gr = np.meshgrid(cols, rows)
        gc, gr = gc.ravel(), gr.ravel()
        cx = gc * step + (NXY - 1) / 2.0  # region pixel of the cell centre
        cy = gr * step + (NXY - 1) / 2.0
        ra_c, dec_c = _deproject((cx - x_t) * scale, (cy - y_t) * scale, ra0, dec0)
        if cap:
            keep = (np.abs(dec_c) >= CAP_DEC - half_cell)
        else:
            dra = (ra_c - ra_lo) % 360.0
            pad = half_cell / max(np.cos(np.radians(max(abs(dec_lo), abs(dec_hi)))), 0.05)
            keep = (((dra <= (ra_hi - ra_lo) + pad) | (dra >= 360.0 - pad))
                    & (dec_c >= dec_lo - half_cell) & (dec_c <= dec_hi + half_cell))
        gc, gr, ra_c, dec_c = gc[keep], gr[keep], ra_c[keep], dec_c[keep]
        order = np.lexsort((gc, gr))
        gc, gr, ra_c, dec_c = gc[order], gr[order], ra_c[order], dec_c[order]
        for key, value in (("index", index), ("ra_tangent", ra0), ("dec_tangent", dec0),
                           ("ra_min", ra_lo), ("ra_max", ra_hi % 360.0 if not cap else ra_hi),
                           ("dec_min", dec_lo), ("dec_max", dec_hi), ("orientat", 0.0),
                           ("x_tangent", x_t), ("y_tangent", y_t), ("nx", nx), ("ny", ny),
                           ("skycell_start", start), ("skycell_end", start + len(gc))):
            reg[key].append(value)
        start += len(gc)
        cells["ra_center"].append(ra_c)
        cells["dec_center"].append(dec_c)
        cells["x_tangent"].append(x_t - gc * step)
        cells["y_tangent"].append(y_t - gr * step)
        prefix = f"{int(round(ra0)) % 360:03d}{'p' if dec0 >= 0 else 'm'}{abs(int(round(dec0))):02d}"
        names.append(pc.binary_join_element_wise(
            pa.array(np.full(len(gc), prefix)), pa.array(np.full(len(gc), "x")),
            pc.cast(pa.array(gr), pa.string()), pa.array(np.full(len(gc), "y")),
            pc.cast(pa.array(gc), pa.string()), ""))
    regions = {key: np.asarray(values) for key, values in reg.items()}
    skycells = {key: np.concatenate(values) for key, values in cells.items()}
    skycells["orientat"] = np.zeros(len(skycells["ra_center"]), dtype=np.float32)
    skycells["name"] = pa.chunked_array(names).combine_chunks()
    return regions, skycells


def synthetic_skymap(cache: Path | None = None):
    """The synthetic full-size skymap, generated once into ``cache`` (returns a Skymap)."""
    from asnsql.profiles.roman.skymap import SkymapError, build_skymap, cache_root, open_skymap

    cache = Path(cache) if cache else (cache_root() or ROOT / "benchmarks" / ".cache")
    folder = cache / "skymap" / f"synthetic-{REGIONS}-v1"
    if (folder / "meta.json").is_file():
        try:
            return open_skymap(folder)
        except SkymapError:
            pass
    regions, skycells = _make_tables()
    return build_skymap(folder, regions, skycells,
                        {"nxy_skycell": NXY, "skycell_border_pixels": BORDER,
                         "pixel_scale": PIXEL_SCALE},
                        source="synthetic full-size skymap (benchmarks/roman.py)",
                        sha256=f"synthetic-{REGIONS}-v1")


def synthetic_footprints(n: int = 10_000, seed: int = 14, side: float = 0.1249):
    """``n`` detector-sized square footprints (16 vertices + closing) as a pyarrow Table."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    ra0 = rng.uniform(0, 360, n)
    dec0 = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
    turn = rng.uniform(0, 2 * np.pi, n)
    s = np.linspace(-0.5, 0.5, 5)[:-1]
    u = np.concatenate([s, np.full(4, 0.5), -s, np.full(4, -0.5)]) * np.radians(side)
    v = np.concatenate([np.full(4, -0.5), s, np.full(4, 0.5), -s]) * np.radians(side)
    u, v = np.append(u, u[0]), np.append(v, v[0])
    ras, decs = [], []
    for i in range(n):
        xi = np.cos(turn[i]) * u - np.sin(turn[i]) * v
        eta = np.sin(turn[i]) * u + np.cos(turn[i]) * v
        ra, dec = _deproject(xi, eta, ra0[i], dec0[i])
        ras.append(ra)
        decs.append(dec)
    return pa.table({"path": [f"synthetic_{i:05d}_cal.asdf" for i in range(n)],
                     "ra": pa.array([r.tolist() for r in ras], pa.list_(pa.float64())),
                     "dec": pa.array([d.tolist() for d in decs], pa.list_(pa.float64()))})


_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from benchmarks.roman import synthetic_skymap, synthetic_footprints
from asnsql.engine import Engine
from asnsql.profiles.roman.overlap import match_skycells
t0 = time.perf_counter()
skymap = synthetic_skymap(Path(sys.argv[1]))
t1 = time.perf_counter()
footprints = synthetic_footprints(int(sys.argv[2]))
t2 = time.perf_counter()
with Engine(memory_limit=sys.argv[3]) as engine:
    found = match_skycells(footprints, skymap, engine=engine)
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
per = found.group_by("row").aggregate([("skycell_index", "count")])
print(json.dumps({"skymap_seconds": t1 - t0, "footprint_seconds": t2 - t1,
                  "match_seconds": t3 - t2, "rss_mb": rss, "matches": found.num_rows,
                  "matched_footprints": per.num_rows, "regions": skymap.n_regions,
                  "skycells": skymap.n_skycells, "footprints": footprints.num_rows}))
"""


def bench_roman(cache: Path | None = None, footprints: int = 10_000,
                memory_limit: str = "1GB", repeat: int = 2) -> dict:
    """Match ``footprints`` synthetic footprints against the synthetic skymap in fresh
    processes (the first also builds the skymap if it is not cached); best of ``repeat``."""
    from asnsql.profiles.roman.skymap import cache_root

    from .run import _child

    cache = Path(cache) if cache else (cache_root() or ROOT / "benchmarks" / ".cache")
    runs = [_child(_CHILD, str(cache), str(footprints), memory_limit)
            for _ in range(max(1, repeat))]
    best = min(runs, key=lambda r: r["match_seconds"])
    best["memory_limit"] = memory_limit
    best["first_skymap_seconds"] = runs[0]["skymap_seconds"]
    best["load"] = os.getloadavg()[0]
    return best


def render_roman(result: dict, commit: str = "", machine: str = "") -> str:
    """The Roman section of RESULTS.md."""
    low, high = REFERENCE_SECONDS
    n = result["footprints"]
    return "\n".join([
        _MARK_START,
        "## Roman: skycell matching (`match_skycells`, synthetic full-size skymap)",
        "",
        f"Measured {datetime.date.today().isoformat()}"
        + (f" at commit `{commit}`" if commit else "") + (f" on {machine}" if machine else "")
        + (f", load average {result['load']:.1f} (a shared machine: read times as upper "
           "bounds)" if "load" in result else "")
        + ". Regenerate with `python -m benchmarks roman` (this section only).",
        "",
        f"{result['regions']:,} projection regions, {result['skycells']:,} skycells "
        f"(`benchmarks/roman.py`, cached Parquet); {n:,} detector footprints (16 vertices) "
        "centred at random on the sphere; one DuckDB query, DuckDB memory limit "
        f"{result['memory_limit']}, fresh process, best of two.",
        "",
        "| | measured |",
        "|---|---:|",
        f"| matching {n:,} footprints | {result['match_seconds']:.1f} s |",
        f"| per footprint | {1000 * result['match_seconds'] / n:.2f} ms |",
        f"| skycells matched (footprints with any) | {result['matches']:,} "
        f"({result['matched_footprints']:,}) |",
        f"| peak RSS of the process | {result['rss_mb']:,.0f} MB |",
        f"| opening the cached skymap | {result['skymap_seconds']:.2f} s |",
        f"| reference (romancal 1.1.0 `find_skycell_matches`), per file | {low:.0f}-{high:.0f} s CPU |",
        f"| reference, {n:,} files (extrapolated) | {n * low / 3600:.0f}-{n * high / 3600:.0f} h |",
        "",
        _MARK_END,
    ])


def write_roman_section(path: Path, section: str) -> None:
    """Replace (or append) the Roman section of ``path``; the rest is left as it is."""
    text = path.read_text(encoding="utf-8") if path.is_file() else "# asnsql benchmarks\n"
    pattern = re.compile(re.escape(_MARK_START) + ".*?" + re.escape(_MARK_END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
