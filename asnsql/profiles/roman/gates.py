"""Roman's projection-region gate polygons (spherical geometry, NumPy only).

Before looking at a region's skycells romancal tests a footprint against the region's
polygon: its four RA/Dec corners joined by great circles, or for a polar cap a cone about
the tangent point (:func:`gate_polygons`). The polygons are stored in ``regions.parquet``
(:func:`asnsql.profiles.roman.skymap.build_skymap`).
"""

from __future__ import annotations

__all__ = ["CAP_STEPS", "gate_polygons", "rotate", "unit"]

#: Steps of romancal's polar-cap cone (``SingleSphericalPolygon.from_cone(..., steps=16)``):
#: 16 angles from 0 to 2 pi, the last equal to the first, so 15 distinct vertices.
CAP_STEPS = 16


def unit(ra, dec):
    """Unit vectors of (ra, dec) in degrees, shape (..., 3)."""
    import numpy as np

    ra, dec = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=-1)


def rotate(v, axis, angle):
    """Rotate vectors ``v`` (..., 3) about unit ``axis`` by ``angle`` radians (right hand)."""
    import numpy as np

    angle = np.asarray(angle)[..., None]
    along = np.sum(v * axis, axis=-1, keepdims=True) * axis
    return along + (v - along) * np.cos(angle) + np.cross(axis, v) * np.sin(angle)


def gate_polygons(reg, fix_south_cap: bool = False):
    """Per region: closed (ra, dec) vertex lists of romancal's region polygon; cap radius.

    A region whose ``dec_max`` is 90 or ``dec_min`` is -90 is a polar cap: romancal uses a
    cone about the tangent point, of radius ``90 - dec_min`` (north) or ``-dec_max``
    (south: romancal's formula, 88.2 degrees for a cap ending at -88.2; with
    ``fix_south_cap``, ``90 + dec_max``; see docs/ROMAN_SKYCELLS.md), drawn with 16
    angles from 0 to 2 pi (15 vertices). The pen starts at the tangent point turned by the
    radius about the axis perpendicular to it and to the coordinate axis on which the tangent
    point's component is smallest. Other regions: the corners (ra_min, dec_min), (ra_max,
    dec_min), (ra_max, dec_max), (ra_min, dec_max) joined by great circles.
    """
    import numpy as np

    gate_ra, gate_dec, caps = [], [], []
    for i in range(len(reg["index"])):
        north = reg["dec_max"][i] == 90.0
        south = reg["dec_min"][i] == -90.0
        if north or south:
            if north:
                radius = 90.0 - reg["dec_min"][i]
            else:
                radius = 90.0 + reg["dec_max"][i] if fix_south_cap else -reg["dec_max"][i]
            center = unit(reg["ra_tangent"][i], reg["dec_tangent"][i])
            center = center / np.linalg.norm(center)
            axis = np.zeros(3)
            axis[int(np.argmin(center * center))] = 1.0
            perp = np.cross(center, axis)
            perp /= np.linalg.norm(perp)
            pen = rotate(center, perp, np.radians(radius))
            angles = np.linspace(0.0, 2.0 * np.pi, CAP_STEPS)
            angles[-1] = 0.0
            points = rotate(np.broadcast_to(pen, (CAP_STEPS, 3)), center, angles[::-1])
            ra = np.degrees(np.arctan2(points[:, 1], points[:, 0])) % 360.0
            dec = np.degrees(np.arctan2(points[:, 2], np.hypot(points[:, 0], points[:, 1])))
            caps.append(float(radius))
        else:
            lo_ra, hi_ra = reg["ra_min"][i], reg["ra_max"][i]
            lo_dec, hi_dec = reg["dec_min"][i], reg["dec_max"][i]
            ra = np.array([lo_ra, hi_ra, hi_ra, lo_ra, lo_ra], dtype=float)
            dec = np.array([lo_dec, lo_dec, hi_dec, hi_dec, lo_dec], dtype=float)
            caps.append(None)
        gate_ra.append(ra.tolist())
        gate_dec.append(dec.tolist())
    return gate_ra, gate_dec, caps
