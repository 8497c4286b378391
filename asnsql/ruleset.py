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
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import model
from .errors import RuleError
from .model import (
    AttrTest,
    CandidateTest,
    Composite,
    Condition,
    ExptypeTest,
    Key,
    PredicateTest,
    Role,
    Rule,
    Ruleset,
)
from .profiles import Profile, get_profile

__all__ = ["load_rules", "default_ruleset", "parse_rule_file"]


@lru_cache(maxsize=None)
def _yaml():
    """PyYAML and its safe loader: libyaml's when PyYAML has it (ten times faster), else
    the pure-Python one. Imported on first use: a run whose plan comes from the cache
    reads no rule file."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_LOOKAHEAD = re.compile(r"^\(\(\?!(?P<text>[^()|*+?\\]+)\)\.\)\*$")
_CONDITION_OPS = ("all", "any", "not_any", "not_all", "not")
_LEAF_FORMS = (
    "{attr: COLUMN, match: PATTERN}",
    "{attr: COLUMN, defined: true|false}",
    "{attr: COLUMN, not_contains: TEXT}",
    "{exptype: VALUE}",
    "{base_exptype: VALUE}",
    "{candidate_type: VALUE}",
    "{test: PREDICATE, is: true|false}",
    "{use: CONDITION}",
) + tuple(f"{{{op}: [...]}}" for op in _CONDITION_OPS)

_FILE_FIELDS = {"level", "schema", "defaults", "base", "lists", "conditions", "parts",
                "columns", "rules"}
_RULE_FIELDS = {"name", "doc", "asn_type", "exptype", "product", "product_name",
                "integrations", "use", "keys", "record", "where", "members", "replay",
                "validity", "finalize", "locks"}
_PART_FIELDS = {"keys", "record", "where", "members", "replay"}
_DEFAULT_FIELDS = {"exptype", "product", "product_name", "validity", "finalize",
                   "integrations"}
_KEY_FIELDS = {"name", "attr", "optional", "match", "when", "roles", "constant",
               "constant_when"}
_ROLE_FIELDS = {"role", "when", "joins", "creates", "replay", "exptype",
                "not_containing_owner", "reports_match"}
_MEMBER_EXPTYPES = {"science", "background", "imprint", "psf", "target_acquisition",
                    "direct_image", "autoflat", "autowave"}


class _Context:
    """Where we are in a rule file, and the problems collected so far."""

    def __init__(self, path: str, columns: set[str], conditions: dict[str, Any],
                 profile: Profile):
        self.path = path
        self.columns = columns
        self.profile = profile
        self.conditions = conditions
        self.problems: list[str] = []
        self.where = ""
        self._using: list[str] = []

    def problem(self, field: str, message: str) -> None:
        place = f"{self.path}: {self.where}" if self.where else self.path
        self.problems.append(f"{place}: {field}: {message}")


def _as_tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _check_fields(ctx: _Context, field: str, node: dict, allowed: set[str]) -> None:
    for name in node:
        if name not in allowed:
            ctx.problem(field, f"unknown field {name!r} (allowed: {', '.join(sorted(allowed))})")


def _check_columns(ctx: _Context, field: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for column in columns:
        if not isinstance(column, str) or not column:
            ctx.problem(field, f"column names must be strings, got {column!r}")
            continue
        name = column.lower()
        if name not in ctx.columns:
            ctx.problem(field, f"unknown column {column!r}; list non-standard columns under "
                               "`columns:` at the top of the rule file")
        out.append(name)
    return tuple(out)


def _check_pattern(ctx: _Context, field: str, pattern: Any) -> str | None:
    if not isinstance(pattern, (str, int, float)) or isinstance(pattern, bool):
        ctx.problem(field, f"a pattern must be a string, got {pattern!r}")
        return None
    text = str(pattern)
    try:
        re.compile(text)
    except re.error as err:
        ctx.problem(field, f"bad regular expression {text!r}: {err}")
        return None
    if re.search(r"\(\?<?[=!]", text) or re.search(r"\\[1-9]", text):
        ctx.problem(field, f"regular expression {text!r} uses look-around or back-references, "
                           "which DuckDB (RE2) cannot run; only the reference's "
                           "'((?!TEXT).)*' form (does not contain TEXT) is translated")
        return None
    return text


def _values(ctx: _Context, field: str, value: Any) -> tuple[tuple[str, ...], bool]:
    """Parse ``VALUE``, ``[VALUE, ...]`` or ``{not: VALUE}``; return (values, negate)."""
    negate = False
    if isinstance(value, dict):
        if set(value) != {"not"}:
            ctx.problem(field, f"expected a value, a list or {{not: VALUE}}, got {value!r}")
            return (), False
        negate, value = True, value["not"]
    values = tuple(str(v).lower() for v in _as_tuple(value))
    if not values:
        ctx.problem(field, "no value given")
    return values, negate


def _condition(ctx: _Context, field: str, node: Any) -> Condition | None:
    """Parse one condition node; report problems and return ``None`` on error."""
    if isinstance(node, list):
        children = [_condition(ctx, f"{field}[{i}]", c) for i, c in enumerate(node)]
        if any(c is None for c in children):
            return None
        return children[0] if len(children) == 1 else Composite("all", tuple(children))
    if not isinstance(node, dict) or not node:
        ctx.problem(field, f"expected a condition mapping, got {node!r}")
        return None
    ops = [k for k in node if k in _CONDITION_OPS]
    if ops:
        if len(node) != 1:
            ctx.problem(field, f"{ops[0]!r} must be alone in its mapping, got {sorted(node)}")
            return None
        op = ops[0]
        if op == "not":
            child = _condition(ctx, f"{field}.not", node["not"])
            return None if child is None else Composite("not_any", (child,))
        items = node[op]
        if not isinstance(items, list) or not items:
            ctx.problem(f"{field}.{op}", "expected a non-empty list of conditions")
            return None
        children = [_condition(ctx, f"{field}.{op}[{i}]", c) for i, c in enumerate(items)]
        if any(c is None for c in children):
            return None
        return Composite(op, tuple(children))
    if "use" in node:
        _check_fields(ctx, field, node, {"use"})
        name = node["use"]
        if name not in ctx.conditions:
            ctx.problem(field, f"unknown condition {name!r} (defined: "
                               f"{', '.join(sorted(ctx.conditions)) or 'none'})")
            return None
        if name in ctx._using:
            ctx.problem(field, f"condition {name!r} uses itself")
            return None
        ctx._using.append(name)
        try:
            return _condition(ctx, f"{field}(use {name})", ctx.conditions[name])
        finally:
            ctx._using.pop()
    if "attr" in node:
        _check_fields(ctx, field, node, {"attr", "match", "defined", "not_contains", "optional"})
        sources = _check_columns(ctx, f"{field}.attr", _as_tuple(node["attr"]))
        optional = bool(node.get("optional", False))
        tests = [k for k in ("match", "defined", "not_contains") if k in node]
        if len(tests) != 1:
            ctx.problem(field, "an attribute test needs exactly one of match, defined, "
                               "not_contains")
            return None
        if "defined" in node:
            if not isinstance(node["defined"], bool):
                ctx.problem(f"{field}.defined", "expected true or false")
                return None
            return AttrTest(sources, "defined", negate=not node["defined"])
        if "not_contains" in node:
            return AttrTest(sources, "not_contains", (str(node["not_contains"]).lower(),),
                            optional=optional)
        return _match_test(ctx, f"{field}.match", sources, node["match"], optional)
    if "exptype" in node or "base_exptype" in node:
        key = "exptype" if "exptype" in node else "base_exptype"
        _check_fields(ctx, field, node, {key})
        values, negate = _values(ctx, f"{field}.{key}", node[key])
        return ExptypeTest(values, base=(key == "base_exptype"), negate=negate)
    if "candidate_type" in node:
        _check_fields(ctx, field, node, {"candidate_type"})
        values, negate = _values(ctx, f"{field}.candidate_type", node["candidate_type"])
        return CandidateTest(values, negate)
    if "test" in node:
        _check_fields(ctx, field, node, {"test", "is"})
        name = node["test"]
        predicates = ctx.profile.vocabulary.predicates
        if name not in predicates:
            ctx.problem(f"{field}.test", f"unknown predicate {name!r} (known: "
                                         f"{', '.join(sorted(predicates))})")
            return None
        expect = node.get("is", True)
        if not isinstance(expect, bool):
            ctx.problem(f"{field}.is", "expected true or false")
            return None
        return PredicateTest(name, expect)
    ctx.problem(field, f"unknown condition operator(s) {sorted(node)}; allowed forms: "
                       + "; ".join(_LEAF_FORMS))
    return None


def _match_test(ctx, field, sources, value, optional) -> AttrTest | None:
    values = _as_tuple(value)
    if len(values) == 1 and isinstance(values[0], str):
        lookahead = _LOOKAHEAD.match(values[0])
        if lookahead:
            # The reference's "((?!X).)*": the value does not contain X (spec section 15).
            return AttrTest(sources, "not_contains", (lookahead["text"].lower(),),
                            optional=optional)
    patterns = []
    for pattern in values:
        checked = _check_pattern(ctx, field, pattern)
        if checked is None:
            return None
        patterns.append(checked)
    if not patterns:
        ctx.problem(field, "no pattern given")
        return None
    return AttrTest(sources, "match", tuple(patterns), optional=optional)


def _key(ctx: _Context, field: str, node: Any, lock: bool, roles: tuple[str, ...]) -> Key | None:
    if not isinstance(node, dict):
        ctx.problem(field, f"expected a key mapping, got {node!r}")
        return None
    _check_fields(ctx, field, node, _KEY_FIELDS)
    name = node.get("name")
    if not isinstance(name, str) or not name:
        ctx.problem(field, "a key needs a name")
        return None
    field = f"{field}({name})"
    if "attr" not in node:
        ctx.problem(field, "a key needs attr")
        return None
    sources = _check_columns(ctx, f"{field}.attr", _as_tuple(node["attr"]))
    match: tuple[str, ...] = ()
    if "match" in node:
        test = _match_test(ctx, f"{field}.match", sources, node["match"], False)
        if test is None:
            return None
        match = test.patterns if test.op == "match" else ("((?!" + test.patterns[0] + ").)*",)
    when = _condition(ctx, f"{field}.when", node["when"]) if "when" in node else None
    constant_when = (_condition(ctx, f"{field}.constant_when", node["constant_when"])
                     if "constant_when" in node else None)
    constant = node.get("constant")
    if (constant is None) != (constant_when is None):
        ctx.problem(field, "constant and constant_when go together")
    key_roles = tuple(_as_tuple(node.get("roles"))) or roles
    return Key(name=name, sources=sources, optional=bool(node.get("optional", False)),
               match=match, when=when, roles=key_roles,
               constant=None if constant is None else str(constant).lower(),
               constant_when=constant_when, lock=lock)


def _role(ctx: _Context, field: str, node: Any) -> Role | None:
    if not isinstance(node, dict):
        ctx.problem(field, f"expected a role mapping, got {node!r}")
        return None
    _check_fields(ctx, field, node, _ROLE_FIELDS)
    name = node.get("role")
    if not isinstance(name, str) or not name:
        ctx.problem(field, "a member role needs a name (role: ...)")
        return None
    field = f"{field}({name})"
    joins = node.get("joins", "group")
    if joins not in model.JOIN_KINDS:
        ctx.problem(f"{field}.joins", f"unknown join {joins!r} (known: "
                                      f"{', '.join(model.JOIN_KINDS)})")
    replay = node.get("replay", "none")
    if replay not in model.REPLAYS:
        ctx.problem(f"{field}.replay", f"unknown replay {replay!r} (known: "
                                       f"{', '.join(model.REPLAYS)})")
    exptype = node.get("exptype")
    if exptype is not None and exptype not in _MEMBER_EXPTYPES:
        ctx.problem(f"{field}.exptype", f"unknown member exptype {exptype!r}")
    when = _condition(ctx, f"{field}.when", node["when"]) if "when" in node else None
    owner_attr = node.get("not_containing_owner")
    if owner_attr is not None:
        owner_attr = _check_columns(ctx, f"{field}.not_containing_owner", (owner_attr,))[0]
        if joins != "all":
            ctx.problem(f"{field}.not_containing_owner", "only a role that joins 'all' "
                                                          "compares with the association's owner")
    reports_match = node.get("reports_match", True)
    if not isinstance(reports_match, bool):
        ctx.problem(f"{field}.reports_match", f"expected true or false, got {reports_match!r}")
    elif not reports_match and joins != "all":
        ctx.problem(f"{field}.reports_match", "only a role that joins 'all' can report no "
                                              "match (force_match)")
    return Role(name=name, when=when, joins=joins, creates=bool(node.get("creates", True)),
                replay=replay, exptype=exptype, not_containing_owner=owner_attr,
                reports_match=bool(reports_match))


def _choice(ctx, field, value, allowed, default):
    if value is None:
        return default
    if value not in allowed:
        ctx.problem(field, f"unknown value {value!r} (known: {', '.join(allowed)})")
        return default
    return value


def _names(ctx, field, value, allowed) -> tuple[str, ...]:
    out = []
    for name in _as_tuple(value):
        if name not in allowed:
            ctx.problem(field, f"unknown name {name!r} (known: {', '.join(sorted(allowed))})")
        else:
            out.append(name)
    return tuple(out)


def _bundle(ctx: _Context, field: str, node: dict, rule_roles: tuple[str, ...]) -> dict:
    """Parse keys/record/where/members/replay of a rule, part or base."""
    out: dict[str, Any] = {"keys": [], "record": [], "where": [], "members": [], "replay": None}
    for i, item in enumerate(_as_tuple(node.get("keys"))):
        key = _key(ctx, f"{field}keys[{i}]", item, True, rule_roles)
        if key is not None:
            out["keys"].append(key)
    for i, item in enumerate(_as_tuple(node.get("record"))):
        key = _key(ctx, f"{field}record[{i}]", item, False, rule_roles)
        if key is not None:
            out["record"].append(key)
    if node.get("where") is not None:
        where = _condition(ctx, f"{field}where", node["where"])
        if where is not None:
            out["where"].append(where)
    for i, item in enumerate(_as_tuple(node.get("members"))):
        role = _role(ctx, f"{field}members[{i}]", item)
        if role is not None:
            out["members"].append(role)
    if node.get("replay") is not None:
        out["replay"] = _choice(ctx, f"{field}replay", node["replay"], tuple(model.REPLAYS),
                                None)
    return out


def _with_when(role: Role, extra: list[Condition]) -> Role:
    if not extra:
        return role
    from dataclasses import replace

    conditions = ([role.when] if role.when is not None else []) + list(extra)
    return replace(role, when=_all_of(conditions))


def _all_of(conditions: list[Condition]) -> Condition | None:
    if not conditions:
        return None
    if len(conditions) == 1:
        return conditions[0]
    return Composite("all", tuple(conditions))


def _resolve_rule(ctx: _Context, node: dict, level: int, defaults: dict, parts: dict,
                  base: dict | None, index: int) -> Rule | None:
    _check_fields(ctx, "rule", node, _RULE_FIELDS)
    name = node["name"]
    product = _choice(ctx, "product", node.get("product", defaults.get("product")),
                      tuple(model.PRODUCT_KINDS) + ("none",), "per_group")
    doc = " ".join(str(node.get("doc", "")).split())
    if product == "none":
        return Rule(name=name, level=level, asn_type="none", index=index, where=None, keys=(),
                    record=(), roles=(), product="none", doc=doc, source=ctx.path)
    asn_type = node.get("asn_type")
    if not isinstance(asn_type, str) or not asn_type:
        ctx.problem("asn_type", "every rule that makes associations needs an asn_type")
        asn_type = "none"
    else:
        from .safety import safe_name

        try:
            # It becomes part of every file name the rule writes.
            safe_name(asn_type, "asn_type", error=ValueError)
        except ValueError as err:
            ctx.problem("asn_type", str(err))
            asn_type = "none"
    wrapped = level == 3 and base is not None
    rule_roles = ("member",) if wrapped else ()
    bundles = []
    scoped_where: dict[str, list[Condition]] = {}
    for use in _as_tuple(node.get("use")):
        part_name, part_roles = use, rule_roles
        if isinstance(use, dict):
            # {part: NAME, roles: [...]}: the part applies to those roles only (its keys are
            # scoped to them and its conditions join their `when`).
            _check_fields(ctx, "use", use, {"part", "roles"})
            part_name, part_roles = use.get("part"), tuple(_as_tuple(use.get("roles")))
        if part_name not in parts:
            ctx.problem("use", f"unknown part {part_name!r} (defined: "
                               f"{', '.join(sorted(parts)) or 'none'})")
            continue
        ctx_where, ctx.where = ctx.where, f"{ctx.where} (part {part_name})"
        bundle = _bundle(ctx, "", parts[part_name], part_roles)
        ctx.where = ctx_where
        if part_roles != rule_roles and bundle["where"]:
            for role_name in part_roles:
                scoped_where.setdefault(role_name, []).extend(bundle["where"])
            bundle["where"] = []
        bundles.append(bundle)
    bundles.append(_bundle(ctx, "", node, rule_roles))
    keys = [k for b in bundles for k in b["keys"]]
    record = [k for b in bundles for k in b["record"]]
    where = [w for b in bundles for w in b["where"]]
    members = [r for b in bundles for r in b["members"]]
    replays = [b["replay"] for b in bundles if b["replay"]]
    if wrapped:
        if members:
            ctx.problem("members", "a wrapped Level-3 rule has one role, `member`; describe "
                                   "other exposures with keys and conditions")
        member = Role(name="member", when=_all_of(where), joins="group",
                      replay=replays[-1] if replays else "none")
        roles = (member,) + tuple(base["members"])
        keys = list(base["keys"]) + keys
        record = list(base["record"]) + record
        top_where = _all_of(list(base["where"]))
    else:
        top_where = _all_of(where)
        if not members and product == "per_group":
            # A rule without roles: every exposure it selects forms and joins groups.
            members = [Role(name="member", joins="group",
                            replay=replays[-1] if replays else "none")]
        elif replays:
            ctx.problem("replay", "replay belongs to a member role here")
        roles = tuple(_with_when(r, scoped_where.get(r.name, [])) for r in members)
        for role_name in scoped_where:
            if role_name not in {r.name for r in roles}:
                ctx.problem("use", f"unknown role {role_name!r}")
    if not roles:
        ctx.problem("members", "a rule needs at least one member role")
    role_names = {r.name for r in roles}
    for key in keys + record:
        for role in key.roles:
            if role not in role_names:
                ctx.problem(f"keys({key.name}).roles", f"unknown role {role!r}")
    if product == "per_science" and not any(r.joins == "own" for r in roles):
        ctx.problem("members", "per_science rules need a role that joins 'own'")
    if product == "per_group" and any(r.joins == "own" for r in roles):
        ctx.problem("members", "'joins: own' needs product: per_science")
    exptype = _choice(ctx, "exptype", node.get("exptype", defaults.get("exptype")),
                      tuple(model.EXPTYPE_FUNCTIONS), "level3" if level == 3 else "level2")
    product_name = _choice(ctx, "product_name",
                           node.get("product_name", defaults.get("product_name")),
                           tuple(model.PRODUCT_NAMES), "default")
    validity = _names(ctx, "validity", node.get("validity", defaults.get("validity")),
                      ctx.profile.vocabulary.validity_tests)
    finalize = _names(ctx, "finalize", node.get("finalize", defaults.get("finalize")),
                      {h.name: h.doc for h in ctx.profile.hooks})
    integrations = node.get("integrations", defaults.get("integrations", True))
    if not isinstance(integrations, bool):
        ctx.problem("integrations", "expected true or false")
        integrations = True
    locks = _locks(ctx, node.get("locks"), roles, keys, product)
    return Rule(name=name, level=level, asn_type=asn_type, index=index, where=top_where,
                keys=tuple(keys), record=tuple(record), roles=roles, product=product,
                product_name=product_name, exptype=exptype, integrations=integrations,
                validity=validity, finalize=finalize, doc=doc, source=ctx.path, locks=locks)


def _locks(ctx: _Context, node: Any, roles, keys, product: str
           ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``locks: {ROLE: [KEY, ...]}``: the open keys an exposure joining in ROLE locks."""
    if node is None:
        return ()
    if not isinstance(node, dict):
        ctx.problem("locks", f"expected a mapping role -> key names, got {node!r}")
        return ()
    by_name = {r.name: r for r in roles}
    locked = {k.name for k in keys if k.lock}
    out = []
    for role, names in node.items():
        names = tuple(_as_tuple(names))
        if role not in by_name:
            ctx.problem(f"locks({role})", f"unknown role {role!r}")
        elif product != "per_group" or by_name[role].joins != "same_obs_num":
            ctx.problem(f"locks({role})", "only a role that joins 'same_obs_num' of a "
                                          "per_group rule locks keys")
        for key in names:
            if key not in locked:
                ctx.problem(f"locks({role})", f"unknown key {key!r}")
        out.append((role, names))
    return tuple(out)


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
    name = str(path)
    if path.suffix.lower() == ".py":
        # The reference's rule files are Python modules (asn_generate -r rules.py).
        return [], [f"{name}: a Python file; asnsql rules are YAML (the reference's Python "
                    "rule classes are not read): see docs/RULES.md"]
    yaml, loader = _yaml()
    try:
        data = yaml.load(text if text is not None else path.read_text(encoding="utf-8"),
                         Loader=loader)
    except OSError as err:
        return [], [f"{name}: cannot read the rule file: {err.strerror or err}"]
    except yaml.YAMLError as err:
        return [], [f"{name}: not valid YAML: {err}".replace("\n", " ")]
    if not isinstance(data, dict):
        return [], [f"{name}: a rule file is a mapping with `level` and `rules`"]
    conditions = data.get("conditions") or {}
    profile = get_profile(profile)
    columns = set(profile.pool.standard) | {str(c).lower()
                                            for c in _as_tuple(data.get("columns"))}
    ctx = _Context(name, columns, conditions if isinstance(conditions, dict) else {}, profile)
    _check_fields(ctx, "file", data, _FILE_FIELDS)
    level = data.get("level")
    if level not in (2, 3):
        ctx.problem("level", f"expected 2 or 3, got {level!r}")
        level = 3
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        ctx.problem("defaults", "expected a mapping")
        defaults = {}
    _check_fields(ctx, "defaults", defaults, _DEFAULT_FIELDS)
    parts = data.get("parts") or {}
    if not isinstance(parts, dict):
        ctx.problem("parts", "expected a mapping of named parts")
        parts = {}
    for part_name, part in parts.items():
        if not isinstance(part, dict):
            ctx.problem(f"parts.{part_name}", "expected a mapping")
        else:
            ctx.where = f"part {part_name}"
            _check_fields(ctx, "part", part, _PART_FIELDS)
    ctx.where = ""
    base = None
    if data.get("base") is not None:
        if level != 3:
            ctx.problem("base", "only Level-3 rule files are wrapped in a base")
        elif isinstance(data["base"], dict):
            ctx.where = "base"
            _check_fields(ctx, "base", data["base"], _PART_FIELDS)
            base = _bundle(ctx, "", data["base"], ())
            ctx.where = ""
        else:
            ctx.problem("base", "expected a mapping")
    rules_node = data.get("rules")
    if not isinstance(rules_node, list) or not rules_node:
        ctx.problem("rules", "expected a non-empty list of rules")
        return [], ctx.problems
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
        rule = _resolve_rule(ctx, node, level, defaults, parts, base, first_index + i)
        if rule is not None:
            rules.append(rule)
    return rules, ctx.problems


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
