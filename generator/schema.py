"""Record types as data: a small vocabulary of typed field checks, composed from site_config."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from . import typos
from .messages import Text, describe_when, kind_of, render, say
from .problems import Problem, error, warning

ID_RE = re.compile(r"^([A-Z][A-Z0-9]*)-(\d{4})-(\d{3,})$")
PERIOD_RE = {
    "monthly": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "quarterly": re.compile(r"^\d{4}-Q[1-4]$"),
    "annual": re.compile(r"^\d{4}$"),
    "half-yearly": re.compile(r"^\d{4}-H[12]$"),  # a survey's period, never a report's
}
PERIOD_EXAMPLE = {"monthly": "2026-10", "quarterly": "2026-Q3", "annual": "2026", "half-yearly": "2026-H1"}
REPORT_PERIODS = ("monthly", "quarterly", "annual")
CODES = {"person", "dept", "ref", "record_id", "choice"}   # kinds whose values are codes without spaces
KINDS = {
    "text", "date", "bool", "number", "choice", "person", "dept", "ref", "source_ref",
    "record_id", "period", "audience", "list", "object", "map", "customer",
}


WORDS_FOR_BOOL = {**dict.fromkeys(("是", "对", "真", "有", "要", "需要", "已", "√", "y", "t"), True),
                  **dict.fromkeys(("否", "不", "不是", "错", "假", "无", "没有", "不要", "不需要", "未", "×", "n", "f"), False)}
DATE_WRITTEN = re.compile(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*[/.月]\s*(\d{1,2})\s*日?")


def as_date(value) -> dt.date | None:
    """A date written as YAML's date or as `YYYY-MM-DD` text; None for anything else."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
        try:
            return dt.date(*map(int, value.strip().split("-")))
        except ValueError:
            return None
    return None


