"""`bulletin status`: what is owed on a given day, for one audience, grouped by owner; as text, JSON,
Markdown, or the exact payload a WeCom / DingTalk group robot takes.

The audience is chosen first (all-staff unless told otherwise): records it may not see leave before
anything is counted, and every text is masked (audience.Mask) as the site masks it, so the output can
be posted to a company-wide group. Each kind of owed item is one function in OWED (records -> items);
a new kind is one more function.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass

from . import state
from .audience import AUDIENCES, Mask, visible_to
from .config import Config
from .labels import Words
from .messages import render

ROBOT_LIMIT = 4096        # bytes of Markdown: WeCom's limit for `markdown.content`, kept for DingTalk's `text` too


@dataclass(frozen=True)
class Item:
    """One thing someone owes: `owner` is a person id, or a department code for what a department owes."""
    kind: str
    ref: str
    title: str
    owner: str
    due: str
    days_late: int


def _capas(records, cfg: Config, today: dt.date):
    """Overdue CAPAs, owed by their owner."""
    for r in records:
        if r.type == "capa" and (late := state.capa_days_late(r, today)):
            yield Item("capa", r.id, r.title, str(r.get("owner")), str(r.get("due")), late)


def _actions(records, cfg: Config, today: dt.date):
    """Open action items (of meetings and live CAPAs), owed by their owner, overdue or not."""
    for a in state.open_actions(records, today):
        yield Item("action", a.ref, a.text, a.owner, str(a.due), a.days_late)


def _reports(records, cfg: Config, today: dt.date):
    """Reports whose period has ended and that no one has filed, owed by their department."""
    for o in state.reports_owed(cfg, [r for r in records if r.type == "report"], today):
        if o.state in ("missing", "pending"):
            yield Item("report", f"{o.department} {o.period}", o.kind, o.department, str(o.due), o.days_late)


OWED = (_capas, _actions, _reports)


@dataclass
class Status:
    """The items for one audience and day, grouped by owner (most days late first), and what was asked."""
    today: dt.date
    audience: str
    groups: dict[str, list[Item]]
    person: str | None = None
    department: str | None = None

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.groups.values())


def status(records, cfg: Config, today: dt.date, audience: str = "all-staff", *,
           person: str | None = None, department: str | None = None) -> Status:
    """Without a person or department: every overdue item. With one: everything they owe, due or not
    (a department owes its reports and what its people owe; a person also owes the reports of a department
    they head)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    records = list(records)
    shown = {r.id for r in records if visible_to(audience, r)}
    mask = Mask(records, shown, cfg.types, Words(cfg.language)("hidden_ref"))
    visible = [mask.record(r) for r in records if r.id in shown and state.counts(r)]

    def wanted(item: Item) -> bool:
        if person:
            return item.owner == person or item.kind == "report" and _head(cfg, item.owner) == person
        if department:
            return item.owner == department or _department(cfg, item.owner) == department
        return item.days_late > 0

    groups: dict[str, list[Item]] = defaultdict(list)
    for owed in OWED:
        for item in owed(visible, cfg, today):
            if wanted(item):
                groups[item.owner].append(item)
    ordered = {k: sorted(v, key=lambda i: (-i.days_late, i.due, i.ref)) for k, v in sorted(groups.items())}
    return Status(today, audience, ordered, person, department)


def _department(cfg: Config, owner: str) -> str | None:
    p = cfg.people.get(owner)
    return p.department if p else None


def _head(cfg: Config, code: str) -> str | None:
    d = cfg.departments.get(code)
    return getattr(d, "head", None) if d else None


# --- output ----------------------------------------------------------------------------------------------

