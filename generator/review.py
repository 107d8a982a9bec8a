"""The management-review pack (IATF 16949 / ISO 9001 9.3): the inputs of 9.3.2 assembled from the records of
the period since the previous review, and the review's outputs traced forward to the next review.

Pure functions over the records an audience sees (hidden records are not among them, so they count nowhere)
and the Config; figures are taken as of the review's date with the state.py functions that take a day.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from . import state
from .config import Config
from .records import Record
from .state import date_of

REVIEW_KIND = "management-review"     # a meeting's `kind` that makes it a management review


def is_review(record: Record) -> bool:
    """A management review that counts: a meeting of kind management-review with a date, not withdrawn."""
    return (record.type == "meeting" and record.get("kind") == REVIEW_KIND and state.counts(record)
            and date_of(record.get("date")) is not None)


def reviews(records) -> list[Record]:
    """Every management review, the oldest first."""
    return sorted((r for r in records if is_review(r)), key=lambda r: (r.get("date"), r.id))


@dataclass
class Period:
    start: dt.date | None     # the day after the previous review (None: from the first record on)
    end: dt.date              # the review's date

    def holds(self, day) -> bool:
        day = date_of(day)
        return day is not None and (self.start is None or day >= self.start) and day <= self.end


@dataclass
class ActionStatus:
    """An action item of an earlier review as the review found it."""
    action: state.Action
    done_by_review: bool       # done on or before the review's date
    late_at_review: int        # days past its due on the review's date, when not done by then


@dataclass
class Figures:
    """Records of one type: those of the period, and the state on the review's date."""
    new: list[Record] = field(default_factory=list)          # opened / received / found in the period
    closed: list[Record] = field(default_factory=list)       # closed (or responded, for complaints) in the period
    on_time: list[Record] = field(default_factory=list)      # of those, on or before their due date
    open: list[Record] = field(default_factory=list)         # still open on the review's date
    overdue: list[Record] = field(default_factory=list)      # of those, past due on the review's date


@dataclass
class Trace:
    """One output of a review followed forward: action -> CAPA -> verification -> next review."""
    ref: str                       # the action's <ID>#A<n>, or the CAPA's ID when it names the review directly
    text: str
    action: state.Action | None
    capa: Record | None            # the CAPA (visible to this audience), None when there is none or it is hidden
    capa_ref: str | None           # the CAPA ID as written (may name a hidden record)
    next_review: Record | None     # where the loop closes: its pack lists this review's actions

    @property
    def verification(self) -> dict | None:
        v = self.capa.get("verification") if self.capa is not None else None
        return v if isinstance(v, dict) else None

    @property
    def loop(self) -> str:
        """closed (the action settled, its CAPA closed), carried (still open, taken up by the next review) or
        open (still open, no later review yet)."""
        settled = self.action is None or self.action.status in ("done", "cancelled")
        capa_done = self.capa is None or self.capa.get("status") in state.CLOSED_CAPA
        if settled and capa_done and (self.capa is not None or self.action is not None):
            return "closed"
        return "carried" if self.next_review is not None else "open"


@dataclass
class ReviewPack:
    review: Record
    previous: Record | None
    next: Record | None
    period: Period
    earlier_actions: list[ActionStatus]
    capas: Figures
    complaints: Figures
    ncs: list[Record]                       # found in the period
    nc_by_audit: dict[str, list[Record]]    # audit kind -> NCs found in the period
    ncs_open: list[Record]                  # open on the review's date (any period)
    surveys: list[Record]                   # received in the period
    survey_mean: float | None
    survey_low: list[tuple[Record, str, float]]   # (survey, criterion, score) scored 3 or lower
    reports: list[state.Owed]               # report periods due in the period
    reports_on_time: int
    objectives: list[tuple]                 # (Objective, [ObjectiveValue] of the period, met, missed)
    notices: list[Record]                   # issued in the period
    outputs: list[Trace]

    @property
    def report_adherence(self) -> float | None:
        return round(100 * self.reports_on_time / len(self.reports), 1) if self.reports else None


def capa_open_on(capa: Record, day: dt.date) -> bool:
    opened, closed = date_of(capa.get("opened_on")), date_of(capa.get("closed_on"))
    if capa.get("status") == "cancelled" or not opened or opened > day:
        return False
    return not (capa.get("status") == "closed" and closed and closed <= day)


def complaint_open_on(c: Record, day: dt.date) -> bool:
    """Received on or before `day` and not yet responded (nor cancelled) by then."""
    got, answered = date_of(c.get("received_on")), state.responded_on(c)
    if c.get("status") == "cancelled" or not got or got > day:
        return False
    closed = date_of(c.get("closed_on")) if c.get("status") == "closed" else None
    return not ((answered and answered <= day) or (closed and closed <= day))


