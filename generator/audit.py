"""What an auditor asks of the records (issue 14): the document register and its reviews, retention and
disposal decisions, CAPA effectiveness checks, and who an overdue item escalates to.

Pure functions over Records and the Config's audit settings (types.yml `retention_years`, `review_every`,
`effectiveness_days`; site.yml `escalate_after_days`); `today` is always a parameter.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from . import state
from .config import Config
from .records import Record
from .state import date_of

DEFAULT_EFFECTIVENESS_DAYS = 90   # a capa type without `effectiveness_days`
DUE_SOON_DAYS = 30                # a check or review due within this many days is "coming due"
OWNER_FIELD = {"capa": "owner", "complaint": "received_by"}   # who answers for an overdue record


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day where it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- controlled documents --------------------------------------------------------------------

@dataclass
class Document:
    """The notices sharing one `doc_number`: its revisions and its review."""
    number: str
    revisions: list[Record]          # newest first (by effective date, then ID)
    states: dict[str, str]           # notice ID -> state.notice_state
    current: Record | None           # the revision in force; None when none is
    review_every: int | None         # months (the current revision's own, else its type's)
    reviewed_on: dt.date | None      # the later of its effective date and its `reviewed_on`
    review_due: dt.date | None
    today: dt.date

    @property
    def superseded(self) -> list[Record]:
        return [r for r in self.revisions if r is not self.current and self.states[r.id] == "superseded"]

    @property
    def review_days_late(self) -> int:
        return (self.today - self.review_due).days if self.review_due and self.today > self.review_due else 0

    @property
    def review_soon(self) -> bool:
        return bool(self.review_due) and not self.review_days_late and \
            (self.review_due - self.today).days <= DUE_SOON_DAYS


def review_every_of(notice: Record, cfg: Config) -> int | None:
    """Months between reviews: the notice's own `review_every`, else its type's."""
    own = notice.get("review_every")
    if isinstance(own, (int, float)) and not isinstance(own, bool) and own >= 1:
        return int(own)
    rtype = cfg.types.get(notice.type)
    return rtype.review_every if rtype else None


def review_due_of(notice: Record, cfg: Config) -> tuple[dt.date | None, dt.date | None]:
    """(last review, next review due) of a controlled document's revision: due `review_every` months after
    the later of its effective date and its `reviewed_on`; (…, None) without a cadence or a date."""
    every = review_every_of(notice, cfg)
    dates = [d for d in (state.effective_from(notice), date_of(notice.get("reviewed_on"))) if d]
    last = max(dates) if dates else None
    return last, (add_months(last, every) if last and every else None)


def documents(notices, cfg: Config, today: dt.date, superseders: dict[str, Record]) -> list[Document]:
    """The document register: one Document per `doc_number` among notices, by number."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for n in notices:
        number = n.get("doc_number")
        if n.type == "notice" and isinstance(number, (str, int, float)) and str(number).strip():
            groups[str(number).strip()].append(n)
    out = []
    for number, revs in sorted(groups.items()):
        revs.sort(key=lambda r: (state.effective_from(r) or dt.date.min, r.id), reverse=True)
        states = {r.id: state.notice_state(r, today, superseders) for r in revs}
        current = next((r for r in revs if states[r.id] == "active"), None)
        last, due = review_due_of(current, cfg) if current else (None, None)
        out.append(Document(number, revs, states, current, review_every_of(current, cfg) if current else None,
                            last, due, today))
    return out


# --- retention -------------------------------------------------------------------------------

# the date a finished record's retention counts from, first one present (a type's `starts_from` comes after)
END_FIELDS = ("closed_on", "approved_on", "submitted_on")
START_FIELDS = ("date", "received_on", "found_on", "sent_on", "issued_on", "opened_on")


@dataclass
class Retention:
    record: Record
    years: int
    since: dt.date          # when the record stopped being live (closed, superseded, expired, or its date)
    until: dt.date          # the end of its retention period

    @property
    def decision(self) -> dict | None:
        """The disposal decision: the record's `withdrawn` entry, when made once its retention had run out."""
        w = self.record.get("withdrawn")
        return w if isinstance(w, dict) and (date_of(w.get("date")) or dt.date.min) >= self.until else None


