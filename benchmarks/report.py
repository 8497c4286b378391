"""The Markdown of benchmarks/RESULTS.md: the tables and targets of what
:mod:`benchmarks.run` measured, and the sections kept between marker comments.
"""

from __future__ import annotations

import re

__all__ = ["render", "targets", "marked_sections", "assemble", "GENERATE_ARGS", "COMMANDS",
           "MAX_RSS_MB", "LARGE_TIMEOUT"]

#: The command-line arguments of the scale runs after ``asnsql generate POOL -p OUT``.
GENERATE_ARGS = ("--format", "parquet", "-q", "--version-id", "v0")
#: The two scale commands: name -> extra arguments, and how the tables call them.
COMMANDS = {
    "pool": ((), "`asnsql generate --format parquet`"),
    "by_program": (("--by-program",), "`asnsql generate --by-program --format parquet`"),
}
#: Limits of a scale run, which is killed beyond them (and reported so): resident MiB (the
#: machine is shared), and seconds for the largest pool's run.
MAX_RSS_MB = 16 * 1024
LARGE_TIMEOUT = 25 * 60
def _fmt_seconds(seconds: float) -> str:
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


def _speed(reference: float | None, ours: float | None) -> str:
    if not reference or not ours:
        return ""
    ratio = reference / ours
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.1f}x"


def _loads(load) -> str:
    if not load:
        return ""
    return (f"load average {load[0]:.1f} at the start, {load[-1]:.1f} at the end"
            if len(load) > 1 else f"load average {load[0]:.1f}")


def inprocess_reference(r: dict) -> float | None:
    """The reference's time a pool's in-process figure is compared with: the reference
    timed in-process in the same run (``reference_inprocess``, ``--reference``) when it
    was, else the stored ``reference_seconds`` of the pool's ``meta.json``."""
    return r.get("reference_inprocess") or r["reference"]


def _limit_text(corpus: dict) -> str:
    limit = corpus.get("reference_limit")
    if limit is None:
        return "shortest"
    return f"at most {limit:g} s" if limit > 0 else "any"


