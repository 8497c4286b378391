"""Observatory profiles: what the generator core knows of one observatory.

A :class:`~asnsql.profiles.base.Profile` bundles the vocabulary the compiler reads, the pool
columns and derived flags, the SQL macro files, the naming constants, the finalisation hooks
(each with the pool columns it reads), the association schemas and the default rule files.
The core (pool loading, engine, plan, pipeline, assembly) reads only the profile it is given;
``jwst`` is the default.

This module is a small registry: profiles are modules of this package, imported on first
use (:func:`get_profile`), so a new observatory adds a module and a line here.
"""

from __future__ import annotations

import importlib

from .base import FinalizeHook, Naming, PoolLayout, Profile, Vocabulary

__all__ = ["get_profile", "profile_names", "DEFAULT_PROFILE", "Profile", "Vocabulary",
           "FinalizeHook", "Naming", "PoolLayout"]

#: Profile name -> module defining its ``PROFILE``.
_REGISTRY = {
    "jwst": "asnsql.profiles.jwst",
}
#: The profile used when none is given.
DEFAULT_PROFILE = "jwst"


def profile_names() -> list[str]:
    """The names :func:`get_profile` accepts."""
    return sorted(_REGISTRY)


def get_profile(name: str | Profile | None = None) -> Profile:
    """Return the profile called ``name`` (default :data:`DEFAULT_PROFILE`).

    Parameters
    ----------
    name : str, Profile or None
        A registered name; a :class:`Profile` is returned unchanged.

    Returns
    -------
    Profile

    Raises
    ------
    KeyError
        When no profile has that name (the message lists the known ones).
    """
    if isinstance(name, Profile):
        return name
    name = name or DEFAULT_PROFILE
    if name not in _REGISTRY:
        raise KeyError(f"no observatory profile {name!r}; known: {', '.join(profile_names())}")
    return importlib.import_module(_REGISTRY[name]).PROFILE
