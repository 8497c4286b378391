"""Rule files -> rule IR (:mod:`asnsql.model`), with validation.

A rule file is YAML (``rules/jwst/level2b.yaml`` and ``level3.yaml`` are the defaults). Its
vocabulary is documented in ``docs/RULES.md``; in short::

    level: 2 | 3
    defaults:   {exptype, product, product_name, validity, finalize} for every rule
    base:       (Level 3) keys/where/record/members wrapped around every rule
    lists:      named value lists (YAML anchors)
    conditions: named conditions, used as {use: NAME}
    parts:      named bundles of keys/where/record/members, used as `use: [NAME, ...]`
    columns:    extra pool columns the rules may read (beyond the standard pool columns)
    rules:      the rules, in the reference's registry order

Loading checks everything and raises one :class:`~asnsql.errors.RuleError` listing every
problem found (file, rule and field), so a rule author fixes them in one pass.

This module reads rule files and loads rulesets; conditions are parsed by
:mod:`asnsql.ruleconditions`, rules (keys, roles, parts, defaults, the Level-3 base) by
:mod:`asnsql.ruleresolve`, both reporting into a :class:`~asnsql.rulecheck.RuleContext`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import RuleError
from .model import Rule, Ruleset
from .profiles import Profile, get_profile
from .rulecheck import RuleContext, as_tuple, check_fields
from .ruleresolve import PART_FIELDS, parse_bundle, resolve_rule

__all__ = ["load_rules", "default_ruleset", "parse_rule_file"]


@lru_cache(maxsize=None)
def _yaml():
    """PyYAML and its safe loader: libyaml's when PyYAML has it (ten times faster), else
    the pure-Python one. Imported on first use: a run whose plan comes from the cache
    reads no rule file."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_FILE_FIELDS = {"level", "schema", "defaults", "base", "lists", "conditions", "parts",
                "columns", "rules"}
_DEFAULT_FIELDS = {"exptype", "product", "product_name", "validity", "finalize",
                   "integrations"}


def parse_rule_file(path: str | Path, first_index: int = 0, text: str | None = None,
                    profile: Profile | str | None = None) -> tuple[list[Rule], list[str]]:
    """Parse one rule file.

    Parameters
    ----------
    path : str or pathlib.Path
        The file; named in every problem.
    first_index : int
        Registry index of the file's first rule.
    text : str, optional
        The file content, when already read.
    profile : Profile or str, optional
        The observatory whose columns, predicates, validity tests and hooks rules may name
        (default: JWST).

    Returns
    -------
    rules : list of Rule
        The rules that parsed (possibly incomplete when there are problems).
    problems : list of str
        Every problem found; empty when the file is valid.
    """
    path = Path(path)
    data, problem = _read(path, text)
    if problem is not None:
        return [], [problem]
    conditions = data.get("conditions") or {}
    profile = get_profile(profile)
    columns = set(profile.pool.standard) | {str(c).lower()
                                            for c in as_tuple(data.get("columns"))}
    ctx = RuleContext(str(path), columns,
                      conditions if isinstance(conditions, dict) else {}, profile)
    check_fields(ctx, "file", data, _FILE_FIELDS)
    level, defaults = _level_and_defaults(ctx, data)
    parts = _parts(ctx, data)
    base = _base(ctx, data, level)
    rules_node = data.get("rules")
    if not isinstance(rules_node, list) or not rules_node:
        ctx.problem("rules", "expected a non-empty list of rules")
        return [], ctx.problems
    return _rules(ctx, rules_node, level, defaults, parts, base, first_index), ctx.problems


def _read(path: Path, text: str | None) -> tuple[dict | None, str | None]:
    """A rule file's mapping, or ``(None, problem)``."""
    name = str(path)
    if path.suffix.lower() == ".py":
        # The reference's rule files are Python modules (asn_generate -r rules.py).
        return None, (f"{name}: a Python file; asnsql rules are YAML (the reference's Python "
                      "rule classes are not read): see docs/RULES.md")
    yaml, loader = _yaml()
    try:
        data = yaml.load(text if text is not None else path.read_text(encoding="utf-8"),
                         Loader=loader)
    except OSError as err:
        return None, f"{name}: cannot read the rule file: {err.strerror or err}"
    except yaml.YAMLError as err:
        return None, f"{name}: not valid YAML: {err}".replace("\n", " ")
    if not isinstance(data, dict):
        return None, f"{name}: a rule file is a mapping with `level` and `rules`"
    return data, None