def _render_corpus(corpus: dict) -> list[str]:
    pools = corpus["pools"]
    total_ref = sum(r["reference"] or 0 for r in pools)
    total_cli = sum(r["asnsql"] for r in pools)
    live = [r for r in pools if r.get("reference_inprocess") is not None]
    # (runs before these were recorded took the best of 3 on both)
    repeats, inprocess_repeats = corpus.get("repeats", 3), corpus.get("inprocess_repeats", 3)
    if live:
        reference_text = (
            "jwst 3.0.0 `asn_generate`'s time from each pool's `meta.json` (measured where "
            "the corpus was made); beside the in-process figures, on the "
            f"{len(live)} pools whose stored time is {_limit_text(corpus)}, jwst "
            f"{corpus.get('reference_version', '')} timed in this run, in one warm process "
            "(`Main.cli([pool, '-p', scratch, '--version-id', 'v0', '--dry-run'])`, best of "
            f"{inprocess_repeats} after a warm-up call, right after asnsql's calls on the "
            "same pool), and the in-process speed-up taken against that. ")
    else:
        reference_text = ("jwst 3.0.0 `asn_generate`'s time from each pool's `meta.json` "
                          "(no reference run here). ")
    lines = ["## Corpus: every pool beside the reference", "",
             f"{_loads(corpus.get('load')).capitalize()}. *Reference*: {reference_text}"
             "*Command line*: a fresh `asnsql generate POOL -p OUT -q --version-id v0` "
             f"process (JSON files, as the reference writes), best of {repeats}. "
             "*In-process*: `asnsql.generate(path, version_id='v0')`, every pool in one warm "
             f"process, best of {inprocess_repeats} after a warm-up call.", "",
             f"Whole corpus: reference {total_ref:.1f} s; command line, a process per pool, "
             f"{total_cli:.1f} s ({_speed(total_ref, total_cli)}); in one process through the "
             f"Python API (`generate_batch`): {corpus['batch']['seconds']:.2f} s for "
             f"{corpus['batch']['pools']} pools."]
    with_inprocess = [r for r in pools if r.get("inprocess") is not None
                      and inprocess_reference(r)]
    if with_inprocess:
        total_in = sum(r["inprocess"] for r in with_inprocess)
        faster = [r for r in with_inprocess if r["inprocess"] <= inprocess_reference(r)]
        slower = sorted((r for r in with_inprocess if r["inprocess"] > inprocess_reference(r)),
                        key=lambda r: inprocess_reference(r) / r["inprocess"])
        total_ref_in = sum(inprocess_reference(r) for r in with_inprocess)
        lines += ["", f"In-process, asnsql is at least as fast as the reference on "
                  f"{len(faster)} of {len(with_inprocess)} pools (sum of the per-pool times: "
                  f"{total_in:.2f} s against {total_ref_in:.1f} s)" + (":" if slower else ".")]
        if slower:
            lines[-1] += " slower on " + ", ".join(
                f"{r['pool']} ({r['rows']} rows: {r['inprocess'] * 1e3:.0f} ms against "
                f"{inprocess_reference(r) * 1e3:.0f} ms)" for r in slower) + "."
    head = ("| pool | rows | reference (s) | command line (s) | speed-up | in-process (s) "
            "| speed-up |")
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if live:
        head = head.replace("| in-process (s) ", "| reference in-process, this run (s) "
                            "| in-process (s) ")
        rule += "---:|"
    lines += ["", head, rule]
    for r in pools:
        ref = r["reference"]
        inproc = r.get("inprocess")
        here = r.get("reference_inprocess")
        cell = (f"{'' if here is None else f'{here:.3f}'} | " if live else "")
        lines.append(f"| {r['pool']} | {r['rows']} | {ref if ref is not None else ''} | "
                     f"{r['asnsql']:.2f} | {_speed(ref, r['asnsql'])} | {cell}"
                     f"{'' if inproc is None else f'{inproc:.3f}'} | "
                     f"{_speed(inprocess_reference(r), inproc)} |")
    slowest = sorted((r for r in pools if r["reference"]), key=lambda r: -r["reference"])[:5]
    if slowest:
        lines += ["", "### The reference's slowest pools", "",
                  "| pool | rows | reference (s) | command line (s) | speed-up | "
                  "in-process (s) | speed-up |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in slowest:
            inproc = r.get("inprocess")
            lines.append(f"| {r['pool']} | {r['rows']} | {r['reference']} | "
                         f"{r['asnsql']:.2f} | {_speed(r['reference'], r['asnsql'])} | "
                         f"{'' if inproc is None else f'{inproc:.3f}'} | "
                         f"{_speed(inprocess_reference(r), inproc)} |")
    return lines + [""]


def _render_scale(scale: list[dict]) -> list[str]:
    lines = ["## Scale: synthetic archive pools on the command line", "",
             "Real corpus pools copied under fresh programs (`benchmarks/archive.py`). Each "
             "command is a fresh process, `asnsql generate POOL -p OUT --format parquet -q "
             "--version-id v0`, with and without `--by-program`, timed from outside (wall "
             "time) with its peak RSS (`ru_maxrss` of the child, `os.wait4`; MB = MiB). "
             "The floor is DuckDB alone (fresh Python, `import duckdb`) loading the same file "
             "into a table and running one GROUP BY. Per size they run in turn: floor, each "
             "command, floor, each command, floor; the floor is the best of three, each "
             "command the best of two (the largest pool: floor, one `--by-program` run, "
             "floor). A run is killed past "
             f"{MAX_RSS_MB / 1024:.0f} GiB resident (the machine's memory is shared with "
             f"other jobs) and the largest pool's run after {LARGE_TIMEOUT / 60:.0f} minutes; "
             "the table then says when and at what size. *Load*: the load average when the "
             "size started and ended (other jobs share the machine: wall times are upper "
             "bounds).", "",
             "| rows | programs | MB | load | floor (s) | command | associations | "
             "wall (s) | × floor | µs/row | peak RSS (MB) |",
             "|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|"]
    for r in scale:
        for name, (_, label) in COMMANDS.items():
            entry = r.get(name)
            if entry is None:
                continue
            head = (f"| {r['rows']} | {r['programs']} | {r['bytes'] / 1e6:.0f} | "
                    f"{r['load'][0]:.1f}-{r['load'][-1]:.1f} | {r['floor']:.2f} | {label} | ")
            if entry.get("seconds") is None:
                what = entry.get("stopped") or entry.get("error") or "not run"
                lines.append(head + f"| {what} | | | {entry['rss_mb']:.0f} |")
                continue
            lines.append(head + f"{entry['associations']} | {_fmt_seconds(entry['seconds'])}"
                         f" | {entry['seconds'] / r['floor']:.1f} | "
                         f"{entry['seconds'] / r['rows'] * 1e6:.0f} | {entry['rss_mb']:.0f} |")
    return lines + [""]


def render(results: dict) -> str:
    """The Markdown of RESULTS.md outside its marked sections.

    Parameters
    ----------
    results : dict
        What :func:`main_all` measured (``date``, ``commit``, ``machine``, and any of
        ``targets``, ``corpus``, ``scale``, ``writing``, ``startup``, ``load``,
        ``started``, ``ended``, ``minutes``, and ``kept``: the sections copied from an
        earlier run, with that run's date and commit).

    Returns
    -------
    str
        The Markdown text.
    """
    import duckdb

    when = results["date"]
    if results.get("started") and results.get("ended"):
        when += f" {results['started']}-{results['ended']} UTC"
    if results.get("minutes") is not None:
        when += f" ({results['minutes']:.0f} min)"
    load = _loads(results.get("load"))
    lines = ["# asnsql benchmarks", "",
             f"Measured {when} at commit `{results['commit']}` on {results['machine']}, "
             f"duckdb {duckdb.__version__}" + (f"; {load}" if load else "") + ". "
             + ("asnsql's modules were compiled to bytecode first, as a wheel install "
                "does. " if results.get("bytecode") else "")
             + "Regenerate with `python -m benchmarks all` (see `python -m benchmarks "
             "--help`); the sections between marker comments below are each kept or "
             "regenerated by it as their headers say.", ""]
    targets = results.get("targets", {})
    if targets:
        lines += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
        for name, (measured, met) in targets.items():
            lines.append(f"| {name} | {measured} | {'yes' if met else '**no**'} |")
        lines.append("")
    kept = results.get("kept", {})

    def provenance(section: str, body: list[str]) -> list[str]:
        # (a section this run did not measure: from which run its figures are)
        if section not in kept:
            return body
        return body[:2] + [f"*Not measured by this run: figures of the run of "
                           f"{kept[section]}.*", ""] + body[2:]

    if results.get("corpus"):
        lines += provenance("corpus", _render_corpus(results["corpus"]))
    if results.get("scale"):
        lines += provenance("scale", _render_scale(results["scale"]))
    writing = results.get("writing")
    if writing:
        lines += provenance("writing", [
                  "## Writing associations", "",
                  f"{writing['associations']} associations of a "
                  f"{writing.get('rows', '')}-row archive pool, in-process:", "",
                  "| output | seconds |", "|---|---:|",
                  f"| one JSON file each (`--format json`) | {writing['json']:.1f} |",
                  f"| one JSON-lines file (`--format jsonl`) | {writing['jsonl']:.1f} |",
                  f"| Parquet tables (`--format parquet`) | {writing['parquet']:.1f} |", ""])
    startup = results.get("startup")
    if startup:
        lines += [f"CLI start-up (`asnsql --help`, best of 5): {startup['seconds']:.2f} s.", ""]
    return "\n".join(lines)


def _scale_target(r: dict, name: str, bound: float) -> tuple[str, bool]:
    entry = r.get(name) or {}
    if entry.get("seconds") is None:
        return (entry.get("stopped") or entry.get("error") or "not run", False)
    ratio = entry["seconds"] / r["floor"]
    return (f"{ratio:.1f}x ({_fmt_seconds(entry['seconds'])} s; floor {r['floor']:.2f} s)",
            ratio <= bound)


#: The small pool of issue 17's command-line target (``examples/`` has it too).
SMALL_POOL = "jw88600_20171108T051731_pool"


def targets(results: dict) -> dict:
    """The targets of issue 17 and earlier ones, from what was measured.

    Parameters
    ----------
    results : dict
        As :func:`benchmarks.run.main_all` gathers them.

    Returns
    -------
    dict
        Target text -> (measured text, met).
    """
    found = {}
    pools = {r["pool"]: r for r in results.get("corpus", {}).get("pools", [])}
    for name in ("mega_pool", "jw94015_20171108T041516_pool"):
        if name in pools and pools[name]["reference"]:
            speed = pools[name]["reference"] / pools[name]["asnsql"]
            found[f"{name} at least 100x faster than the reference (command line)"] = (
                f"{speed:.0f}x ({pools[name]['asnsql']:.2f} s)", speed >= 100)
    small = pools.get(SMALL_POOL)
    if small and small.get("asnsql"):
        # (to the millisecond: a figure a few ms over 0.3 s would read 0.30)
        found[f"{SMALL_POOL} ({small['rows']} rows) on the command line at most 0.3 s"] = (
            f"{small['asnsql']:.3f} s", small["asnsql"] <= 0.3)
    measured = [r for r in pools.values() if r.get("inprocess") is not None
                and inprocess_reference(r)]
    if measured:
        faster = sum(r["inprocess"] <= inprocess_reference(r) for r in measured)
        live = sum(r.get("reference_inprocess") is not None for r in measured)
        found["in-process at least as fast as the reference on every corpus pool"] = (
            f"{faster} of {len(measured)} pools" +
            (f" (the reference timed in this run on {live})" if live else ""),
            faster == len(measured))
    if "corpus" in results:
        seconds = results["corpus"]["batch"]["seconds"]
        found["whole corpus in one process under 10 s"] = (f"{seconds:.1f} s", seconds < 10)
    if "startup" in results:
        seconds = results["startup"]["seconds"]
        found["`asnsql --help` under 0.5 s"] = (f"{seconds:.2f} s", seconds < 0.5)
    regular = [r for r in results.get("scale", []) if not r.get("large")]
    big = [r for r in regular if r["rows"] >= 1_000_000]
    if big:
        r = big[0]
        label = f"{r['rows'] / 1e6:.0f}M rows"
        found[f"{label}, {COMMANDS['pool'][1]}: within 6x the DuckDB floor"] = \
            _scale_target(r, "pool", 6)
        rss = r["pool"]["rss_mb"]
        found[f"{label}, {COMMANDS['pool'][1]}: at most 3 GB peak RSS"] = (
            f"{rss / 1024:.2f} GB ({rss:.0f} MB)", 0 < rss <= 3 * 1024)
        found[f"{label}, {COMMANDS['by_program'][1]}: within 5x the DuckDB floor"] = \
            _scale_target(r, "by_program", 5)
        mid = [s for s in regular if 90_000 <= s["rows"] <= 110_000]
        if mid and r["by_program"].get("seconds") and mid[0]["by_program"].get("seconds"):
            growth = ((r["by_program"]["seconds"] / r["rows"])
                      / (mid[0]["by_program"]["seconds"] / mid[0]["rows"]))
            found[f"`--by-program`: time per row at {label} within 1.5x of that at 100k"] = (
                f"{growth:.2f}x", growth <= 1.5)
    return found


#: A section of RESULTS.md kept between marker comments: ``<!-- name -->`` ...
#: ``<!-- /name -->``, or the Spark section's ``<!-- spark:begin -->`` ... ``<!-- spark:end -->``.
_MARKED = re.compile(r"<!-- spark:begin -->.*?<!-- spark:end -->"
                     r"|<!-- (?!/)(?!spark:)([^>]+?) -->.*?<!-- /\1 -->", re.S)


def marked_sections(text: str) -> list[str]:
    """The sections of ``text`` between marker comments, in order.

    Parameters
    ----------
    text : str
        RESULTS.md as it stands.

    Returns
    -------
    list of str
        Each section, markers included.
    """
    return [m.group(0) for m in _MARKED.finditer(text)]


def _marker(section: str) -> str:
    return section.split("-->", 1)[0] + "-->"


def assemble(body: str, sections: list[str], replace: list[str] = ()) -> str:
    """RESULTS.md: ``body``, then the marked ``sections``, each of ``replace`` put in place
    of the section with its opening marker (or added at the end).

    Parameters
    ----------
    body : str
        The text outside the marked sections (:func:`render`).
    sections : list of str
        Marked sections kept from the earlier RESULTS.md (:func:`marked_sections`).
    replace : list of str
        Newly measured marked sections.

    Returns
    -------
    str
        The whole file's text.
    """
    sections = list(sections)
    for new in replace:
        at = [i for i, s in enumerate(sections) if _marker(s) == _marker(new)]
        if at:
            sections[at[0]] = new
        else:
            sections.append(new)
    return "\n\n".join([body.rstrip("\n"), *sections]) + "\n"
