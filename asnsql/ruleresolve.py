"""Rules of a rule file -> :class:`~asnsql.model.Rule`: keys, member roles, the parts a
rule uses, the file's defaults, and the Level-3 base wrapped around each rule.

A rule is resolved from its own fields and those it inherits: each named part it uses
(``use: [NAME, ...]``, or ``{part: NAME, roles: [...]}`` for some roles only), the file's
``defaults`` and, in a Level-3 file, the ``base`` (whose keys, conditions and roles wrap a
rule with one role, ``member``). Problems are reported into the
:class:`~asnsql.rulecheck.RuleContext`.
"""

from __future__ import annotations

from typing import Any

from . import model
from .model import Condition, Key, Role, Rule
from .ruleconditions import all_of, match_test, parse_condition
from .rulecheck import RuleContext, as_tuple, check_columns, check_fields, check_names

__all__ = ["PART_FIELDS", "parse_bundle", "resolve_rule"]

_RULE_FIELDS = {"name", "doc", "asn_type", "exptype", "product", "product_name",
                "integrations", "use", "keys", "record", "where", "members", "replay",
                "validity", "finalize", "locks"}
PART_FIELDS = {"keys", "record", "where", "members", "replay"}
_KEY_FIELDS = {"name", "attr", "optional", "match", "when", "roles", "constant",
               "constant_when"}
_ROLE_FIELDS = {"role", "when", "joins", "creates", "replay", "exptype",
                "not_containing_owner", "reports_match"}
_MEMBER_EXPTYPES = {"science", "background", "imprint", "psf", "target_acquisition",
                    "direct_image", "autoflat", "autowave"}


def resolve_rule(ctx: RuleContext, node: dict, level: int, defaults: dict, parts: dict,
                 base: dict | None, index: int) -> Rule:
    """One rule of a rule file, with what it inherits.

    Parameters
    ----------
    ctx : RuleContext
        The file being parsed (``ctx.where`` names the rule); every problem is reported
        there.
    node : dict
        The rule as the YAML loader gave it, with a ``name``.
    level : {2, 3}
        The file's level.
    defaults : dict
        The file's ``defaults``: product, product_name, exptype, validity, finalize,
        integrations of a rule that does not give them.
    parts : dict
        The file's named parts, name -> mapping of keys/record/where/members/replay.
    base : dict or None
        A Level-3 file's base (:func:`parse_bundle` of ``base:``), wrapped around the rule.
    index : int
        The rule's registry index.

    Returns
    -------
    Rule
        Possibly incomplete when problems were reported.
    """
    check_fields(ctx, "rule", node, _RULE_FIELDS)
    name = node["name"]
    product = _choice(ctx, "product", node.get("product", defaults.get("product")),
                      tuple(model.PRODUCT_KINDS) + ("none",), "per_group")
    doc = " ".join(str(node.get("doc", "")).split())
    if product == "none":
        return Rule(name=name, level=level, asn_type="none", index=index, where=None, keys=(),
                    record=(), roles=(), product="none", doc=doc, source=ctx.path)
    asn_type = _asn_type(ctx, node)
    wrapped = level == 3 and base is not None
    rule_roles = ("member",) if wrapped else ()
    bundles, scoped_where = _used_parts(ctx, node, parts, rule_roles)
    bundles.append(parse_bundle(ctx, "", node, rule_roles))
    keys = [k for b in bundles for k in b["keys"]]
    record = [k for b in bundles for k in b["record"]]
    if wrapped:
        roles, where = _wrapped_roles(ctx, bundles, base)
        keys = list(base["keys"]) + keys
        record = list(base["record"]) + record
    else:
        roles, where = _own_roles(ctx, bundles, product, scoped_where)
    _check_roles(ctx, roles, keys + record, product)
    settings = _settings(ctx, node, defaults, level)
    locks = _locks(ctx, node.get("locks"), roles, keys, product)
    return Rule(name=name, level=level, asn_type=asn_type, index=index, where=where,
                keys=tuple(keys), record=tuple(record), roles=roles, product=product,
                doc=doc, source=ctx.path, locks=locks, **settings)


def _asn_type(ctx: RuleContext, node: dict) -> str:
    """The rule's ``asn_type``, a safe part of a file name (``none`` after a problem)."""
    asn_type = node.get("asn_type")
    if not isinstance(asn_type, str) or not asn_type:
        ctx.problem("asn_type", "every rule that makes associations needs an asn_type")
        return "none"
    from .safety import safe_name

    try:
        # It becomes part of every file name the rule writes.
        safe_name(asn_type, "asn_type", error=ValueError)
    except ValueError as err:
        ctx.problem("asn_type", str(err))
        return "none"
    return asn_type


