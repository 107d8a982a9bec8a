"""The auditor's index: per clause (IATF 16949 / ISO 9001 7.4, 7.5.3, 9.1.2, 9.2, 9.3, 10.2), what the site
holds as evidence (counts and the pages that list it) and what is missing.

Pure functions over the records an audience sees and the Config; `today` is a parameter. Each missing item is
a value (a label key, the record or period it concerns, arguments), worded by labels.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import audit, review, state
from .config import Config
from .meetings_owed import meetings_owed
from .receipts import receipts_outstanding
from .state import date_of

CLAUSES = ("7.4", "7.5.3", "9.1.2", "9.2", "9.3", "10.2")
SURVEY_EVERY_DAYS = 366     # a customer without a survey received in this many days is a gap (9.1.2)
REVIEW_EVERY_DAYS = 366     # no management review in this many days is a gap (9.3)


@dataclass
class Evidence:
    key: str                  # label key of what is counted
    count: int
    src: str | None           # the page that lists it (docs-relative source), None when there is none


@dataclass
class Missing:
    key: str                  # label key of the gap
    ref: str                  # the record ID (or a department and period) it concerns
    args: dict = field(default_factory=dict)


@dataclass
class Clause:
    number: str
    evidence: list[Evidence]
    missing: list[Missing]


def _folder(cfg: Config, rtype: str) -> str | None:
    t = cfg.types.get(rtype)
    return t.folder if t else None


def _page(cfg: Config, rtype: str, page: str) -> str | None:
    """A v2 type's board (or trend, or log); None for a company's own type of that name (it has none)."""
    folder = _folder(cfg, rtype)
    return f"{folder}/{page}" if folder and state.builtin(cfg, rtype) else None


def verification_missing(capa) -> bool:
    """A closed CAPA whose verification names no evidence (or no verifier, or no date)."""
    v = capa.get("verification")
    return capa.get("status") == "closed" and not (
        isinstance(v, dict) and str(v.get("evidence") or "").strip() and v.get("verified_by") and v.get("verified_on"))


def _c74(live, cfg: Config, today: dt.date) -> Clause:
    of = lambda t: [r for r in live if r.type == t]     # noqa: E731
    signed = sum(len(r.get("received") or []) for r in live if isinstance(r.get("received"), list))
    owed = state.reports_owed(cfg, of("report"), today)
    ev = [Evidence("notices_issued", len(of("notice")), _page(cfg, "notice", "index.md")),
          Evidence("meetings_held", len(of("meeting")), _page(cfg, "meeting", "index.md")),
          Evidence("memos_sent", len(of("memo")), _page(cfg, "memo", "board.md")),
          Evidence("contacts_logged", len(of("contact")), _page(cfg, "contact", "log.md")),
          Evidence("receipts_signed", signed, None),
          Evidence("reports_filed", sum(1 for o in owed if o.state in ("on-time", "late")), "reports/matrix.md")]
    miss = [Missing("gap_receipts_owed", r.id, {"departments": owed_by})
            for r in live if r.type == "notice" and (owed_by := receipts_outstanding(r, cfg))]
    for entry, periods in meetings_owed(cfg, of("meeting"), today):
        miss += [Missing("gap_meeting_missed", f"{entry.department} {p.period}", {"department": entry.department,
                                                                                   "kind": entry.kind})
                 for p in periods if p.state == "missed"]
    miss += [Missing("gap_report_late", f"{o.department} {o.period}", {"department": o.department, "n": o.days_late})
             for o in owed if o.state == "missing"]
    miss += [Missing("gap_memo_late", m.id, {"n": n}) for m in of("memo") if (n := state.days_late(m, cfg, today))]
    return Clause("7.4", [e for e in ev if e.src or e.count], miss)


def _c753(live, visible, cfg: Config, today: dt.date, superseders) -> Clause:
    docs = audit.documents([r for r in live if r.type == "notice"], cfg, today, superseders)
    due, decided = audit.past_retention(visible, cfg, today, superseders)
    ev = [Evidence("controlled_documents", len(docs), "register/index.md"),
          Evidence("disposal_decisions_n", len(decided), "retention/index.md"),
          Evidence("records_kept", len(visible), "archive/index.md")]
    miss = [Missing("gap_document_review", d.current.id, {"doc": d.number, "n": d.review_days_late})
            for d in docs if d.review_days_late]
    miss += [Missing("gap_no_current", d.revisions[0].id, {"doc": d.number}) for d in docs if d.current is None
             and any(d.states[r.id] == "expired" for r in d.revisions)]
    miss += [Missing("gap_retention", r.record.id, {"until": r.until.isoformat()}) for r in due]
    return Clause("7.5.3", ev, miss)


def _c912(live, cfg: Config, today: dt.date, customer_key) -> Clause:
    surveys = [r for r in live if r.type == "survey"]
    complaints = [r for r in live if r.type == "complaint" and r.get("status") != "cancelled"]
    ev = [Evidence("surveys_received", len(surveys), _page(cfg, "survey", "trend.md")),
          Evidence("complaints_received", len(complaints), _page(cfg, "complaint", "board.md"))]
    if cfg.customers:
        ev.append(Evidence("customers_on_file", len(cfg.customers), "customers/index.md"))
    miss = []
    for cid in cfg.customers:
        got = [d for d in (date_of(s.get("received_on")) for s in surveys if customer_key(s.get("customer")) == cid) if d]
        if not got or (today - max(got)).days > SURVEY_EVERY_DAYS:
            miss.append(Missing("gap_no_survey", cid, {"last": max(got).isoformat() if got else ""}))
    miss += [Missing("gap_complaint_late", c.id, {"n": n})
             for c in complaints if (n := state.days_late(c, cfg, today))]
    return Clause("9.1.2", ev, miss)


def _c92(live, cfg: Config) -> Clause:
    ncs = [r for r in live if r.type == "nc"]
    audits = {(n.get("audit"), str(n.get("audit_ref") or "")) for n in ncs}
    capas = [r for r in live if r.type == "capa" and r.get("source") in ("internal-audit", "external-audit")]
    ev = [Evidence("ncs_recorded", len(ncs), _page(cfg, "nc", "board.md")),
          Evidence("audits_recorded", len(audits), _page(cfg, "nc", "board.md")),
          Evidence("audit_capas", len(capas), "capa/board.md" if "capa" in cfg.types else None)]
    miss = [Missing("gap_nc_no_capa", n.id, {"grade": n.get("grade")}) for n in ncs
            if not n.get("capa") and n.get("grade") != "observation"]
    return Clause("9.2", ev, miss)


def _c93(live, cfg: Config, today: dt.date) -> Clause:
    reviews = review.reviews(live)
    approved = [r for r in reviews if r.get("status") == "approved"]
    actions = [a for r in reviews for a in state.actions_of(r, today)]
    ev = [Evidence("reviews_held", len(reviews), "reviews/index.md"),
          Evidence("review_actions", len(actions), "reviews/index.md")]
    miss = [Missing("gap_review_receipts", r.id, {"departments": owed_by})
            for r in approved if (owed_by := receipts_outstanding(r, cfg))]
    miss += [Missing("gap_review_draft", r.id) for r in reviews if r.get("status") != "approved"]
    last = max((r.get("date") for r in reviews), default=None)
    if last is None or (today - last).days > REVIEW_EVERY_DAYS:
        miss.append(Missing("gap_no_review", "9.3", {"last": last.isoformat() if last else ""}))
    miss += [Missing("gap_review_action_late", a.ref, {"n": a.days_late}) for a in actions if a.overdue]
    return Clause("9.3", ev, miss)


def _c102(live, cfg: Config, today: dt.date, lists=None) -> Clause:
    capas = [r for r in live if r.type == "capa"]
    closed = [c for c in capas if c.get("status") == "closed"]
    checks, escalated = lists or (audit.effectiveness_checks(live, cfg, today), audit.escalations(live, cfg, today))
    ev = [Evidence("capas_recorded", len(capas), "capa/board.md" if "capa" in cfg.types else None),
          Evidence("capas_verified", sum(1 for c in closed if not verification_missing(c)), "capa/board.md"),
          Evidence("checks_owed", len(checks), "effectiveness/index.md"),
          Evidence("escalated_items", len(escalated), "escalation/index.md")]
    miss = [Missing("gap_capa_unverified", c.id) for c in closed if verification_missing(c)]
    miss += [Missing("gap_capa_late", c.id, {"n": n}) for c in capas if (n := state.capa_days_late(c, today))]
    miss += [Missing("gap_check_late", c.record.id, {"n": -c.days_left}) for c in checks if c.overdue]
    return Clause("10.2", ev, miss)


def index(records, cfg: Config, today: dt.date, superseders: dict, customer_key, lists=None) -> list[Clause]:
    """The auditor's index over the records an audience sees (withdrawn ones count only as records kept).
    lists: (effectiveness checks, escalations) of those records, when the caller has them already."""
    visible = list(records)
    live = [r for r in visible if state.counts(r)]
    return [_c74(live, cfg, today), _c753(live, visible, cfg, today, superseders),
            _c912(live, cfg, today, customer_key), _c92(live, cfg), _c93(live, cfg, today), _c102(live, cfg, today, lists)]