def _add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def still_live(record: Record, cfg: Config, today: dt.date, superseders: dict[str, Record]) -> bool:
    """A record not at the end of its type's flow (and not withdrawn), or a notice in force or scheduled."""
    rtype = cfg.types.get(record.type)
    if rtype and rtype.flow and record.get("status") not in (rtype.flow[-1], "cancelled") and not record.withdrawn:
        return True
    return record.type == "notice" and state.notice_state(record, today, superseders) in ("active", "scheduled")


def first_date(record: Record, names) -> dt.date | None:
    """The first of these fields that holds a date."""
    return next((d for d in (date_of(record.get(f)) for f in names) if d), None)


def start_fields(record: Record, cfg: Config) -> tuple[str, ...]:
    """The fields that date a record's start: its type's `starts_from`, then START_FIELDS."""
    rtype = cfg.types.get(record.type)
    return ((rtype.starts_from,) if rtype and rtype.starts_from else ()) + START_FIELDS


def notice_ended(notice: Record, superseders: dict[str, Record]) -> dt.date | None:
    """When a notice stopped being in force: its superseder's effective date, else its expiry."""
    newer = superseders.get(notice.id)
    return (state.effective_from(newer) if newer else None) or date_of(notice.get("expires_on"))


def year_of_id(record: Record) -> dt.date:
    """1 January of the year in the record's ID: a date for a record that names none."""
    return dt.date(int(record.id.split("-")[1]), 1, 1)


def retention_of(record: Record, cfg: Config, today: dt.date, superseders: dict[str, Record]) -> Retention | None:
    """The record's retention period; None when its type sets none or the record is still live (a CAPA,
    complaint, NC or memo not at the end of its flow; a notice in force or scheduled)."""
    rtype = cfg.types.get(record.type)
    if rtype is None or not rtype.retention_years or still_live(record, cfg, today, superseders):
        return None
    if record.type == "notice":
        since = notice_ended(record, superseders) or state.effective_from(record)
    else:
        since = first_date(record, (*END_FIELDS, *start_fields(record, cfg)))
    since = since or year_of_id(record)
    return Retention(record, rtype.retention_years, since, _add_years(since, rtype.retention_years))


def past_retention(records, cfg: Config, today: dt.date,
                   superseders: dict[str, Record]) -> tuple[list[Retention], list[Retention]]:
    """(records past retention awaiting a disposal decision, disposal decisions taken), oldest first.
    A record withdrawn before its retention ran out (made in error) is neither."""
    due, decided = [], []
    for r in records:
        ret = retention_of(r, cfg, today, superseders)
        if ret is None or today <= ret.until:
            continue
        if not r.withdrawn:
            due.append(ret)
        elif ret.decision:
            decided.append(ret)
    key = lambda x: (x.until, x.record.id)     # noqa: E731
    return sorted(due, key=key), sorted(decided, key=key)


# --- CAPA effectiveness checks ---------------------------------------------------------------

@dataclass
class EffectivenessCheck:
    record: Record
    due: dt.date
    explicit: bool          # the capa set `effectiveness_due` itself
    days_left: int          # due - today (negative: overdue)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= DUE_SOON_DAYS


def effectiveness_due_for(record: Record, cfg: Config, today: dt.date) -> EffectivenessCheck | None:
    """The effectiveness check a capa owes: its `effectiveness_due`, else `effectiveness_days` (type, default
    90) after its last action's `done_on` once every action is settled. None when nothing is owed: not a
    live capa (closed, cancelled, withdrawn), actions still open, or verified effective."""
    if record.type != "capa" or record.withdrawn or record.get("status") in state.CLOSED_CAPA:
        return None
    verification = record.get("verification")
    if isinstance(verification, dict) and verification.get("effective") is True:
        return None
    due = date_of(record.get("effectiveness_due"))
    explicit = due is not None
    if due is None:
        actions = [a for a in record.get("actions") or [] if isinstance(a, dict)]
        if not actions or any((a.get("status") or "open") == "open" for a in actions):
            return None
        done = [d for d in (date_of(a.get("done_on")) for a in actions if a.get("status") == "done") if d]
        if not done:
            return None
        rtype = cfg.types.get("capa")
        days = (rtype.effectiveness_days if rtype else None) or DEFAULT_EFFECTIVENESS_DAYS
        due = max(done) + dt.timedelta(days=days)
    return EffectivenessCheck(record, due, explicit, (due - today).days)