def _used_parts(ctx: RuleContext, node: dict, parts: dict, rule_roles: tuple[str, ...]
                ) -> tuple[list[dict], dict[str, list[Condition]]]:
    """The bundles of the parts a rule uses (``use:``), and the conditions of those used
    for some roles only, by role name (they join those roles' ``when``)."""
    bundles = []
    scoped_where: dict[str, list[Condition]] = {}
    for use in as_tuple(node.get("use")):
        part_name, part_roles = use, rule_roles
        if isinstance(use, dict):
            # {part: NAME, roles: [...]}: the part applies to those roles only (its keys are
            # scoped to them and its conditions join their `when`).
            check_fields(ctx, "use", use, {"part", "roles"})
            part_name, part_roles = use.get("part"), check_names(ctx, "use.roles",
                                                                 use.get("roles"))
        if not isinstance(part_name, str):
            ctx.problem("use", f"expected a part name or {{part: NAME, roles: [...]}}, "
                               f"got {part_name!r}")
            continue
        if part_name not in parts:
            ctx.problem("use", f"unknown part {part_name!r} (defined: "
                               f"{', '.join(sorted(parts)) or 'none'})")
            continue
        ctx_where, ctx.where = ctx.where, f"{ctx.where} (part {part_name})"
        bundle = parse_bundle(ctx, "", parts[part_name], part_roles)
        ctx.where = ctx_where
        if part_roles != rule_roles and bundle["where"]:
            for role_name in part_roles:
                scoped_where.setdefault(role_name, []).extend(bundle["where"])
            bundle["where"] = []
        bundles.append(bundle)
    return bundles, scoped_where


def _wrapped_roles(ctx: RuleContext, bundles: list[dict], base: dict
                   ) -> tuple[tuple[Role, ...], Condition | None]:
    """A rule wrapped in a Level-3 base: its one role ``member`` (its conditions are that
    role's ``when``) and the base's roles; the rule's condition is the base's."""
    if any(b["members"] for b in bundles):
        ctx.problem("members", "a wrapped Level-3 rule has one role, `member`; describe "
                               "other exposures with keys and conditions")
    replays = [b["replay"] for b in bundles if b["replay"]]
    member = Role(name="member", when=all_of([w for b in bundles for w in b["where"]]),
                  joins="group", replay=replays[-1] if replays else "none")
    return (member,) + tuple(base["members"]), all_of(list(base["where"]))


def _own_roles(ctx: RuleContext, bundles: list[dict], product: str,
               scoped_where: dict[str, list[Condition]]
               ) -> tuple[tuple[Role, ...], Condition | None]:
    """A rule's own roles (one ``member`` role when it has none and makes a product per
    group), with the conditions of parts used for some roles; and the rule's condition."""
    members = [r for b in bundles for r in b["members"]]
    replays = [b["replay"] for b in bundles if b["replay"]]
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
    return roles, all_of([w for b in bundles for w in b["where"]])


def _check_roles(ctx: RuleContext, roles: tuple[Role, ...], keys: list[Key],
                 product: str) -> None:
    """A rule has roles, its keys name only them, and ``joins: own`` goes with a product
    per science exposure."""
    if not roles:
        ctx.problem("members", "a rule needs at least one member role")
    role_names = {r.name for r in roles}
    for key in keys:
        for role in key.roles:
            if role not in role_names:
                ctx.problem(f"keys({key.name}).roles", f"unknown role {role!r}")
    if product == "per_science" and not any(r.joins == "own" for r in roles):
        ctx.problem("members", "per_science rules need a role that joins 'own'")
    if product == "per_group" and any(r.joins == "own" for r in roles):
        ctx.problem("members", "'joins: own' needs product: per_science")


def _settings(ctx: RuleContext, node: dict, defaults: dict, level: int) -> dict[str, Any]:
    """The rule's exptype, product_name, validity, finalize and integrations, each from
    the rule or the file's defaults."""
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
    return {"exptype": exptype, "product_name": product_name, "validity": validity,
            "finalize": finalize, "integrations": integrations}