def render_status(st: Status, cfg: Config, lang: str, fmt: str) -> str:
    """The status in one of FORMATS."""
    if fmt == "json":
        return json.dumps({"today": st.today.isoformat(), "audience": st.audience, "person": st.person,
                           "department": st.department,
                           "owners": {k: [_plain(i) for i in v] for k, v in st.groups.items()}},
                          ensure_ascii=False, indent=2)
    if fmt == "text":
        return "\n".join(_lines(st, cfg, lang, "text"))
    if fmt == "markdown":
        return _markdown(st, cfg, lang, "wecom", limit=None)
    text = _markdown(st, cfg, lang, fmt, limit=ROBOT_LIMIT)
    if fmt == "wecom":
        payload = {"msgtype": "markdown", "markdown": {"content": text}}
    else:
        payload = {"msgtype": "markdown", "markdown": {"title": _heading(st, cfg, lang), "text": text}}
    return json.dumps(payload, ensure_ascii=False)


FORMATS = ("text", "json", "markdown", "wecom", "dingtalk")


def _plain(item: Item) -> dict:
    out = asdict(item)
    del out["owner"]
    return out


def _name(cfg: Config, owner: str) -> str:
    if owner in cfg.people:
        return f"{cfg.people[owner].name} ({owner})"
    if owner in cfg.departments:
        return f"{cfg.departments[owner].name} ({owner})"
    return owner


def _heading(st: Status, cfg: Config, lang: str) -> str:
    w = Words(lang)
    whose = st.person or st.department
    first = render("status-owed-by", lang, name=_name(cfg, whose)) if whose else w("overdue")
    return f"{first} · {st.today.isoformat()} · {st.total}"


def _lines(st: Status, cfg: Config, lang: str, flavour: str):
    """The heading, the audience, then per owner its name and items. Item lines are tagged for truncation."""
    w = Words(lang)
    md = flavour != "text"
    yield f"### {_heading(st, cfg, lang)}" if md else _heading(st, cfg, lang)
    scope = render("status-audience", lang, audience=render(f"status-scope-{st.audience}", lang), option=st.audience)
    yield f"> {scope}" if md else scope
    kinds = {"capa": "CAPA", "action": w("action"), "report": w("reports")}
    for owner, items in st.groups.items():
        yield ""
        yield f"**{_name(cfg, owner)}**" if md else f"{_name(cfg, owner)}:"
        for i in items:
            title = w.value("kind", i.title) if i.kind == "report" else i.title
            text = f"{kinds.get(i.kind, i.kind)} {i.ref} {title} · {w('due')} {i.due}"
            text += f" · {w('days_late_n', n=i.days_late)}" if i.days_late else ""
            if not md:
                yield _Item(f"  - {text}")
            elif i.days_late:
                color = '"warning"' if flavour == "wecom" else "#d9480f"
                yield _Item(f"> - <font color={color}>{text}</font>")
            else:
                yield _Item(f"> - {text}")
    if not st.groups:
        yield render("status-nothing", lang)


class _Item(str):
    """A line that names one item (the lines a size limit may leave out)."""


def _markdown(st: Status, cfg: Config, lang: str, flavour: str, limit: int | None) -> str:
    """Markdown within `limit` bytes (UTF-8): items that do not fit are left out and counted in a last line."""
    lines = list(_lines(st, cfg, lang, flavour))
    text = "\n".join(lines)
    if limit is None or len(text.encode("utf-8")) <= limit:
        return text
    total = sum(isinstance(line, _Item) for line in lines)
    kept: list[str] = []
    size, shown = 0, 0
    for line in lines:
        cost = len(line.encode("utf-8")) + 1
        more = render("status-more", lang, n=total - shown - (1 if isinstance(line, _Item) else 0))
        if size + cost + len(more.encode("utf-8")) + 1 > limit:
            break
        kept.append(line)
        size += cost
        shown += isinstance(line, _Item)
    while kept and not isinstance(kept[-1], _Item) and kept[-1].startswith("**"):
        kept.pop()          # an owner whose items did not fit
    kept.append(render("status-more", lang, n=total - shown))
    return "\n".join(kept)
