"""Recurring meetings owed (schedule.yml `record: meeting`): which periods were held, are due or missed.

Periods are written 2026-W05 (ISO week), 2026-03 (month), 2026-Q1 (quarter) and 2026 (year). Pure
functions of the records and `today` (a date in the site's time zone, given by the caller).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

EXAMPLE = {"week": "2026-W05", "month": "2026-03", "quarter": "2026-Q1", "year": "2026"}
_FORM = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})()$"),
}


@dataclass(frozen=True)
class MeetingPeriod:
    period: str
    start: dt.date
    end: dt.date
    state: str  # held | due | missed
    held_by: tuple = ()  # IDs of the meetings held in it


def valid_period(period: str, every: str) -> bool:
    """Whether period is written as a period of that length (and, for a week, the year has that week)."""
    m = _FORM[every].match(str(period))
    if not m:
        return False
    if every == "week":
        weeks = dt.date(int(m.group(1)), 12, 28).isocalendar()[1]  # 28 December is always in the last week
        return 1 <= int(m.group(2)) <= weeks
    return True


def period_of(day: dt.date, every: str) -> str:
    """The period (of that length) the day falls in."""
    if every == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if every == "month":
        return f"{day.year}-{day.month:02d}"
    if every == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def period_bounds(period: str, every: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period."""
    m = _FORM[every].match(str(period))
    if not m:
        raise ValueError(f"{period} is not a {every} period, e.g. {EXAMPLE[every]}")
    year = int(m.group(1))
    if every == "week":
        start = dt.date.fromisocalendar(year, int(m.group(2)), 1)
        return start, start + dt.timedelta(days=6)
    if every == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    months = 1 if every == "month" else 3
    first = int(m.group(2)) if every == "month" else (int(m.group(2)) - 1) * 3 + 1
    start = dt.date(year, first, 1)
    after = dt.date(year + (first + months - 1) // 12, (first + months - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def _is_owed_meeting(record, entry) -> bool:
    f = record.fields
    return (record.type == "meeting" and not record.withdrawn and f.get("kind") == entry.kind
            and f.get("department") == entry.department and isinstance(f.get("date"), dt.date))


def meeting_periods(entry, records, today: dt.date) -> list[MeetingPeriod]:
    """Every period of the entry from its start to the one holding today, oldest first.

    entry: a config.MeetingScheduleEntry; records: any iterable of records (only meetings of the
    entry's kind and department, not withdrawn, count). A period is held when such a meeting is dated
    in it; else the current period is due, earlier ones are missed. Without `start`, the first period
    owed is the first such meeting's (or today's, when there is none).
    """
    meetings = sorted((r for r in records if _is_owed_meeting(r, entry)), key=lambda r: (r.fields["date"], r.id))
    if entry.start is not None:
        first = period_bounds(entry.start, entry.every)[0]
    else:
        first = meetings[0].fields["date"] if meetings else today
    held: dict[str, list[str]] = {}
    for r in meetings:
        held.setdefault(period_of(r.fields["date"], entry.every), []).append(r.id)
    out = []
    day = period_bounds(period_of(first, entry.every), entry.every)[0]
    while day <= today:
        period = period_of(day, entry.every)
        start, end = period_bounds(period, entry.every)
        ids = tuple(held.get(period, ()))
        state = "held" if ids else ("due" if end >= today else "missed")
        out.append(MeetingPeriod(period, start, end, state, ids))
        day = end + dt.timedelta(days=1)
    return out


def meetings_owed(cfg, records, today: dt.date) -> list[tuple]:
    """(entry, its periods) for every recurring meeting in cfg.meeting_schedule."""
    records = list(records)
    return [(entry, meeting_periods(entry, records, today)) for entry in cfg.meeting_schedule]
