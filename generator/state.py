"""What follows from `today`: notice lifecycle, overdue items, reports owed, KPI figures.

Pure functions over Records; `today` is always a parameter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from .config import Config, ScheduleEntry
from .records import Record
from .schema import period_kind

CLOSED_CAPA = ("closed", "cancelled")


def _date(value) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def counts(record: Record) -> bool:
    """Withdrawn records keep their page but leave every board, list and figure."""
    return not record.withdrawn


# --- notices -------------------------------------------------------------------------------

def effective_from(notice: Record) -> dt.date | None:
    return _date(notice.get("effective_from")) or _date(notice.get("issued_on"))


def superseded_by(notices: list[Record], today: dt.date) -> dict[str, Record]:
    """Old notice ID -> the newer notice that supersedes it and has become active."""
    out = {}
    for n in notices:
        target = n.get("supersedes")
        start = effective_from(n)
        if target and counts(n) and start and start <= today:
            if target not in out or effective_from(out[target]) < start:
                out[target] = n
    return out


def notice_state(notice: Record, today: dt.date, superseders: dict[str, Record]) -> str:
    """withdrawn, superseded, scheduled, expired or active."""
    if notice.withdrawn:
        return "withdrawn"
    if notice.id in superseders:
        return "superseded"
    start, end = effective_from(notice), _date(notice.get("expires_on"))
    if start and today < start:
        return "scheduled"
    if end and today > end:
        return "expired"
    return "active"


def board(notices: list[Record], today: dt.date) -> list[Record]:
    """The bulletin board: active notices, pinned first, then newest first."""
    sup = superseded_by(notices, today)
    active = [n for n in notices if notice_state(n, today, sup) == "active"]
    return sorted(active, key=lambda n: (not n.get("pinned"), _neg(effective_from(n)), _neg(_date(n.get("issued_on"))),
                                         _neg_id(n.id)))


def _neg(d: dt.date | None) -> int:
    return -(d.toordinal() if d else 0)


def _neg_id(rid: str) -> tuple:
    prefix, year, num = rid.split("-", 2)
    return (-int(year), -int(num))


# --- CAPAs and action items ----------------------------------------------------------------

@dataclass
class Action:
    record: Record
    n: int                      # position, from 1: addressed as <record ID>#A<n>
    text: str
    owner: str
    due: dt.date | None
    status: str
    capa: str | None
    days_late: int = 0

    @property
    def ref(self) -> str:
        return f"{self.record.id}#A{self.n}"

    @property
    def overdue(self) -> bool:
        return self.days_late > 0


def actions_of(record: Record, today: dt.date) -> list[Action]:
    out = []
    for i, a in enumerate(record.get("actions") or [], start=1):
        if not isinstance(a, dict):
            continue
        due = _date(a.get("due"))
        status = a.get("status") or "open"
        late = (today - due).days if (due and status == "open" and today > due) else 0
        out.append(Action(record, i, str(a.get("text") or ""), str(a.get("owner") or ""), due, status,
                          a.get("capa"), late))
    return out


def open_actions(records, today: dt.date) -> list[Action]:
    """Every open action item of meetings and live CAPAs, overdue first, then by due date."""
    items = []
    for r in records:
        if not counts(r) or r.type not in ("meeting", "capa"):
            continue
        if r.type == "capa" and r.get("status") in CLOSED_CAPA:
            continue
        items += [a for a in actions_of(r, today) if a.status == "open"]
    return sorted(items, key=lambda a: (-a.days_late, a.due or dt.date.max, a.owner, a.ref))


def capa_days_late(capa: Record, today: dt.date) -> int:
    """Days past due (the CAPA's own due, or its latest open action's); 0 when not overdue."""
    if capa.get("status") in CLOSED_CAPA or not counts(capa):
        return 0
    due = _date(capa.get("due"))
    late = (today - due).days if due and today > due else 0
    for a in actions_of(capa, today):
        late = max(late, a.days_late)
    return late


def capa_age(capa: Record, today: dt.date) -> int | None:
    start = _date(capa.get("opened_on"))
    end = _date(capa.get("closed_on")) if capa.get("status") == "closed" else today
    return (end - start).days if start and end else None


# --- reports owed --------------------------------------------------------------------------

def period_end(period: str) -> dt.date:
    kind = period_kind(period)
    year = int(period[:4])
    if kind == "monthly":
        month = int(period[5:7])
    elif kind == "quarterly":
        month = int(period[-1]) * 3
    else:
        month = 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def next_period(period: str) -> str:
    kind, year = period_kind(period), int(period[:4])
    if kind == "monthly":
        month = int(period[5:7])
        return f"{year + month // 12}-{month % 12 + 1:02d}"
    if kind == "quarterly":
        q = int(period[-1])
        return f"{year + q // 4}-Q{q % 4 + 1}"
    return str(year + 1)


@dataclass
class Owed:
    department: str
    kind: str
    period: str
    due: dt.date
    state: str                  # on-time, late, missing, pending (not yet due), early-pending
    report: Record | None = None
    days_late: int = 0


def reports_owed(cfg: Config, reports: list[Record], today: dt.date) -> list[Owed]:
    """Every period the schedule makes due up to today, with how it was met."""
    filed = {}
    for r in reports:
        if counts(r):
            filed.setdefault((r.get("department"), r.get("kind"), str(r.get("period"))), r)
    out = []
    for entry in cfg.schedule:
        out += _owed_for(entry, filed, today)
    return out


def _owed_for(entry: ScheduleEntry, filed: dict, today: dt.date) -> list[Owed]:
    out, period = [], entry.start
    for _ in range(10_000):
        end = period_end(period)
        if end >= today or (entry.until and period_kind(entry.until) == entry.kind and period_end(entry.until) < end):
            break
        due = end + dt.timedelta(days=entry.due_days)
        report = filed.get((entry.department, entry.kind, period))
        submitted = _date(report.get("submitted_on")) if report else None
        if report and submitted:
            late = max(0, (submitted - due).days)
            state = "late" if late else "on-time"
        elif today > due:
            late, state = (today - due).days, "missing"
        else:
            late, state = 0, "pending"
        out.append(Owed(entry.department, entry.kind, period, due, state, report, late))
        period = next_period(period)
    return out


# --- KPIs ----------------------------------------------------------------------------------

@dataclass
class Kpis:
    months: list[str] = field(default_factory=list)
    capa_opened: list[int] = field(default_factory=list)
    capa_closed: list[int] = field(default_factory=list)
    on_time_rate: list[float | None] = field(default_factory=list)   # closed on time / closed, per month
    mean_days_to_close: list[float | None] = field(default_factory=list)
    overdue_at_month_end: list[int] = field(default_factory=list)
    notices: list[int] = field(default_factory=list)
    meetings: list[int] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)               # CAPA IDs whose due was extended
    totals: dict = field(default_factory=dict)


def _month(d: dt.date) -> str:
    return f"{d.year}-{d.month:02d}"


def kpis(records, today: dt.date, months: int = 24) -> Kpis:
    """Monthly figures over the last `months` months up to today; cancelled and withdrawn count nowhere."""
    live = [r for r in records if counts(r)]
    capas = [r for r in live if r.type == "capa" and r.get("status") != "cancelled"]
    labels, y, m = [], today.year, today.month
    for _ in range(months):
        labels.append(f"{y}-{m:02d}")
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    labels.reverse()
    k = Kpis(months=labels)
    index = {label: i for i, label in enumerate(labels)}
    zero = [0] * len(labels)
    opened, closed, on_time, days = list(zero), list(zero), list(zero), [[] for _ in labels]
    for c in capas:
        o = _date(c.get("opened_on"))
        if o and _month(o) in index:
            opened[index[_month(o)]] += 1
        cl = _date(c.get("closed_on")) if c.get("status") == "closed" else None
        if cl and _month(cl) in index:
            i = index[_month(cl)]
            closed[i] += 1
            due = _date(c.get("due"))
            on_time[i] += 1 if due and cl <= due else 0
            if o:
                days[i].append((cl - o).days)
    k.capa_opened, k.capa_closed = opened, closed
    k.on_time_rate = [round(100 * t / n, 1) if n else None for t, n in zip(on_time, closed)]
    k.mean_days_to_close = [round(sum(d) / len(d), 1) if d else None for d in days]
    for label in labels:
        year, month = int(label[:4]), int(label[5:])
        end = min(dt.date(year, month, calendar.monthrange(year, month)[1]), today)
        k.overdue_at_month_end.append(sum(1 for c in capas if _overdue_on(c, end)))
    for rtype, key, target in (("notice", "issued_on", k.notices), ("meeting", "date", k.meetings)):
        series = list(zero)
        for r in live:
            d = _date(r.get(key)) if r.type == rtype else None
            if d and _month(d) in index:
                series[index[_month(d)]] += 1
        target.extend(series)
    k.extended = sorted(c.id for c in capas if c.get("due_extensions"))
    all_closed = [c for c in capas if c.get("status") == "closed" and _date(c.get("closed_on"))]
    timely = [c for c in all_closed if _date(c.get("due")) and c.get("closed_on") <= c.get("due")]
    k.totals = {
        "open": sum(1 for c in capas if c.get("status") not in CLOSED_CAPA),
        "overdue": sum(1 for c in capas if capa_days_late(c, today) > 0),
        "closed": len(all_closed),
        "on_time_rate": round(100 * len(timely) / len(all_closed), 1) if all_closed else None,
        "mean_days_to_close": round(sum((c.get("closed_on") - c.get("opened_on")).days for c in all_closed)
                                    / len(all_closed), 1) if all_closed else None,
        "extended": len(k.extended),
    }
    return k


def _overdue_on(capa: Record, day: dt.date) -> bool:
    """Was the CAPA open and past its due date at the end of `day`? (History beyond closed_on is not kept.)"""
    opened, due = _date(capa.get("opened_on")), _date(capa.get("due"))
    closed = _date(capa.get("closed_on")) if capa.get("status") == "closed" else None
    if not opened or opened > day or (closed is not None and closed <= day):
        return False
    if due and day > due:
        return True
    for a in capa.get("actions") or []:
        if not isinstance(a, dict) or a.get("status") == "cancelled":
            continue
        a_due, done = _date(a.get("due")), _date(a.get("done_on"))
        if a_due and day > a_due and (done is None or done > day):
            return True
    return False