def _figures(records: list[Record], p: Period, *, opened: str, settled_on, due: str, open_on, overdue_on) -> Figures:
    """New in the period (`opened`), settled in it (`settled_on`) and how many of those by `due`, and the
    open and overdue ones on the review's date; cancelled records count nowhere."""
    f = Figures()
    for r in records:
        if r.get("status") == "cancelled":
            continue
        if p.holds(r.get(opened)):
            f.new.append(r)
        settled = settled_on(r)
        if settled and p.holds(settled):
            f.closed.append(r)
            by = date_of(r.get(due))
            if by and settled <= by:
                f.on_time.append(r)
        if open_on(r, p.end):
            f.open.append(r)
            if overdue_on(r, p.end):
                f.overdue.append(r)
    return f


def _capa_settled(c: Record) -> dt.date | None:
    return date_of(c.get("closed_on")) if c.get("status") == "closed" else None


def _capa_figures(capas: list[Record], p: Period) -> Figures:
    return _figures(capas, p, opened="opened_on", due="due", open_on=capa_open_on, overdue_on=state.overdue_on,
                    settled_on=_capa_settled)


def _complaint_figures(complaints: list[Record], p: Period) -> Figures:
    def past_response_due(c: Record, day: dt.date) -> bool:
        by = date_of(c.get("response_due"))
        return bool(by and day > by)

    return _figures(complaints, p, opened="received_on", settled_on=state.responded_on, due="response_due",
                    open_on=complaint_open_on, overdue_on=past_response_due)


def _earlier_actions(earlier: list[Record], p: Period, today: dt.date) -> list[ActionStatus]:
    """The action items of every earlier review not settled before the period began: the previous review's
    all, and those of older reviews still open when the period started."""
    out = []
    for r in earlier:
        for a in state.actions_of(r, today):
            done = date_of(done_on_of(a))
            if a.status == "cancelled" and r is not earlier[-1]:
                continue
            if r is not earlier[-1] and a.status == "done" and done and p.start and done < p.start:
                continue
            by_review = a.status == "done" and done is not None and done <= p.end
            late = (p.end - a.due).days if a.due and not by_review and a.status != "cancelled" and p.end > a.due else 0
            out.append(ActionStatus(a, by_review, late))
    return out


def done_on_of(a: state.Action):
    items = a.record.get("actions") or []
    item = items[a.n - 1] if 0 < a.n <= len(items) and isinstance(items[a.n - 1], dict) else {}
    return item.get("done_on")


def _objectives(cfg: Config, reports: list[Record], p: Period, known: dict | None = None) -> list[tuple]:
    out, known = [], {} if known is None else known
    for o in cfg.objectives.values():
        if o.id not in known:
            known[o.id] = state.objective_values(o, reports)
        values = [v for v in known[o.id] if p.holds(state.period_end(v.period))]
        out.append((o, values, sum(1 for v in values if v.met), sum(1 for v in values if not v.met)))
    return out


def _outputs(review: Record, by_id: dict[str, Record], citing: list[Record], nxt: Record | None,
             today: dt.date) -> list[Trace]:
    """The review's action items (with their CAPA, from by_id), then the CAPAs citing it (whose source_ref
    names the review) that no action of it names."""
    out, named = [], set()
    for a in state.actions_of(review, today):
        ref = a.capa if isinstance(a.capa, str) else None
        capa = by_id.get(ref) if ref else None
        if ref:
            named.add(ref)
        out.append(Trace(a.ref, a.text, a, capa, ref, nxt))
    for c in citing:
        if c.id not in named:
            out.append(Trace(c.id, c.title, None, c, c.id, nxt))
    return out


def pack(records, cfg: Config, review: Record, today: dt.date) -> ReviewPack:
    """The pack of one management review, from the records given (those the audience sees)."""
    return _Context(records).pack(cfg, review, today)


def packs(records, cfg: Config, today: dt.date) -> dict[str, ReviewPack]:
    """Review ID -> its pack, for every management review among the records."""
    ctx = _Context(records)
    return {r.id: ctx.pack(cfg, r, today) for r in ctx.reviews}


