"""`bulletin status`: what is overdue today, grouped by owner, as text, JSON or robot Markdown."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from . import state
from .config import Config
from .labels import Words
from .audience import visible_to


def overdue(records, cfg: Config, today: dt.date, audience: str = "restricted") -> dict[str, list[dict]]:
    """Owner (person id, or department code for reports) -> overdue items, most days late first."""
    visible = [r for r in records if visible_to(audience, r) and state.counts(r)]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in visible:
        if r.type == "capa":
            late = state.capa_days_late(r, today)
            if late:
                groups[str(r.get("owner"))].append({"kind": "capa", "ref": r.id, "title": r.title,
                                                    "due": str(r.get("due")), "days_late": late})
    for a in state.open_actions(visible, today):
        if a.overdue:
            groups[a.owner].append({"kind": "action", "ref": a.ref, "title": a.text,
                                    "due": str(a.due), "days_late": a.days_late})
    for o in state.reports_owed(cfg, [r for r in visible if r.type == "report"], today):
        if o.state == "missing":
            groups[o.department].append({"kind": "report", "ref": f"{o.department} {o.period}",
                                         "title": o.kind, "due": str(o.due), "days_late": o.days_late})
    return {k: sorted(v, key=lambda i: -i["days_late"]) for k, v in sorted(groups.items())}


def render_status(groups: dict, cfg: Config, lang: str, today: dt.date, fmt: str) -> str:
    w = Words(lang)
    if fmt == "json":
        return json.dumps({"today": today.isoformat(), "owners": groups}, ensure_ascii=False, indent=2)

    def name(owner: str) -> str:
        if owner in cfg.people:
            return f"{cfg.people[owner].name} ({owner})"
        if owner in cfg.departments:
            return f"{cfg.departments[owner].name} ({owner})"
        return owner

    kinds = {"capa": "CAPA", "action": w("action"), "report": w("reports")}
    total = sum(len(v) for v in groups.values())
    head = f"{w('overdue')} · {today.isoformat()} · {total}"
    lines = [f"### {head}" if fmt == "markdown" else head]
    for owner, items in groups.items():
        lines.append("")
        lines.append(f"**{name(owner)}**" if fmt == "markdown" else f"{name(owner)}:")
        for i in items:
            late = w("days_late_n", n=i["days_late"])
            text = f"{kinds[i['kind']]} {i['ref']} {i['title']} · {w('due')} {i['due']} · {late}"
            lines.append(f"> - <font color=\"warning\">{text}</font>" if fmt == "markdown" else f"  - {text}")
    if not groups:
        lines.append(w("none"))
    return "\n".join(lines)