def period_kind(value, kinds: tuple = REPORT_PERIODS) -> str | None:
    """Which of kinds (by default a report's: monthly, quarterly, annual) the period is written as."""
    text = str(value)
    return next((k for k in kinds if PERIOD_RE[k].match(text)), None)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    required: bool = False
    required_when: tuple = ()  # ((field, values), ...); field "status_from" = that status or later
    required_unless: tuple = ()
    values: tuple = ()
    of: "FieldSpec | None" = None
    struct: "Struct | None" = None
    role: str | None = None
    role_when: tuple = ()
    role_on: tuple = ()        # the date field(s) the role is checked on (the first present counts)
    not_before: tuple = ()
    types: tuple = ()
    non_empty: bool = False
    default: Any = None
    label: dict = field(default_factory=dict, compare=False, hash=False)
    # v2 record types
    not_required_when: tuple = ()  # exempts from required_when / required_unless
    in_department: str | None = None  # the person must belong to the department this field names
    in_department_severity: str = "error"
    minimum: float | None = None
    maximum: float | None = None
    periods: tuple = REPORT_PERIODS  # the period kinds a period accepts
    customer_when: tuple = ()  # a customer field is checked against customers.yml only when these hold

    def title(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.name


@dataclass(frozen=True)
class Struct:
    name: str
    fields: dict


@dataclass(frozen=True)
class RecordType:
    name: str
    folder: str
    prefix: str
    label: dict
    fields: dict
    flow: tuple = ()
    rules: tuple = ()
    locked_when: tuple = ()    # conditions under which a record is frozen (change control); () = never
    # v2 record types
    starts_from: str | None = None  # no date inside the record may be before this field's date
    unique: tuple = ()  # fields whose values together appear in one record of the type only
    receipts: dict | None = None  # {from: field, when: conditions, draft: conditions, not_before: field}
    rules_across: tuple = ()  # stage-3 rules (generator/validate.py ACROSS)
    added_in: int = 1  # 2: a company type of the same name, folder or prefix wins; see merge_types
    # audit settings (generator/audit.py): whole numbers, None when the type does not set them
    retention_years: int | None = None     # records older than that are due for a disposal decision
    review_every: int | None = None        # months between reviews of a controlled document (notice doc_number)
    effectiveness_days: int | None = None  # capa: days after the last action's done_on an effectiveness check is due

    def title(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.name

    def locked(self, fields: dict) -> bool:
        """True when a record with these fields is locked: later edits need an `amendments` entry."""
        return bool(self.locked_when) and _matches(self.locked_when, fields, self.flow)


# --- building types from data -------------------------------------------------------------

def _merge(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base.get(k), v) if k in base else v
        return out
    return over


def merge_types(default: dict, overlay: dict | None) -> dict:
    """A company's types.yml merged over the defaults: mappings key by key, lists replaced.

    A company's own type (one that names its folder or prefix) keeps its own definition where a type
    added after v1 (`added_in: 2`) has the same name, folder or prefix: that default type gives way.
    """
    own = overlay.get("types") if isinstance(overlay, dict) else None
    if isinstance(own, dict) and isinstance(default.get("types"), dict):
        own = {k: v for k, v in own.items() if isinstance(v, dict) and ("folder" in v or "prefix" in v)}
        taken = {(key, v.get(key)) for v in own.values() for key in ("folder", "prefix") if v.get(key)}
        default = dict(default, types={
            name: t for name, t in default["types"].items()
            if (t.get("added_in") or 1) < 2
            or (name not in own and ("folder", t.get("folder")) not in taken and ("prefix", t.get("prefix")) not in taken)
        })
    return _merge(default, overlay or {})


class TypesError(ValueError):
    """A wrong types.yml: the message in both languages, and where (dotted, e.g. types.capa.cost) and the key."""

    def __init__(self, where: str, text: Text, key: str | None = None):
        super().__init__(str(text))
        self.where, self.text, self.key = where, text, key

    def steps(self) -> list[str]:
        return [*self.where.split("."), *([self.key] if self.key else [])]


def _conditions(raw, where: str, key: str | None = None) -> tuple:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise TypesError(where, say("types-conditions", where=where), key)
    return tuple((str(k), tuple(v) if isinstance(v, list) else (v,)) for k, v in raw.items())


def _names(raw) -> tuple:
    """A field name or a list of them, as a tuple."""
    return tuple(raw) if isinstance(raw, (list, tuple)) else (raw,) if raw else ()


# what types.yml may say about a type and about a field (a key not here is a typing mistake, never ignored)
TYPE_KEYS = frozenset({"folder", "prefix", "label", "fields", "flow", "rules", "rules_across", "locked_when",
                       "starts_from", "unique", "receipts", "added_in", "retention_years", "review_every",
                       "effectiveness_days"})
FIELD_KEYS = frozenset({"kind", "label", "required", "required_when", "required_unless", "not_required_when",
                        "values", "of", "struct", "role", "role_when", "role_on", "not_before", "types", "non_empty",
                        "default", "in_department", "min", "max", "periods", "customer_when", "fields"})


def _known_keys(raw: dict, known: frozenset, where: str) -> None:
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
            raise TypesError(where, say("types-unknown-key", where=where, key=key, known=", ".join(sorted(known)),
                                        close=say("types-did-you-mean", close=close[0]) if close else ""), str(key))


def _spec(name: str, raw: dict, structs: dict, where: str) -> FieldSpec:
    if not isinstance(raw, dict):
        raise TypesError(where, say("types-field-mapping", where=where))
    _known_keys(raw, FIELD_KEYS, where)
    kind = raw.get("kind", "text")
    if kind not in KINDS:
        raise TypesError(where, say("types-unknown-kind", where=where, value=shown(kind), known=", ".join(sorted(KINDS))),
                         "kind")
    struct = None
    if kind == "object":
        sname = raw.get("struct")
        if sname in structs:
            struct = structs[sname]
        elif isinstance(raw.get("fields"), dict):
            struct = Struct(name, {k: _spec(k, v, structs, f"{where}.{k}") for k, v in raw["fields"].items()})
        else:
            raise TypesError(where, say("types-object", where=where))
    of = _spec(name, raw["of"], structs, f"{where}.of") if kind in ("list", "map") and "of" in raw else None
    if kind in ("list", "map") and of is None:
        of = FieldSpec(name, "text")
    values = raw.get("values") or ()
    if kind == "choice" and not values:
        raise TypesError(where, say("types-choice", where=where), "values" if "values" in raw else None)
    in_dept = raw.get("in_department")
    if isinstance(in_dept, dict):
        in_dept, in_dept_severity = in_dept.get("field"), in_dept.get("severity", "error")
    else:
        in_dept_severity = "error"
    for bound in ("min", "max"):
        if bound in raw and (isinstance(raw[bound], bool) or not isinstance(raw[bound], (int, float))):
            raise TypesError(where, say("types-bound", where=where, bound=bound, value=shown(raw[bound])), bound)
    periods = tuple(raw.get("periods") or REPORT_PERIODS)
    if any(p not in PERIOD_RE for p in periods):
        raise TypesError(where, say("types-periods", where=where, known=", ".join(PERIOD_RE)), "periods")
    return FieldSpec(
        name=name,
        kind=kind,
        required=raw.get("required") is True,
        required_when=_conditions(raw.get("required_when"), where, "required_when"),
        required_unless=_conditions(raw.get("required_unless"), where, "required_unless"),
        values=tuple(values),
        of=of,
        struct=struct,
        role=raw.get("role"),
        role_when=_conditions(raw.get("role_when"), where, "role_when"),
        role_on=_names(raw.get("role_on")),
        not_before=_names(raw.get("not_before")),
        types=tuple(raw.get("types") or ()),
        non_empty=bool(raw.get("non_empty")),
        default=raw.get("default"),
        label=_label(raw.get("label"), where),
        not_required_when=_conditions(raw.get("not_required_when"), where, "not_required_when"),
        in_department=in_dept,
        in_department_severity=in_dept_severity,
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        periods=periods,
        customer_when=_conditions(raw.get("customer_when"), where, "customer_when"),
    )


def _label(raw, where: str) -> dict:
    """A label as {zh, en}; one text (`label: 不合格品报告`) serves both languages."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return {"zh": str(raw), "en": str(raw)}
    if isinstance(raw, dict):
        return dict(raw)
    raise TypesError(where, say("types-label", where=where), "label")


def build_types(data: dict) -> dict[str, RecordType]:
    if not isinstance(data, dict) or not isinstance(data.get("types"), dict):
        raise TypesError("types", say("types-needs-types"))
    structs: dict[str, Struct] = {}
    for sname, sraw in (data.get("structs") or {}).items():
        structs[sname] = Struct(sname, {})
        structs[sname] = Struct(sname, {k: _spec(k, v, structs, f"structs.{sname}.{k}")
                                        for k, v in (sraw.get("fields") or {}).items()})
    common = data.get("common") or {}
    types = {}
    for tname, traw in data["types"].items():
        if not isinstance(traw, dict):
            raise TypesError(f"types.{tname}", say("types-type-mapping", name=tname))
        _known_keys(traw, TYPE_KEYS, f"types.{tname}")
        for key in ("folder", "prefix"):
            if not traw.get(key):
                raise TypesError(f"types.{tname}", say("types-required", name=tname, key=key), key)
        fields = {k: _spec(k, v, structs, f"common.{k}") for k, v in common.items()}
        fields.update({k: _spec(k, v, structs, f"types.{tname}.{k}") for k, v in (traw.get("fields") or {}).items()})
        rules = tuple(traw.get("rules") or ())
        for rule in rules:
            if rule not in RULES:
                raise TypesError(f"types.{tname}", say("types-unknown-rule", name=tname, value=shown(rule),
                                                       known=", ".join(RULES)), "rules")
        across = tuple(traw.get("rules_across") or ())
        for rule in across:
            if rule not in RULES_ACROSS:
                raise TypesError(f"types.{tname}", say("types-unknown-rule", name=tname, value=shown(rule),
                                                       known=", ".join(RULES_ACROSS)), "rules_across")
        unknown = [f for f in (traw.get("starts_from"), *(traw.get("unique") or ())) if f and f not in fields]
        if unknown:
            raise TypesError(f"types.{tname}", say("types-no-field", name=tname, value=", ".join(map(str, unknown))),
                             "starts_from" if traw.get("starts_from") in unknown else "unique")
        types[tname] = RecordType(tname, traw["folder"], traw["prefix"], _label(traw.get("label"), f"types.{tname}"),
                                  fields, tuple(traw.get("flow") or ()), rules,
                                  _conditions(traw.get("locked_when"), f"types.{tname}", "locked_when"),
                                  starts_from=traw.get("starts_from"), unique=tuple(traw.get("unique") or ()),
                                  receipts=_receipts_spec(traw.get("receipts"), f"types.{tname}"),
                                  rules_across=across, added_in=int(traw.get("added_in") or 1),
                                  **{k: _whole(traw.get(k), f"types.{tname}.{k}") for k in AUDIT_SETTINGS})
    return types


AUDIT_SETTINGS = ("retention_years", "review_every", "effectiveness_days")


def _whole(raw, where: str) -> int | None:
    """An audit setting: a whole number of at least 1, or None when absent."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise TypesError(where, say("types-whole", where=where, value=shown(raw)))
    return raw


def _receipts_spec(raw, where: str) -> dict | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw.get("from"):
        raise TypesError(where, say("types-receipts", where=where), "receipts")
    return {"from": raw["from"], "when": _conditions(raw.get("when"), f"{where}.receipts", "when"),
            "draft": _conditions(raw.get("draft"), f"{where}.receipts", "draft"), "not_before": raw.get("not_before")}


# --- checking one record ------------------------------------------------------------------

@dataclass
class Ref:
    """A reference to another record, checked once every record is read."""
    field: str
    path: tuple
    target: str
    types: tuple
    soft: bool = False  # a missing target is a warning (a v2 prefix in a source_ref: maybe an outside number)


@dataclass
class Check:
    """What the field checks need: registries, the record's type, where problems go."""
    path: str
    rtype: RecordType
    people: dict
    departments: dict
    prefixes: frozenset = frozenset()
    problems: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    fields_at: dict = field(default_factory=dict)  # problem -> YAML path, for its line
    customers: dict = field(default_factory=dict)  # empty: customer fields are free text
    objectives: dict = field(default_factory=dict)
    soft_prefixes: frozenset = frozenset()  # prefixes of types added in v2 (see Ref.soft)
    start: tuple | None = None  # (field, date) no date inside the record may precede
    record: dict = field(default_factory=dict)  # the front matter being checked (a period's own `kind`)

    def report(self, code: str, ypath: tuple, severity: str = "error", **args) -> None:
        """A problem at ypath (its line); args["field"], when given, names the field in the message."""
        make = warning if severity == "warning" else error
        p = make(self.path, code, field=args.pop("field", None) or display(ypath) or None, **args)
        self.problems.append(p)
        self.fields_at[id(p)] = ypath


def display(ypath: tuple) -> str:
    """('actions', 1, 'owner') -> 'actions[2].owner' (items counted from 1, as people count)."""
    out = ""
    for step in ypath:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def shown(value) -> str:
    if value is None:
        return Text("（空）", "(empty)")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return str(value)  # as written: 2026-07-01 09:30:00
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        text = "[" + ", ".join(shown(v) for v in value[:5]) + (", …" if len(value) > 5 else "") + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: …" for k in list(value)[:5]) + "}"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def hint(lang_free_value, choices) -> str:
    match = difflib.get_close_matches(str(lang_free_value), [str(c) for c in choices], n=1, cutoff=0.6)
    return match[0] if match else ""


def _matches(conditions: tuple, mapping: dict, flow: tuple) -> bool:
    for key, values in conditions:
        if key == "status_from":
            status = mapping.get("status")
            start = values[0]
            if status not in flow or start not in flow or flow.index(status) < flow.index(start):
                return False
        elif mapping.get(key) not in values:
            return False
    return True


def _when_text(conditions: tuple, negate: bool = False) -> list:
    out = []
    for key, values in conditions:
        value = "/".join(map(shown, values))
        out.append(("from", "status", value) if key == "status_from" else ("not" if negate else "is", key, value))
    return out


def _undecided(conditions: tuple, mapping: dict, fields: dict) -> bool:
    """Whether a required field these conditions read is not filled in (it is reported missing itself)."""
    return any(key in fields and fields[key].required and mapping.get(key) in (None, "") for key, _ in conditions)


def _is_required(spec: FieldSpec, mapping: dict, flow: tuple, fields: dict):
    """None when not required; else the conditions that make it required (empty = always)."""
    if spec.required:
        return []
    if _undecided(spec.required_unless, mapping, fields) or _undecided(spec.not_required_when, mapping, fields):
        return None   # the field that decides is missing, and reported so: say only that
    if spec.not_required_when and _matches(spec.not_required_when, mapping, flow):
        return None
    exempt = _when_text(spec.not_required_when, negate=True)
    if spec.required_when and _matches(spec.required_when, mapping, flow):
        return _when_text(spec.required_when) + exempt
    if spec.required_unless and not _matches(spec.required_unless, mapping, flow):
        return _when_text(spec.required_unless, negate=True) + exempt
    return None


def _lookup(mapping: dict, dotted: str):
    value = mapping
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def check_mapping(mapping: dict, fields: dict, ypath: tuple, chk: Check, flow: tuple = ()) -> None:
    run_together = set()  # `owner：a` read as one key: its message says how to write it, so `owner` is not missing
    for key in mapping:
        if key not in fields:
            close = hint(key, fields)
            chk.report("unknown-key", ypath + (str(key),), key=key, hint=typos.key_hint(key) or _did_you_mean(close))
            run_together.add(typos.key_of(key))
    for name, spec in fields.items():
        value = mapping.get(name)
        present = name in mapping and value is not None and value != "" and value != []
        if not present and name in run_together:
            continue
        if not present:
            when = _is_required(spec, mapping, flow, fields)
            if when is not None:
                # a key written without a value: its own line; a key not written: the mapping's line
                at = ypath + (name,) if name in mapping else ypath
                if name in mapping and value == []:
                    chk.report("empty-list", at, field=display(ypath + (name,)))
                elif when:
                    chk.report("missing-when", at, field=display(ypath + (name,)), when=Conditions(when))
                else:
                    chk.report("missing", at, field=display(ypath + (name,)))
            continue
        mapping[name] = check_value(value, spec, ypath + (name,), chk)
    for name, spec in fields.items():
        if spec.role and name in mapping and (not spec.role_when or _matches(spec.role_when, mapping, flow)):
            _check_role(mapping, name, spec, ypath, chk)
        if spec.in_department and isinstance(mapping.get(name), str):
            _check_in_department(mapping, name, spec, ypath, chk)
        if spec.kind == "customer" and chk.customers and (not spec.customer_when or _matches(spec.customer_when, mapping, flow)):
            _check_customer(mapping.get(name), ypath + (name,), chk)
        if spec.kind == "date" and isinstance(mapping.get(name), dt.date):
            _check_date_order(mapping, name, spec, ypath, chk)


def _check_date_order(mapping: dict, name: str, spec: FieldSpec, ypath: tuple, chk: Check) -> None:
    """Not before the first of spec.not_before that is present; else not before the record's start."""
    earlier = next(((o, v) for o in spec.not_before if isinstance(v := _lookup(mapping, o), dt.date)), None)
    if earlier is None and chk.start is not None and ypath + (name,) != (chk.start[0],):
        earlier = chk.start
    if earlier is not None and mapping[name] < earlier[1]:
        chk.report("date-order", ypath + (name,), field=display(ypath + (name,)),
                   value=mapping[name].isoformat(), other=earlier[0], other_value=earlier[1].isoformat())


def _check_in_department(mapping: dict, name: str, spec: FieldSpec, ypath: tuple, chk: Check) -> None:
    person, dept = chk.people.get(mapping[name]), _lookup(mapping, spec.in_department)
    if person is not None and isinstance(dept, str) and dept in chk.departments and person.department != dept:
        chk.report("person-not-in-dept", ypath + (name,), severity=spec.in_department_severity,
                   field=display(ypath + (name,)), found=person.id, department=person.department,
                   expected=dept, other=display(ypath + (spec.in_department,)))


def customer_id(value, customers: dict) -> str | None:
    """The id of the customer a customer field names (by id or exact name), or None."""
    if not isinstance(value, str):
        return None
    if value in customers:
        return value
    return next((c.id for c in customers.values() if value == c.name), None)


def _check_customer(value, ypath: tuple, chk: Check) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip() and customer_id(value, chk.customers) is None:
        customers = chk.customers.values()
        folded = {k.lower(): c.id for c in customers for k in (c.id, c.name, c.name_en) if k}
        close = folded.get(value.strip().lower()) or hint(value, [k for c in customers for k in (c.id, c.name)])
        chk.report("unknown-customer", ypath, found=value, hint=_did_you_mean(close))


def _check_role(mapping: dict, name: str, spec: FieldSpec, ypath: tuple, chk: Check) -> None:
    """The person must hold the role on the date of spec.role_on (the approval's date), when it is known."""
    person = chk.people.get(mapping[name]) if isinstance(mapping[name], str) else None
    if person is None:
        return
    on_field = next((f for f in spec.role_on if isinstance(_lookup(mapping, f), dt.date)), None)
    on = _lookup(mapping, on_field) if on_field else None
    if person.holds(spec.role, on):
        return
    where = display(ypath + (name,))
    held = person.held(spec.role)
    if held:
        chk.report("role-not-held", ypath + (name,), field=where, found=mapping[name], role=spec.role,
                   on=on_field, date=on.isoformat(), periods=", ".join(g.period for g in held))
    else:
        chk.report("missing-role", ypath + (name,), field=where, found=mapping[name], role=spec.role)


class Conditions(list):
    """'status is approved and …', put into words in the reader's language."""

    def localize(self, lang: str) -> str:
        return describe_when(self, lang)


class DidYouMean(str):
    """A close name, or nothing; becomes '; did you mean X?' in the reader's language."""

    def localize(self, lang: str) -> str:
        return render("did-you-mean", lang, name=str(self)) if self else ""


_did_you_mean = DidYouMean


def check_value(value, spec: FieldSpec, ypath: tuple, chk: Check, within: list | None = None):
    """Check one value against its spec; returns it normalized (quoted dates become dates). `within`: the
    list the value is an item of."""
    kind = spec.kind      # the field's name (display(ypath)) is made only for a problem
    if kind in ("text", "customer"):
        if isinstance(value, (bool, dt.date)):  # `title: 2026-11-01`, `title: No`: YAML read text as a value
            chk.report("expected-text-quote", ypath, found=shown(value), kind=kind_of(value), key=ypath[-1],
                       example=shown(value) if isinstance(value, dt.date) else "…")  # `No` read as false
        elif not isinstance(value, (str, int, float)):
            chk.report("expected-text", ypath, found=shown(value))
        elif isinstance(value, str) and not value.strip():
            chk.report("empty-text", ypath)
        return value
    if kind == "date":
        return _check_date(value, ypath, chk)
    if kind == "bool":
        meant = WORDS_FOR_BOOL.get(value.strip().lower()) if isinstance(value, str) else None
        if meant is not None:   # 是 / 否, as a form is filled in
            chk.report("expected-bool-fix", ypath, found=shown(value), key=ypath[-1], fix="true" if meant else "false")
        elif not isinstance(value, bool):
            chk.report("expected-bool", ypath, found=shown(value))
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            chk.report("expected-number", ypath, found=shown(value))
        elif (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
            chk.report("number-range", ypath, found=shown(value), min=spec.minimum, max=spec.maximum)
        return value
    if kind == "choice":
        if not isinstance(value, (str, int)) or value not in spec.values:
            chk.report("bad-choice", ypath, found=shown(value),
                       allowed=", ".join(map(str, spec.values)),
                       hint=typos.hint(value, within) or _did_you_mean(hint(value, spec.values)))
        return value
    if kind == "person":
        if not isinstance(value, str) or value not in chk.people:
            chk.report("unknown-person", ypath, found=shown(value),
                       hint=typos.hint(value, within) or _did_you_mean(_person_hint(value, chk.people)))
        return value
    if kind == "dept":
        if not isinstance(value, str) or value not in chk.departments:
            chk.report("unknown-dept", ypath, found=shown(value),
                       hint=typos.hint(value, within) or _did_you_mean(_dept_hint(value, chk.departments)))
        return value
    if kind in ("ref", "record_id"):
        if not isinstance(value, str) or not ID_RE.match(value):
            chk.report("bad-id", ypath, found=shown(value))
        elif kind == "ref":
            chk.refs.append(Ref(display(ypath), ypath, value, spec.types))
        return value
    if kind == "source_ref":
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            chk.report("expected-text", ypath, found=shown(value))
        else:
            m = ID_RE.match(str(value))
            if m and m.group(1) in chk.prefixes:
                chk.refs.append(Ref(display(ypath), ypath, str(value), (), soft=m.group(1) in chk.soft_prefixes))
        return value
    if kind == "period":
        if isinstance(value, bool) or not isinstance(value, (str, int)) or period_kind(value, spec.periods) is None:
            own = chk.record.get("kind")
            if isinstance(own, str) and own in spec.periods:   # the record says which kind: its form only
                chk.report("bad-period", ypath, found=shown(value), kind=own,
                           example=period_example(value, own))
            elif spec.periods == REPORT_PERIODS:
                chk.report("bad-period", ypath, found=shown(value), kind="monthly/quarterly/annual",
                           example="2026-10 / 2026-Q3 / 2026")
            else:
                chk.report("bad-period-format", ypath, found=shown(value),
                           example=" / ".join(PERIOD_EXAMPLE[k] for k in spec.periods))
            return value
        return str(value)
    if kind == "audience":
        if value == "all":
            return value
        if not isinstance(value, list):
            chk.report("bad-audience", ypath, found=shown(value))
            return value
        for i, item in enumerate(value):
            if item != "all":
                check_value(item, FieldSpec(spec.name, "dept"), ypath + (i,), chk)
        return value
    if kind == "list":
        typo = typos.list_as_text(value, getattr(spec.of, "kind", None) in CODES) if isinstance(value, str) else None
        if typo:  # `［a, b］`, `a，b`, or items without `- ` that YAML joined into one line
            chk.report("yaml-list-as-text", ypath, found=shown(value), why=typo[0], fix=typo[1])
            return value
        if not isinstance(value, list):
            chk.report("expected-list", ypath, found=shown(value))
            return value
        if spec.non_empty and not value:
            chk.report("empty-list", ypath)
        return [check_value(item, spec.of, ypath + (i,), chk, value) for i, item in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            chk.report("expected-mapping", ypath, found=shown(value))
            return value
        if spec.non_empty and not value:
            chk.report("empty-list", ypath)
        return {k: check_value(v, spec.of, ypath + (k,), chk) for k, v in value.items()}
    if kind == "object":
        if not isinstance(value, dict):
            chk.report("expected-mapping", ypath, found=shown(value))
            return value
        check_mapping(value, spec.struct.fields, ypath, chk)
        return value
    raise AssertionError(kind)


def _check_date(value, ypath, chk):
    if isinstance(value, dt.datetime):
        chk.report("expected-date", ypath, found=shown(value))
        return value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value.strip()):
        date = as_date(value)
        if date is None:
            chk.report("bad-date", ypath, found=value)
            return value
        return date
    written = DATE_WRITTEN.fullmatch(value.strip()) if isinstance(value, str) else None
    if written:  # 2026/11/3, 2026.11.3, 2026年11月3日: say how to write that date
        date = as_date("-".join(written.groups()))
        if date is None:
            chk.report("bad-date", ypath, found=value)
        else:
            chk.report("expected-date-fix", ypath, found=value, fix=date.isoformat())
        return value
    chk.report("expected-date", ypath, found=shown(value))
    return value


def _person_hint(value, people) -> str:
    for p in people.values():
        if value == p.name:
            return p.id
    return hint(value, people)


def _dept_hint(value, departments) -> str:
    for d in departments.values():
        if value in (d.name, d.name_en) or (isinstance(value, str) and value.upper() == d.code):
            return d.code
    return hint(value, departments)


# --- rules that need code, named from types.yml -------------------------------------------

def _actions_settled_from_verification(fm: dict, rtype: RecordType, chk: Check) -> None:
    flow, status = rtype.flow, fm.get("status")
    if "verification" not in flow or status not in flow or flow.index(status) < flow.index("verification"):
        return
    actions = fm.get("actions")
    for i, action in enumerate(actions if isinstance(actions, list) else []):
        if isinstance(action, dict) and action.get("status", "open") not in ("done", "cancelled"):
            chk.report("actions-not-settled", ("actions", i, "status"), status=status, n=i + 1,
                       found=action.get("status", "open"))


def _effective_to_close(fm: dict, rtype: RecordType, chk: Check) -> None:
    ver = fm.get("verification")
    if fm.get("status") == "closed" and isinstance(ver, dict) and ver.get("effective") is False:
        chk.report("not-effective-closed", ("verification", "effective"))


def _due_extensions_chain(fm: dict, rtype: RecordType, chk: Check) -> None:
    ext = fm.get("due_extensions")
    if not isinstance(ext, list) or not ext or not all(isinstance(e, dict) for e in ext):
        return
    for i in range(1, len(ext)):
        prev, cur = ext[i - 1].get("to"), ext[i].get("from")
        if isinstance(prev, dt.date) and isinstance(cur, dt.date) and prev != cur:
            chk.report("due-ext-order", ("due_extensions", i, "from"), n=i + 1,
                       found=cur.isoformat(), previous=prev.isoformat())
    last, due = ext[-1].get("to"), fm.get("due")
    if isinstance(last, dt.date) and isinstance(due, dt.date) and last != due:
        chk.report("due-ext-last", ("due_extensions", len(ext) - 1, "to"), last=last.isoformat(), due=due.isoformat())


PERIOD_WRITTEN = {   # periods as people write them: (pattern, the period from its groups)
    "monthly": (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"),
                lambda y, m: f"{y}-{int(m):02d}" if 1 <= int(m) <= 12 else None),
    "quarterly": (re.compile(r"^(\d{4})\s*(?:[-/ ]?\s*[Qq]|年\s*第?)\s*([1-4])\s*(?:季度?)?$"),
                  lambda y, q: f"{y}-Q{q}"),
    "half-yearly": (re.compile(r"^(\d{4})\s*[-/ ]?\s*[Hh]([12])$"), lambda y, h: f"{y}-H{h}"),
    "annual": (re.compile(r"^(\d{4})\s*年?(?:度)?$"), lambda y: y),
}


def period_written(value, kind: str) -> str | None:
    """The period of that kind that value means as people write it (2026-1 -> 2026-01, 2026Q3 -> 2026-Q3)."""
    pattern, make = PERIOD_WRITTEN[kind]
    m = pattern.match(str(value).strip())
    return make(*m.groups()) if m else None


def period_example(value, kind: str) -> str:
    """How to write a period of that kind: value as meant, else the example in value's year."""
    year = re.search(r"(?<!\d)\d{4}(?!\d)", str(value))
    example = PERIOD_EXAMPLE[kind]
    return period_written(value, kind) or (year.group() + example[4:] if year else example)


def _period_matches_kind(fm: dict, rtype: RecordType, chk: Check) -> None:
    kind, period = fm.get("kind"), fm.get("period")
    if isinstance(kind, str) and kind in PERIOD_RE and period is not None and period_kind(period) not in (None, kind):
        chk.report("bad-period", ("period",), found=str(period), kind=kind, example=PERIOD_EXAMPLE[kind])


# v2 record types: receipts, objectives

def owed_departments(fm: dict, rtype: RecordType, departments) -> list[str]:
    """The departments that owe the record a receipt (签收), in the order the record names them."""
    spec = rtype.receipts
    if not spec or not _matches(spec["when"], fm, rtype.flow):
        return []
    value = fm.get(spec["from"], "all")
    if value == "all" or (isinstance(value, list) and "all" in value):
        return list(departments)
    return list(dict.fromkeys(d for d in value if isinstance(d, str))) if isinstance(value, list) else []


def _receipts(fm: dict, rtype: RecordType, chk: Check) -> None:
    received, spec = fm.get("received"), rtype.receipts
    if not spec or not isinstance(received, list) or not received:
        return
    if spec["draft"] and _matches(spec["draft"], fm, rtype.flow):
        chk.report("receipt-on-draft", ("received",), status=fm.get("status"))
        return
    owed = owed_departments(fm, rtype, chk.departments)
    earliest = _lookup(fm, spec["not_before"]) if spec["not_before"] else None
    seen: dict = {}
    for i, receipt in enumerate(received):
        if not isinstance(receipt, dict):
            continue
        dept, on = receipt.get("department"), receipt.get("on")
        if isinstance(dept, str) and dept in chk.departments:
            if dept in seen:
                chk.report("receipt-duplicate", ("received", i, "department"), department=dept, n=seen[dept] + 1)
            elif not owed:
                chk.report("receipt-none-owed", ("received", i, "department"), department=dept,
                           when=Conditions(_when_text(spec["when"])))
            elif dept not in owed:
                chk.report("receipt-not-owed", ("received", i, "department"), department=dept,
                           owed=", ".join(owed), source=spec["from"])
            seen.setdefault(dept, i)
        if isinstance(on, dt.date) and isinstance(earliest, dt.date) and on < earliest:
            chk.report("date-order", ("received", i, "on"), value=on.isoformat(), other=spec["not_before"],
                       other_value=earliest.isoformat())


def _metrics_are_objectives(fm: dict, rtype: RecordType, chk: Check) -> None:
    metrics = fm.get("metrics")
    for key in metrics if isinstance(metrics, dict) else ():
        objective, where = chk.objectives.get(key), ("metrics", key)
        if objective is None:
            chk.report("unknown-objective", where, found=key, hint=_did_you_mean(hint(key, chk.objectives)))
        elif objective.department != fm.get("department"):
            chk.report("objective-other-department", where, found=key, expected=objective.department,
                       value=fm.get("department"))
        elif objective.kind != fm.get("kind"):
            chk.report("objective-other-kind", where, found=key, expected=objective.kind, value=fm.get("kind"))


RULES: dict[str, Callable] = {
    "actions_settled_from_verification": _actions_settled_from_verification,
    "effective_to_close": _effective_to_close,
    "due_extensions_chain": _due_extensions_chain,
    "period_matches_kind": _period_matches_kind,
    # v2 record types
    "receipts": _receipts,
    "metrics_are_objectives": _metrics_are_objectives,
}

# Rules across records (stage 3), named in types.yml and written in generator/validate.py (ACROSS).
RULES_ACROSS = ("source_ref_complaint_is_customer_complaint", "capa_settled_to_close")


def check_record(fm: dict, rtype: RecordType, chk: Check) -> None:
    """Field checks, then the type's named rules (which see the checked values)."""
    start = as_date(fm.get(rtype.starts_from)) if rtype.starts_from else None
    chk.start = (rtype.starts_from, start) if start else None
    chk.record = fm
    check_mapping(fm, rtype.fields, (), chk, rtype.flow)
    for rule in rtype.rules:
        RULES[rule](fm, rtype, chk)