class _Context:
    """What every pack of one build reads: the records that count, by type, and the reviews in order."""

    def __init__(self, records):
        live = [r for r in records if state.counts(r)]
        self.reviews = reviews(live)
        self.of = {t: [r for r in live if r.type == t]
                   for t in ("capa", "complaint", "nc", "survey", "report", "notice")}
        self.objective_values: dict = {}     # objective ID -> its values over the reports: the same for every pack
        self.dates = [r.get("date") for r in self.reviews]
        self.capa_by_id = {c.id: c for c in self.of["capa"]}
        self.citing: dict[str, list[Record]] = {}          # review ID -> the CAPAs whose source_ref names it
        for c in self.of["capa"]:
            if isinstance(c.get("source_ref"), str):
                self.citing.setdefault(c.get("source_ref"), []).append(c)
        self._near: dict = {}
        self._owed: list[list[state.Owed]] | None = None

    def near(self, rtype: str, at: int, opened: str, settled_on=lambda r: None, open_on=lambda r, day: False):
        """The records of rtype (in their order) that the review at place `at` can count: those opened or
        settled in its period, or open on its date. Each record is placed by its dates (bisect) once for all
        reviews, not looked at again by every review (issue 15: reviews grow with the records)."""
        if (rtype, opened) not in self._near:
            dates, found = self.dates, [{} for _ in self.reviews]   # per review: place in of[rtype] -> record
            for n, r in enumerate(self.of[rtype]):
                start = date_of(r.get(opened))
                for day in (start, settled_on(r)):
                    i = bisect_left(dates, day) if day else len(dates)
                    if i < len(dates):
                        found[i][n] = r
                i = bisect_left(dates, start) if start else len(dates)
                while i < len(dates) and open_on(r, dates[i]):   # open from its start until settled
                    found[i][n] = r
                    i += 1
            self._near[rtype, opened] = [[b[n] for n in sorted(b)] for b in found]
        return self._near[rtype, opened][at]

    def owed(self, cfg: Config, at: int, p: Period) -> list[state.Owed]:
        """The report periods due in the review's period, as they stood the day after it: one reports_owed
        for every review (up to the last one), its missing reports' days late counted to each review."""
        if self._owed is None:
            self._owed = [[] for _ in self.reviews]
            last = self.dates[-1] + dt.timedelta(days=1)
            for o in state.reports_owed(cfg, self.of["report"], last):
                i = bisect_left(self.dates, o.due)
                if i < len(self.dates):
                    self._owed[i].append(o)
        as_of = p.end + dt.timedelta(days=1)
        return [o if o.state != "missing" else replace(o, days_late=(as_of - o.due).days)
                for o in self._owed[at] if p.holds(o.due) and state.period_end(o.period) < as_of]

    def pack(self, cfg: Config, review: Record, today: dt.date) -> ReviewPack:
        return _pack(self, cfg, review, today)


def _pack(ctx: _Context, cfg: Config, review: Record, today: dt.date) -> ReviewPack:
    all_reviews, of = ctx.reviews, ctx.of
    at = next(i for i, r in enumerate(all_reviews) if r.id == review.id)
    earlier = all_reviews[:at]
    prev = earlier[-1] if earlier else None
    nxt = all_reviews[at + 1] if at + 1 < len(all_reviews) else None
    p = Period(prev.get("date") + dt.timedelta(days=1) if prev else None, review.get("date"))

    def nc_open_on(n: Record, day: dt.date) -> bool:
        return bool(date_of(n.get("found_on")) and n.get("found_on") <= day and not (
            n.get("status") == "closed" and date_of(n.get("closed_on")) and n.get("closed_on") <= day))

    nc_near = ctx.near("nc", at, "found_on", open_on=nc_open_on)
    ncs = sorted([n for n in nc_near if p.holds(n.get("found_on"))], key=lambda n: n.id)
    by_audit: dict[str, list[Record]] = {}
    for n in ncs:
        by_audit.setdefault(str(n.get("audit")), []).append(n)
    ncs_open = [n for n in nc_near if nc_open_on(n, p.end)]
    surveys = sorted([s for s in ctx.near("survey", at, "received_on") if p.holds(s.get("received_on"))],
                     key=lambda s: s.id)
    overall = [x for x in map(state.survey_overall, surveys) if x is not None]
    low = [(s, str(k), v) for s in surveys if isinstance(s.get("scores"), dict)
           for k, v in s.get("scores").items() if isinstance(v, (int, float)) and not isinstance(v, bool) and v <= 3]
    owed = ctx.owed(cfg, at, p)
    return ReviewPack(
        review, prev, nxt, p, _earlier_actions(earlier, p, today),
        _capa_figures(ctx.near("capa", at, "opened_on", _capa_settled, capa_open_on), p),
        _complaint_figures(ctx.near("complaint", at, "received_on", state.responded_on, complaint_open_on), p),
        ncs, by_audit, sorted(ncs_open, key=lambda n: n.id),
        surveys, round(sum(overall) / len(overall), 2) if overall else None, low,
        owed, sum(1 for o in owed if o.state == "on-time"),
        _objectives(cfg, of["report"], p, ctx.objective_values),
        sorted([n for n in ctx.near("notice", at, "issued_on") if p.holds(n.get("issued_on"))],
               key=lambda n: (n.get("issued_on"), n.id)),
        _outputs(review, ctx.capa_by_id, ctx.citing.get(review.id, []), nxt, today))

