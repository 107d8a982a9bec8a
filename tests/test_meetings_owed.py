"""Recurring meetings owed (schedule.yml `record: meeting`): held, due and missed periods, as the site
will show them. Real repositories from the base tree, real configuration; `today` is a parameter."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.meetings_owed import meeting_periods, meetings_owed, period_bounds, period_of, valid_period
from generator.validate import load_repository
from test_cases import BASE

D = dt.date.fromisoformat


def meeting(repo: Path, n: int, date: str, kind: str = "department", department: str = "QA", extra: str = "") -> None:
    path = repo / f"records/meetings/2026/MTG-2026-{n:03d}.md"
    path.write_text(f"---\nid: MTG-2026-{n:03d}\ntitle: Weekly\ndepartment: {department}\nkind: {kind}\n"
                    f"date: {date}\nchair: zhangwei\nrecorder: chenjing\nattendees: [zhangwei]\nstatus: draft\n"
                    f"{extra}---\n", "utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    repo = Path(shutil.copytree(BASE, tmp_path / "repo"))
    with open(repo / "site_config/schedule.yml", "a", encoding="utf-8") as f:
        f.write("- {record: meeting, kind: department, department: QA, every: week, start: 2026-W10}\n"
                "- {record: meeting, kind: department, department: PRD, every: month}\n"
                "- {record: meeting, kind: management-review, department: GM, every: year, start: 2025}\n")
    return repo


def owed(repo: Path, today: str):
    result = load_repository(repo, cache=False)
    assert result.errors == [], result.errors
    return {(e.department, e.kind, e.every): [(p.period, p.state, p.held_by) for p in periods]
            for e, periods in meetings_owed(result.config, result.records, D(today))}


def test_weeks_held_missed_and_due(repo):
    # MTG-2026-001 (QA department meeting) is on Monday 2026-03-02, ISO week 10
    meeting(repo, 4, "2026-03-15")  # Sunday of week 11
    meeting(repo, 5, "2026-03-30", extra="withdrawn: {date: 2026-03-31, by: zhangwei, reason: 录错}\n")  # week 14
    meeting(repo, 6, "2026-03-31", department="PRD")  # another department's
    assert owed(repo, "2026-04-01")[("QA", "department", "week")] == [
        ("2026-W10", "held", ("MTG-2026-001",)), ("2026-W11", "held", ("MTG-2026-004",)),
        ("2026-W12", "missed", ()), ("2026-W13", "missed", ()), ("2026-W14", "due", ()),
    ]


def test_the_current_period_is_held_once_its_meeting_is_dated_in_it(repo):
    meeting(repo, 4, "2026-04-01")
    assert owed(repo, "2026-04-02")[("QA", "department", "week")][-1] == ("2026-W14", "held", ("MTG-2026-004",))


def test_without_start_the_first_meeting_starts_the_schedule(repo):
    meeting(repo, 4, "2026-02-27", department="PRD")
    meeting(repo, 5, "2026-04-10", department="PRD")
    assert owed(repo, "2026-05-31")[("PRD", "department", "month")] == [
        ("2026-02", "held", ("MTG-2026-004",)), ("2026-03", "missed", ()), ("2026-04", "held", ("MTG-2026-005",)),
        ("2026-05", "due", ()),
    ]


def test_without_start_or_meeting_only_the_current_period_is_owed(repo):
    assert owed(repo, "2026-05-31")[("PRD", "department", "month")] == [("2026-05", "due", ())]


def test_years(repo):
    # MTG-2026-002 is the 2026 management review (GM); 2025 had none
    assert owed(repo, "2027-01-01")[("GM", "management-review", "year")] == [
        ("2025", "missed", ()), ("2026", "held", ("MTG-2026-002",)), ("2027", "due", ())]


@pytest.mark.parametrize("day, every, period", [
    ("2026-01-01", "week", "2026-W01"), ("2027-01-01", "week", "2026-W53"), ("2024-12-30", "week", "2025-W01"),
    ("2026-03-31", "month", "2026-03"), ("2026-09-30", "quarter", "2026-Q3"), ("2026-10-01", "quarter", "2026-Q4"),
    ("2026-12-31", "year", "2026"),
])
def test_period_of_a_day(day, every, period):
    assert period_of(D(day), every) == period
    start, end = period_bounds(period, every)
    assert start <= D(day) <= end and valid_period(period, every)


@pytest.mark.parametrize("period, every, bounds", [
    ("2026-W53", "week", ("2026-12-28", "2027-01-03")), ("2026-02", "month", ("2026-02-01", "2026-02-28")),
    ("2026-12", "month", ("2026-12-01", "2026-12-31")), ("2026-Q4", "quarter", ("2026-10-01", "2026-12-31")),
    ("2028-Q1", "quarter", ("2028-01-01", "2028-03-31")),
])
def test_period_bounds(period, every, bounds):
    assert period_bounds(period, every) == tuple(map(D, bounds))


@pytest.mark.parametrize("period, every", [("2025-W53", "week"), ("2026-W00", "week"), ("2026-13", "month"),
                                           ("2026-Q5", "quarter"), ("2026-3", "month"), ("26", "year")])
def test_invalid_periods(period, every):
    assert not valid_period(period, every)