def _level_and_defaults(ctx: RuleContext, data: dict) -> tuple[int, dict]:
    """The file's ``level`` (3 after a problem) and ``defaults``."""
    level = data.get("level")
    if level not in (2, 3):
        ctx.problem("level", f"expected 2 or 3, got {level!r}")
        level = 3
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        ctx.problem("defaults", "expected a mapping")
        defaults = {}
    check_fields(ctx, "defaults", defaults, _DEFAULT_FIELDS)
    return level, defaults


def _parts(ctx: RuleContext, data: dict) -> dict[str, Any]:
    """The file's named parts (each checked here, parsed where a rule uses it)."""
    parts = data.get("parts") or {}
    if not isinstance(parts, dict):
        ctx.problem("parts", "expected a mapping of named parts")
        parts = {}
    for part_name, part in parts.items():
        if not isinstance(part, dict):
            ctx.problem(f"parts.{part_name}", "expected a mapping")
        else:
            ctx.where = f"part {part_name}"
            check_fields(ctx, "part", part, PART_FIELDS)
    ctx.where = ""
    return parts


def _base(ctx: RuleContext, data: dict, level: int) -> dict | None:
    """A Level-3 file's ``base`` (:func:`asnsql.ruleresolve.parse_bundle`), or None."""
    if data.get("base") is None:
        return None
    if level != 3:
        ctx.problem("base", "only Level-3 rule files are wrapped in a base")
    elif isinstance(data["base"], dict):
        ctx.where = "base"
        check_fields(ctx, "base", data["base"], PART_FIELDS)
        base = parse_bundle(ctx, "", data["base"], ())
        ctx.where = ""
        return base
    else:
        ctx.problem("base", "expected a mapping")
    return None


def _rules(ctx: RuleContext, rules_node: list, level: int, defaults: dict, parts: dict,
           base: dict | None, first_index: int) -> list[Rule]:
    """The file's rules, each resolved (:func:`asnsql.ruleresolve.resolve_rule`); a rule
    without a name is reported and skipped."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, node in enumerate(rules_node):
        if not isinstance(node, dict) or not isinstance(node.get("name"), str):
            ctx.where = f"rules[{i}]"
            ctx.problem("name", "every rule is a mapping with a name")
            continue
        ctx.where = f"rule {node['name']}"
        if node["name"] in seen:
            ctx.problem("name", "defined twice in this file")
        seen.add(node["name"])
        rules.append(resolve_rule(ctx, node, level, defaults, parts, base, first_index + i))
    return rules


def load_rules(paths: list[str | Path] | None = None, include_default: bool = True,
               profile: Profile | str | None = None) -> Ruleset:
    """Load rule files into a :class:`~asnsql.model.Ruleset`.

    Parameters
    ----------
    paths : list of path, optional
        User rule files, loaded after the default ones (the reference's ``-r``).
    include_default : bool
        Load the profile's default rules first (``False`` is the reference's
        ``--ignore-default``).
    profile : Profile or str, optional
        The observatory (default: JWST): its default rule files and vocabulary.

    Returns
    -------
    Ruleset
        Rules in registry order: default Level 2b, default Level 3, then user files. A user
        rule with the name of a default rule replaces it in place.

    Raises
    ------
    RuleError
        Listing every problem of every file.
    """
    profile = get_profile(profile)
    files: list[Path] = profile.rule_paths() if include_default else []
    files += [Path(p) for p in (paths or [])]
    if not files:
        raise RuleError(["no rule files: give -r FILE or drop --ignore-default"])
    rules: list[Rule] = []
    problems: list[str] = []
    for path in files:
        parsed, found = parse_rule_file(path, first_index=len(rules), profile=profile)
        problems += found
        for rule in parsed:
            existing = [i for i, r in enumerate(rules) if r.name == rule.name]
            if existing:
                keep = rules[existing[0]].index
                rules[existing[0]] = _reindex(rule, keep)
            else:
                rules.append(_reindex(rule, len(rules)))
    if problems:
        raise RuleError(problems)
    return Ruleset(tuple(rules))


def _reindex(rule: Rule, index: int) -> Rule:
    from dataclasses import replace

    return replace(rule, index=index)


@lru_cache(maxsize=1)
def default_ruleset() -> Ruleset:
    """Return the default JWST ruleset (cached)."""
    return load_rules()
