"""A kept case as a golden pool: ``expected.yaml`` written from the reference's output.

The layout is that of ``tests/golden/pools/<case>/`` read by ``tests/test_golden_pools.py``:
one entry per association file, with its ``asn_rule``, product name and members
(``[expname, exptype]``, in the reference's order), plus ``options.yaml`` holding the
:func:`asnsql.generate` options of the mode.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def expected_entries(files: list[Path]) -> list[dict]:
    """The golden entries of the reference's association files (sorted by file name).

    Parameters
    ----------
    files : list of path
        ``*_asn.json`` files written by the reference.

    Returns
    -------
    list of dict
        ``{file, asn_rule, product, members}`` per file.

    Raises
    ------
    ValueError
        When an association has more than one product (``--merge``), which the golden
        test does not read.
    """
    import json

    out = []
    for path in sorted(files, key=lambda p: p.name):
        data = json.loads(Path(path).read_text())
        if len(data["products"]) != 1:
            raise ValueError(f"{path.name} has {len(data['products'])} products; golden "
                             "pools hold single-product associations")
        (product,) = data["products"]
        out.append({"file": path.name, "asn_rule": data["asn_rule"],
                    "product": product["name"],
                    "members": [[m["expname"], m["exptype"]] for m in product["members"]]})
    return out


def _flow(entries: list[dict]) -> str:
    """YAML text with each member on one line, as the hand-written golden files have it."""
    lines = []
    for entry in entries:
        lines.append(f"- file: {entry['file']}")
        lines.append(f"  asn_rule: {entry['asn_rule']}")
        lines.append(f"  product: {entry['product']}")
        if not entry["members"]:
            lines.append("  members: []")
            continue
        lines.append("  members:")
        for expname, exptype in entry["members"]:
            lines.append(f"    - [{expname}, {exptype}]")
    return "\n".join(lines) + "\n"


def write_golden(folder: Path, reference_files: list[Path], args: list[str],
                 options: dict, comment: str = "", error: str | None = None) -> None:
    """Write ``expected.yaml`` (and ``options.yaml`` when the mode has options).

    When the reference stopped with an error, ``expected.yaml`` is ``{error: MESSAGE}``
    (the golden test then expects :func:`asnsql.generate` to raise).

    Parameters
    ----------
    folder : path
        The case folder (holding ``pool.csv``).
    reference_files : list of path
        The reference's association files for ``pool.csv``.
    args : list of str
        The mode's ``asn_generate`` arguments (recorded in the header comment).
    options : dict
        The mode's :func:`asnsql.generate` options.
    comment : str
        Extra header comment lines (the cause of the case).
    error : str, optional
        The reference's error message, when it failed.
    """
    folder = Path(folder)
    head = [f"# Written from the output of jwst 3.0.0: asn_generate pool.csv --version-id v0"
            + (" " + " ".join(args) if args else "") + " (not from asnsql's)."]
    head += [f"# {line}" for line in comment.splitlines() if line.strip()]
    if error is not None:
        entries = {"error": error}
        text = "\n".join(head) + "\n" + yaml.safe_dump(entries, width=200)
    else:
        entries = expected_entries(list(reference_files))
        text = "\n".join(head) + "\n" + (_flow(entries) if entries else "[]\n")
    if yaml.safe_load(text) != (entries or []):
        raise ValueError(f"{folder}: the golden YAML written does not read back as written")
    (folder / "expected.yaml").write_text(text)
    if options:
        (folder / "options.yaml").write_text(yaml.safe_dump(options, sort_keys=True))


def mode_args(options: dict) -> list[str]:
    """The ``asn_generate`` arguments of :func:`asnsql.generate` options (``options.yaml``).

    Raises
    ------
    ValueError
        For an option no mode of :data:`tools.differential.mutate.MODES` sets.
    """
    from .mutate import MODES

    args: list[str] = []
    for name, value in sorted(options.items()):
        if name == "ids":
            args += ["-i", *value]
            continue
        flags = [m[1] for m in MODES.values() if m[2] == {name: value}]
        if not flags:
            raise ValueError(f"option {name}={value!r} is no asn_generate mode")
        args += flags[0]
    return args


def regenerate(folder: Path, reference) -> list[str]:
    """Rewrite ``folder/expected.yaml`` from the reference's output for ``folder/pool.csv``.

    Parameters
    ----------
    folder : path
        A golden pool folder (``pool.csv``, optional ``options.yaml``).
    reference : tools.differential.reference.Reference

    Returns
    -------
    list of str
        The association files the reference wrote.

    Notes
    -----
    Comment lines of an existing ``expected.yaml`` (other than the generated first line)
    are kept: they say what the case shows.
    """
    import tempfile

    folder = Path(folder)
    options = {}
    if (folder / "options.yaml").is_file():
        options = yaml.safe_load((folder / "options.yaml").read_text()) or {}
    args = mode_args(options)
    comment = ""
    if (folder / "expected.yaml").is_file():
        lines = (folder / "expected.yaml").read_text().splitlines()
        comment = "\n".join(line[1:].strip() for line in lines
                            if line.startswith("#") and "Written from" not in line)
    with tempfile.TemporaryDirectory(prefix="asnsql-golden-") as tmp:
        outcome = reference.run(folder / "pool.csv", Path(tmp), args)
        if outcome.status == "timeout":
            raise RuntimeError(f"{folder}: the reference did not finish: {outcome.message}")
        files = sorted(Path(tmp).glob("*_asn.json"))
        write_golden(folder, files, args, options, comment,
                     error=outcome.message if outcome.status == "error" else None)
        return [p.name for p in files]