def effectiveness_checks(records, cfg: Config, today: dt.date) -> list[EffectivenessCheck]:
    """Every effectiveness check owed, the earliest due first."""
    checks = [c for c in (effectiveness_due_for(r, cfg, today) for r in records) if c]
    return sorted(checks, key=lambda c: (c.due, c.record.id))


# --- escalation ------------------------------------------------------------------------------

def escalation(item_owner: str, days_late: int, cfg: Config, today: dt.date, reps=None) -> list[str]:
    """Who an overdue item goes to next, in order: the owner's department head once it is
    `escalate_after_days.head` days late, then whoever holds `management-rep` on today once it is
    `escalate_after_days.management-rep` days late (site.yml; default 14 and 30). The owner is never named.
    reps: the management-rep holders on today, when the caller has them already."""
    if days_late <= 0:
        return []
    after = cfg.escalate_after_days
    out: list[str] = []
    person = cfg.people.get(item_owner)
    dept = cfg.departments.get(person.department) if person else None
    if days_late >= after["head"] and dept and dept.head and dept.head != item_owner:
        out.append(dept.head)
    if days_late >= after["management-rep"]:
        reps = cfg.holders("management-rep", today) if reps is None else reps
        out += [p.id for p in reps if p.id != item_owner and p.id not in out]
    return out


@dataclass
class Escalated:
    record: Record
    ref: str                 # the record's ID, or an action item's <ID>#A<n>
    text: str
    owner: str
    days_late: int
    to: list[str]


def record_escalation(record: Record, cfg: Config, today: dt.date, reps=None) -> Escalated | None:
    """An overdue CAPA or complaint and who it goes to; None when it is not overdue or has no owner."""
    owner = record.get(OWNER_FIELD.get(record.type, ""))
    late = state.days_late(record, cfg, today) if record.type in OWNER_FIELD else 0
    if not late or not isinstance(owner, str):
        return None
    return Escalated(record, record.id, record.title, owner, late, escalation(owner, late, cfg, today, reps))


def escalations(records, cfg: Config, today: dt.date) -> list[Escalated]:
    """Overdue CAPAs, complaints and open action items that have gone past their owner, the latest first."""
    reps = cfg.holders("management-rep", today)
    items = [e for e in (record_escalation(r, cfg, today, reps) for r in records) if e]
    items += [Escalated(a.record, a.ref, a.text, a.owner, a.days_late, escalation(a.owner, a.days_late, cfg, today, reps))
              for a in state.open_actions(records, today) if a.overdue]
    return sorted([e for e in items if e.to], key=lambda e: (-e.days_late, e.ref))


# --- one record's page -----------------------------------------------------------------------

@dataclass
class RecordAudit:
    """What a record's page shows: its effectiveness check, who it escalated to, its next review."""
    check: EffectivenessCheck | None
    escalated: Escalated | None
    review_due: dt.date | None
    review_days_late: int = 0


def record_audit(record: Record, cfg: Config, today: dt.date, superseders: dict[str, Record],
                 reps=None) -> RecordAudit:
    review = None
    if record.type == "notice" and record.get("doc_number") \
            and state.notice_state(record, today, superseders) == "active":
        review = review_due_of(record, cfg)[1]
    esc = record_escalation(record, cfg, today, reps)
    return RecordAudit(effectiveness_due_for(record, cfg, today), esc if esc and esc.to else None, review,
                       (today - review).days if review and today > review else 0)
