"""`bulletin status`: what is owed on a given day, for one audience, grouped by owner; as text, JSON,
Markdown, or the exact payload a WeCom / DingTalk group robot takes.

The audience is chosen first (all-staff unless told otherwise): records it may not see leave before
anything is counted, and every text is masked (audience.Mask) as the site masks it, so the output can
be posted to a company-wide group. What is owed is state.owed, the list the person and department
pages of the site show too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from . import audit, state
from .audience import AUDIENCES, Mask, visible_to
from .config import Config
from .labels import Words
from .messages import render

ROBOT_LIMIT = 4096        # bytes of Markdown: WeCom's limit for `markdown.content`, kept for DingTalk's `text` too


Item = state.OwedItem     # one thing someone owes: state.owed makes the list the site's pages show too


@dataclass
class Status:
    """The items for one audience and day, grouped by owner (most days late first), and what was asked."""
    today: dt.date
    audience: str
    groups: dict[str, list[Item]]
    person: str | None = None
    department: str | None = None
    escalated: dict[tuple[str, str], list[str]] = field(default_factory=dict)   # (owner, ref) -> next in line

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.groups.values())


def status(records, cfg: Config, today: dt.date, audience: str = "all-staff", *,
           person: str | None = None, department: str | None = None) -> Status:
    """Without a person or department: every overdue item. With one: everything they owe, due or not
    (state.owes: a department owes its own items and what its people owe; a person also owes the items of
    a department they head)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}")
    records = list(records)
    shown = {r.id for r in records if visible_to(audience, r)}
    mask = Mask(records, shown, cfg.types, Words(cfg.language)("hidden_ref"))
    visible = [mask.record(r) for r in records if r.id in shown and state.counts(r)]

    groups: dict[str, list[Item]] = defaultdict(list)
    for item in state.owed(visible, cfg, today, person=person, department=department):
        if person or department or item.days_late > 0:
            groups[item.owner].append(item)
    ordered = {k: sorted(v, key=state.owed_order) for k, v in sorted(groups.items())}
    escalated = {(i.owner, i.ref): to for items in ordered.values() for i in items
                 if i.days_late > 0 and (to := audit.escalation(i.owner, i.days_late, cfg, today))}
    return Status(today, audience, ordered, person, department, escalated)


# --- output ----------------------------------------------------------------------------------------------

def render_status(st: Status, cfg: Config, lang: str, fmt: str) -> str:
    """The status in one of FORMATS."""
    if fmt == "json":
        return json.dumps({"today": st.today.isoformat(), "audience": st.audience, "person": st.person,
                           "department": st.department,
                           "owners": {k: [_plain(i) | {"escalated_to": st.escalated.get((k, i.ref), [])} for i in v]
                                      for k, v in st.groups.items()}},
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


def _who(cfg: Config, pid: str) -> str:
    return cfg.people[pid].name if pid in cfg.people else pid


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
    kinds = {k: w(f"owed_kind_{k}") for k in state.OWED_KINDS}
    for owner, items in st.groups.items():
        yield ""
        yield f"**{_name(cfg, owner)}**" if md else f"{_name(cfg, owner)}:"
        for i in items:
            title = w.value("kind", i.title) if i.kind == "report" else i.title
            text = f"{kinds.get(i.kind, i.kind)} {i.ref} {title}" + (f" · {w('due')} {i.due}" if i.due else "")
            text += f" · {w('days_late_n', n=i.days_late)}" if i.days_late else ""
            text += f" · {w(f'owed_why_{i.why}')}" if i.why in WHY_SHOWN else ""
            to = st.escalated.get((owner, i.ref))
            text += f" · {w('escalated_to')} {' → '.join(_who(cfg, p) for p in to)}" if to else ""
            if not md:
                yield _Item(f"  - {text}")
            elif i.days_late:
                color = '"warning"' if flavour == "wecom" else "#d9480f"
                yield _Item(f"> - <font color={color}>{text}</font>")
            else:
                yield _Item(f"> - {text}")
    if not st.groups:
        yield render("status-nothing", lang)


WHY_SHOWN = ("action-late", "verification", "pending")   # the reasons an item's kind and days do not already say


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