def _locks(ctx: RuleContext, node: Any, roles, keys, product: str
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
        names = check_names(ctx, f"locks({role})", names)
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


def _named_mapping(ctx: RuleContext, field: str, node: Any, kind: str, fields: set[str],
                   name_field: str, missing: str) -> str | None:
    """The name of a key or role mapping, its fields checked; ``None`` (reported) when
    ``node`` is no mapping or has no name."""
    if not isinstance(node, dict):
        ctx.problem(field, f"expected a {kind} mapping, got {node!r}")
        return None
    check_fields(ctx, field, node, fields)
    name = node.get(name_field)
    if not isinstance(name, str) or not name:
        ctx.problem(field, missing)
        return None
    return name


def _key(ctx: RuleContext, field: str, node: Any, lock: bool, roles: tuple[str, ...]
         ) -> Key | None:
    name = _named_mapping(ctx, field, node, "key", _KEY_FIELDS, "name", "a key needs a name")
    if name is None:
        return None
    field = f"{field}({name})"
    if "attr" not in node:
        ctx.problem(field, "a key needs attr")
        return None
    sources = check_columns(ctx, f"{field}.attr", as_tuple(node["attr"]))
    match: tuple[str, ...] = ()
    if "match" in node:
        test = match_test(ctx, f"{field}.match", sources, node["match"], False)
        if test is None:
            return None
        match = test.patterns if test.op == "match" else ("((?!" + test.patterns[0] + ").)*",)
    when = parse_condition(ctx, f"{field}.when", node["when"]) if "when" in node else None
    constant_when = (parse_condition(ctx, f"{field}.constant_when", node["constant_when"])
                     if "constant_when" in node else None)
    constant = node.get("constant")
    if (constant is None) != (constant_when is None):
        ctx.problem(field, "constant and constant_when go together")
    key_roles = check_names(ctx, f"{field}.roles", node.get("roles")) or roles
    return Key(name=name, sources=sources, optional=bool(node.get("optional", False)),
               match=match, when=when, roles=key_roles,
               constant=None if constant is None else str(constant).lower(),
               constant_when=constant_when, lock=lock)


def _role(ctx: RuleContext, field: str, node: Any) -> Role | None:
    name = _named_mapping(ctx, field, node, "role", _ROLE_FIELDS, "role",
                          "a member role needs a name (role: ...)")
    if name is None:
        return None
    field = f"{field}({name})"
    joins = node.get("joins", "group")
    if not isinstance(joins, str) or joins not in model.JOIN_KINDS:
        ctx.problem(f"{field}.joins", f"unknown join {joins!r} (known: "
                                      f"{', '.join(model.JOIN_KINDS)})")
    replay = node.get("replay", "none")
    if not isinstance(replay, str) or replay not in model.REPLAYS:
        ctx.problem(f"{field}.replay", f"unknown replay {replay!r} (known: "
                                       f"{', '.join(model.REPLAYS)})")
    exptype = node.get("exptype")
    if exptype is not None and (not isinstance(exptype, str)
                                or exptype not in _MEMBER_EXPTYPES):
        ctx.problem(f"{field}.exptype", f"unknown member exptype {exptype!r}")
    when = parse_condition(ctx, f"{field}.when", node["when"]) if "when" in node else None
    owner_attr = node.get("not_containing_owner")
    if owner_attr is not None:
        checked = check_columns(ctx, f"{field}.not_containing_owner", (owner_attr,))
        owner_attr = checked[0] if checked else None
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
    if not isinstance(value, str) or value not in allowed:
        ctx.problem(field, f"unknown value {value!r} (known: {', '.join(allowed)})")
        return default
    return value


def _names(ctx, field, value, allowed) -> tuple[str, ...]:
    out = []
    for name in as_tuple(value):
        if not isinstance(name, str) or name not in allowed:
            ctx.problem(field, f"unknown name {name!r} (known: {', '.join(sorted(allowed))})")
        else:
            out.append(name)
    return tuple(out)


def parse_bundle(ctx: RuleContext, field: str, node: dict, rule_roles: tuple[str, ...]
                 ) -> dict:
    """Parse keys/record/where/members/replay of a rule, part or base.

    Parameters
    ----------
    ctx : RuleContext
        The file being parsed; every problem is reported there.
    field : str
        Prefix of the fields named in problems (``""`` at the top of a rule, part or base).
    node : dict
        The rule, part or base as the YAML loader gave it.
    rule_roles : tuple of str
        The roles its keys apply to when a key names none (``()``: every role).

    Returns
    -------
    dict
        ``keys`` and ``record`` (lists of Key), ``where`` (a list of at most one
        Condition), ``members`` (a list of Role) and ``replay`` (str or None); what has a
        problem is left out.
    """
    out: dict[str, Any] = {"keys": [], "record": [], "where": [], "members": [], "replay": None}
    if not isinstance(node, dict):
        ctx.problem(field or "rule", f"expected a mapping, got {node!r}")
        return out
    for i, item in enumerate(as_tuple(node.get("keys"))):
        key = _key(ctx, f"{field}keys[{i}]", item, True, rule_roles)
        if key is not None:
            out["keys"].append(key)
    for i, item in enumerate(as_tuple(node.get("record"))):
        key = _key(ctx, f"{field}record[{i}]", item, False, rule_roles)
        if key is not None:
            out["record"].append(key)
    if node.get("where") is not None:
        where = parse_condition(ctx, f"{field}where", node["where"])
        if where is not None:
            out["where"].append(where)
    for i, item in enumerate(as_tuple(node.get("members"))):
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
    return replace(role, when=all_of(conditions))
