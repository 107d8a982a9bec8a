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
ACTION_TYPES = ("meeting", "capa", "survey", "contact")     # types whose action items are tracked


def date_of(value) -> dt.date | None:
    """`value` when it is a date (not a datetime), else None."""
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def counts(record: Record) -> bool:
    """Withdrawn records keep their page but leave every board, list and figure."""
    return not record.withdrawn


# --- notices -------------------------------------------------------------------------------

def effective_from(notice: Record) -> dt.date | None:
    return date_of(notice.get("effective_from")) or date_of(notice.get("issued_on"))


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
    start, end = effective_from(notice), date_of(notice.get("expires_on"))
    if start and today < start:
        return "scheduled"
    if end and today > end:
        return "expired"
    return "active"


def board(notices: list[Record], today: dt.date) -> list[Record]:
    """The bulletin board: active notices, pinned first, then newest first."""
    sup = superseded_by(notices, today)
    active = [n for n in notices if notice_state(n, today, sup) == "active"]
    return sorted(active, key=lambda n: (not n.get("pinned"), _neg(effective_from(n)), _neg(date_of(n.get("issued_on"))),
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
        due = date_of(a.get("due"))
        status = a.get("status") or "open"
        late = (today - due).days if (due and status == "open" and today > due) else 0
        out.append(Action(record, i, str(a.get("text") or ""), str(a.get("owner") or ""), due, status,
                          a.get("capa"), late))
    return out


def open_actions(records, today: dt.date) -> list[Action]:
    """Every open action item of meetings, surveys, contacts and live CAPAs, overdue first, then by due date."""
    items = []
    for r in records:
        if not counts(r) or r.type not in ACTION_TYPES:
            continue
        if r.type == "capa" and r.get("status") in CLOSED_CAPA:
            continue
        items += [a for a in actions_of(r, today) if a.status == "open"]
    return sorted(items, key=action_order)


def action_order(a: Action) -> tuple:
    """Where an open action stands in open_actions: overdue first, then by due date, owner and reference."""
    return -a.days_late, a.due or dt.date.max, a.owner, a.ref


def capa_days_late(capa: Record, today: dt.date) -> int:
    """Days past due (the CAPA's own due, or its latest open action's); 0 when not overdue."""
    if capa.get("status") in CLOSED_CAPA or not counts(capa):
        return 0
    due = date_of(capa.get("due"))
    late = (today - due).days if due and today > due else 0
    for a in actions_of(capa, today):
        late = max(late, a.days_late)
    return late


def capa_age(capa: Record, today: dt.date) -> int | None:
    start = date_of(capa.get("opened_on"))
    end = date_of(capa.get("closed_on")) if capa.get("status") == "closed" else today
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
        submitted = date_of(report.get("submitted_on")) if report else None
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
        o = date_of(c.get("opened_on"))
        if o and _month(o) in index:
            opened[index[_month(o)]] += 1
        cl = date_of(c.get("closed_on")) if c.get("status") == "closed" else None
        if cl and _month(cl) in index:
            i = index[_month(cl)]
            closed[i] += 1
            due = date_of(c.get("due"))
            on_time[i] += 1 if due and cl <= due else 0
            if o:
                days[i].append((cl - o).days)
    k.capa_opened, k.capa_closed = opened, closed
    k.on_time_rate = [round(100 * t / n, 1) if n else None for t, n in zip(on_time, closed)]
    k.mean_days_to_close = [round(sum(d) / len(d), 1) if d else None for d in days]
    for label in labels:
        year, month = int(label[:4]), int(label[5:])
        end = min(dt.date(year, month, calendar.monthrange(year, month)[1]), today)
        k.overdue_at_month_end.append(sum(1 for c in capas if overdue_on(c, end)))
    for rtype, key, target in (("notice", "issued_on", k.notices), ("meeting", "date", k.meetings)):
        series = list(zero)
        for r in live:
            d = date_of(r.get(key)) if r.type == rtype else None
            if d and _month(d) in index:
                series[index[_month(d)]] += 1
        target.extend(series)
    k.extended = sorted(c.id for c in capas if c.get("due_extensions"))
    all_closed = [c for c in capas if c.get("status") == "closed" and date_of(c.get("closed_on"))]
    timely = [c for c in all_closed if date_of(c.get("due")) and c.get("closed_on") <= c.get("due")]
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


def overdue_on(capa: Record, day: dt.date) -> bool:
    """Was the CAPA open and past its due date at the end of `day`? (History beyond closed_on is not kept.)"""
    opened, due = date_of(capa.get("opened_on")), date_of(capa.get("due"))
    closed = date_of(capa.get("closed_on")) if capa.get("status") == "closed" else None
    if not opened or opened > day or (closed is not None and closed <= day):
        return False
    if due and day > due:
        return True
    for a in capa.get("actions") or []:
        if not isinstance(a, dict) or a.get("status") == "cancelled":
            continue
        a_due, done = date_of(a.get("due")), date_of(a.get("done_on"))
        if a_due and day > a_due and (done is None or done > day):
            return True
    return False


# --- v2: complaints, NCs, surveys, memos, receipts, quality objectives -----------------------

ANSWERED_COMPLAINT = ("responded", "closed", "cancelled")


def complaint_days_late(complaint: Record, today: dt.date) -> int:
    """Days past `response_due` of a complaint not yet responded, closed or cancelled; 0 when not overdue."""
    due = date_of(complaint.get("response_due"))
    if not counts(complaint) or complaint.get("status") in ANSWERED_COMPLAINT or not due or today <= due:
        return 0
    return (today - due).days


def responded_on(complaint: Record) -> dt.date | None:
    response = complaint.get("response")
    return date_of(response.get("on")) if isinstance(response, dict) else None


def days_to_respond(complaint: Record) -> int | None:
    """Days from receipt to the response to the customer (None before a response)."""
    start, end = date_of(complaint.get("received_on")), responded_on(complaint)
    return (end - start).days if start and end else None


def builtin(cfg: Config, name: str) -> bool:
    """True when the type of that name is Bulletin's own: a company's own type with a v2 type's name keeps
    its own definition (contract v2), and none of the v2 type's deadlines, owners or boards apply to it."""
    rtype = cfg.types.get(name)
    return rtype is not None and (name not in V2_TYPES or rtype.added_in >= 2)


V2_TYPES = ("complaint", "nc", "survey", "memo", "contact")


def days_late(record: Record, cfg: Config, today: dt.date) -> int:
    """Days an overdue CAPA, complaint or memo is late (0 for the others, and for a company's own type)."""
    late = DAYS_LATE.get(record.type)
    return late(record, today) if late and builtin(cfg, record.type) else 0


def memo_days_late(memo: Record, today: dt.date) -> int:
    """Days past `reply_due` of an open memo; 0 when not overdue."""
    due = date_of(memo.get("reply_due"))
    if not counts(memo) or memo.get("status") != "open" or not due or today <= due:
        return 0
    return (today - due).days


DAYS_LATE = {"capa": capa_days_late, "complaint": complaint_days_late, "memo": memo_days_late}


def _number(v) -> int | float | None:
    """A number as written (4 stays 4, 4.5 stays 4.5); None for anything else."""
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def survey_overall(survey: Record) -> float | None:
    """The survey's `overall`, else the mean of its scores (two decimals)."""
    given = _number(survey.get("overall"))
    if given is not None:
        return given
    scores = survey.get("scores")
    values = [x for x in map(_number, scores.values()) if x is not None] if isinstance(scores, dict) else []
    return round(sum(values) / len(values), 2) if values else None


def period_key(period) -> tuple:
    """Sort key of a period of any length (2026, 2026-H1, 2026-Q3, 2026-10, 2026-W05): start, then length."""
    p = str(period)
    year = int(p[:4]) if p[:4].isdigit() else 0
    rest = p[5:]
    if rest.startswith("H") and rest[1:].isdigit():
        return (year, (int(rest[1:]) - 1) * 6 + 1, 6)
    if rest.startswith("Q") and rest[1:].isdigit():
        return (year, (int(rest[1:]) - 1) * 3 + 1, 3)
    if rest.startswith("W") and rest[1:].isdigit():
        return (year, 0, int(rest[1:]))
    if rest.isdigit():
        return (year, int(rest), 1)
    return (year, 1, 12)


@dataclass
class SurveyTrend:
    customer: str                       # the customer's id (with customers.yml) or the text as written
    criteria: list[str]                 # every criterion scored in any period, first seen first
    rows: list[tuple]                   # (period, survey, {criterion: score}, overall), oldest period first


def survey_trends(surveys, customer_key) -> list[SurveyTrend]:
    """Per customer (customer_key(value) -> key), the scores of each criterion and overall per period."""
    grouped: dict[str, list] = {}
    for s in surveys:
        if counts(s) and isinstance(s.get("scores"), dict):
            grouped.setdefault(customer_key(s.get("customer")), []).append(s)
    out = []
    for key, items in sorted(grouped.items(), key=lambda kv: str(kv[0])):
        items.sort(key=lambda s: (period_key(s.get("period")), s.id))
        criteria = list(dict.fromkeys(c for s in items for c in s.get("scores")))
        rows = [(str(s.get("period")), s, {c: _number(v) for c, v in s.get("scores").items()}, survey_overall(s))
                for s in items]
        out.append(SurveyTrend(key, criteria, rows))
    return out


def receipts_of(record: Record, cfg: Config) -> list[tuple[str, dict | None]]:
    """(department, its receipt or None) for every department that owes the record a receipt."""
    from .receipts import receipts_owed

    received = record.get("received")
    signed = {r.get("department"): r for r in received if isinstance(r, dict)} if isinstance(received, list) else {}
    return [(d, signed.get(d)) for d in receipts_owed(record, cfg)]


def receipts_owed_by(records, cfg: Config, dept: str) -> list[Record]:
    """The records (not withdrawn) that department `dept` still owes a receipt (签收): an approved
    management review in its distribution, a notice with `acknowledge: true` addressed to it. Oldest first."""
    return receipts_owed_by_all(records, cfg).get(dept, [])


def receipts_owed_by_all(records, cfg: Config) -> dict[str, list[Record]]:
    """Department -> receipts_owed_by(records, cfg, department), in one pass over the records."""
    from .receipts import receipts_outstanding

    out: dict[str, list[Record]] = {}
    for r in records:
        if r.type in ("meeting", "notice") and counts(r):
            for d in dict.fromkeys(receipts_outstanding(r, cfg)):
                out.setdefault(d, []).append(r)
    key = lambda r: (date_of(r.get("approved_on")) or date_of(r.get("issued_on")) or dt.date.min, r.id)  # noqa: E731
    return {d: sorted(rs, key=key) for d, rs in out.items()}


@dataclass
class ObjectiveValue:
    period: str
    value: float
    met: bool
    report: Record


def objective_met(objective, value: float) -> bool:
    return value <= objective.target if objective.better == "lower" else value >= objective.target


def objective_values(objective, reports) -> list[ObjectiveValue]:
    """The values reports of the objective's department and kind carry for it, oldest period first."""
    out = {}
    for r in reports:
        metrics = r.get("metrics")
        if (not counts(r) or r.type != "report" or r.get("department") != objective.department
                or r.get("kind") != objective.kind or not isinstance(metrics, dict)):
            continue
        value = _number(metrics.get(objective.id))
        if value is not None:
            period = str(r.get("period"))
            out.setdefault(period, ObjectiveValue(period, value, objective_met(objective, value), r))
    return sorted(out.values(), key=lambda v: period_key(v.period))


@dataclass
class CommKpis:
    """Monthly figures of the communication records, over the same months as Kpis."""
    complaints: list[int] = field(default_factory=list)                 # received per month
    mean_days_to_respond: list[float | None] = field(default_factory=list)   # of responses made that month
    nc_found: list[int] = field(default_factory=list)
    nc_closed: list[int] = field(default_factory=list)
    totals: dict = field(default_factory=dict)


def comm_kpis(records, today: dt.date, months: list[str]) -> CommKpis:
    """Complaints per month, mean days to respond, NCs found / closed and the NC closure rate."""
    live = [r for r in records if counts(r)]
    complaints = [r for r in live if r.type == "complaint" and r.get("status") != "cancelled"]
    ncs = [r for r in live if r.type == "nc"]
    index = {label: i for i, label in enumerate(months)}
    k = CommKpis([0] * len(months), [], [0] * len(months), [0] * len(months))
    days: list[list[int]] = [[] for _ in months]
    for c in complaints:
        got = date_of(c.get("received_on"))
        if got and _month(got) in index:
            k.complaints[index[_month(got)]] += 1
        on, n = responded_on(c), days_to_respond(c)
        if on and n is not None and _month(on) in index:
            days[index[_month(on)]].append(n)
    k.mean_days_to_respond = [round(sum(d) / len(d), 1) if d else None for d in days]
    for nc in ncs:
        found = date_of(nc.get("found_on"))
        if found and _month(found) in index:
            k.nc_found[index[_month(found)]] += 1
        closed = date_of(nc.get("closed_on")) if nc.get("status") == "closed" else None
        if closed and _month(closed) in index:
            k.nc_closed[index[_month(closed)]] += 1
    answered = [n for n in map(days_to_respond, complaints) if n is not None]
    closed_ncs = sum(1 for nc in ncs if nc.get("status") == "closed")
    k.totals = {
        "complaints_open": sum(1 for c in complaints if c.get("status") not in ("closed", "cancelled")),
        "complaints_overdue": sum(1 for c in complaints if complaint_days_late(c, today)),
        "mean_days_to_respond": round(sum(answered) / len(answered), 1) if answered else None,
        "nc_open": len(ncs) - closed_ncs,
        "nc_closure_rate": round(100 * closed_ncs / len(ncs), 1) if ncs else None,
    }
    return k


# --- what is owed: one list for `bulletin status` and the person and department pages ----------

OWED_KINDS = ("capa", "action", "complaint", "memo", "report", "receipt", "approval")


@dataclass(frozen=True)
class OwedItem:
    """One thing someone owes on a day. `owner` is a person id, or a department code for what a department
    owes (reports, replies to memos, receipts). `why`: overdue (its own due has passed), action-late (a
    CAPA late only through an action), verification (a CAPA waiting for its verification), open (not yet
    due, or no due date), missing / pending (a report past / before its due), receipt, approval."""
    kind: str
    ref: str
    title: str
    owner: str
    due: str            # ISO date; "" when it has none
    days_late: int
    why: str


def _iso(d) -> str:
    return d.isoformat() if isinstance(d, dt.date) else ""


def _owed_capas(live, cfg: Config, today: dt.date):
    """Every CAPA not closed or cancelled, owed by its owner."""
    for r in live:
        if r.type != "capa" or r.get("status") in CLOSED_CAPA:
            continue
        late, due = capa_days_late(r, today), date_of(r.get("due"))
        own_late = bool(due and today > due)
        why = ("overdue" if own_late else "action-late" if late else
               "verification" if r.get("status") == "verification" else "open")
        yield OwedItem("capa", r.id, r.title, str(r.get("owner") or ""), _iso(due), late, why)


def _owed_actions(live, cfg: Config, today: dt.date):
    """Open action items of meetings, surveys, contacts and live CAPAs, owed by their owner."""
    for a in open_actions(live, today):
        yield OwedItem("action", a.ref, a.text, a.owner, _iso(a.due), a.days_late, "overdue" if a.overdue else "open")


def _owed_complaints(live, cfg: Config, today: dt.date):
    """Complaints not yet responded (nor closed or cancelled), owed by the person who received them."""
    for r in live:
        if r.type == "complaint" and builtin(cfg, r.type) and r.get("status") not in ANSWERED_COMPLAINT:
            late = complaint_days_late(r, today)
            yield OwedItem("complaint", r.id, r.title, str(r.get("received_by") or ""),
                           _iso(date_of(r.get("response_due"))), late, "overdue" if late else "open")


def _owed_memos(live, cfg: Config, today: dt.date):
    """Open memos: each department they are addressed to owes a reply."""
    for r in live:
        if r.type == "memo" and builtin(cfg, r.type) and r.get("status") == "open":
            late = memo_days_late(r, today)
            for d in dict.fromkeys(x for x in (r.get("to") or []) if isinstance(x, str)):
                yield OwedItem("memo", r.id, r.title, d, _iso(date_of(r.get("reply_due"))), late,
                               "overdue" if late else "open")


def _owed_reports(live, cfg: Config, today: dt.date):
    """Reports of ended periods not filed (missing: past their due; pending: not yet due), owed by the
    department."""
    for o in reports_owed(cfg, [r for r in live if r.type == "report"], today):
        if o.state in ("missing", "pending"):
            yield OwedItem("report", f"{o.department} {o.period}", o.kind, o.department, _iso(o.due), o.days_late,
                           o.state)


def _owed_receipts(live, cfg: Config, today: dt.date):
    """Receipts (签收) each department still owes."""
    owed_by = receipts_owed_by_all(live, cfg)
    for code in cfg.departments:
        for r in owed_by.get(code, []):
            yield OwedItem("receipt", r.id, r.title, code, "", 0, "receipt")


def _owed_approvals(live, cfg: Config, today: dt.date):
    """Draft minutes waiting for approval: a management review's by the gm of today, others by their chair."""
    for r in live:
        if r.type != "meeting" or r.get("status") != "draft":
            continue
        if r.get("kind") == "management-review":
            approvers = [p.id for p in cfg.holders("gm", today)]
        else:
            approvers = [r.get("chair")] if isinstance(r.get("chair"), str) else []
        for pid in approvers:
            yield OwedItem("approval", r.id, r.title, pid, "", 0, "approval")


OWED = (_owed_capas, _owed_actions, _owed_complaints, _owed_memos, _owed_reports, _owed_receipts, _owed_approvals)


def owes(item: OwedItem, cfg: Config, person: str | None = None, department: str | None = None) -> bool:
    """Is the item on this person's list (theirs, or their department's when they head it), on this
    department's list (its own, or one of its people's)? With neither: everyone's."""
    if person:
        d = cfg.departments.get(item.owner)
        return item.owner == person or (d is not None and d.head == person)
    if department:
        p = cfg.people.get(item.owner)
        return item.owner == department or (p is not None and p.department == department)
    return True


def owed(records, cfg: Config, today: dt.date, person: str | None = None,
         department: str | None = None) -> list[OwedItem]:
    """Everything owed on `today` (records not withdrawn only; the caller chooses the audience), for one
    person or department or for everyone; overdue first (most days late first), then by kind and due."""
    live = [r for r in records if counts(r)]
    items = [i for f in OWED for i in f(live, cfg, today) if owes(i, cfg, person, department)]
    return sorted(items, key=owed_order)


def owed_order(item: OwedItem) -> tuple:
    return (-item.days_late, OWED_KINDS.index(item.kind), item.due or "9999", item.ref, item.owner)
