"""The site model's work grows with the records, not with records x people (issue 15): what a person's or
department's page lists is grouped in one pass, and who holds a role is asked once per list, not once per
overdue item. Counted on the real site model over a copy of the demo (calls, never the clock)."""

from __future__ import annotations

import datetime as dt

from conftest import DEMO_TODAY
from generator import audit, pages, state
from generator.config import Config, load_config
from generator.validate import load_repository

TODAY = dt.date.fromisoformat(DEMO_TODAY)


def counted_generate(repo, monkeypatch) -> tuple[dict, int, int]:
    """Build and generate the demo's site, counting state.owes and Config.holders calls; also the number of
    items owed and of escalated items (the sizes the counts must not multiply)."""
    result = load_repository(repo, load_config(repo))
    assert not result.errors
    cfg = result.config
    live = [r for r in result.records if state.counts(r)]
    owed, escalated = len(state.owed(live, cfg, TODAY)), len(audit.escalations(live, cfg, TODAY))
    calls = {"owes": 0, "holders": 0}
    owes, holders = state.owes, Config.holders

    def counting_owes(*a, **k):
        calls["owes"] += 1
        return owes(*a, **k)

    def counting_holders(self, *a, **k):
        calls["holders"] += 1
        return holders(self, *a, **k)

    monkeypatch.setattr(state, "owes", counting_owes)
    monkeypatch.setattr(Config, "holders", counting_holders)
    site = pages.build_site(result.records, cfg, audience="all-staff", today=TODAY)
    pages.generate(site)
    assert site.html_pages["people/index.md"]
    return calls, owed, escalated


def test_owed_lists_are_grouped_once_not_per_person_and_department(demo, monkeypatch):
    calls, owed, _ = counted_generate(demo, monkeypatch)
    assert owed > 0
    # state.owed asks once per item; the 13 person and 6 department pages take their lists from one grouping
    assert calls["owes"] <= owed


def test_role_holders_asked_once_per_list_not_per_overdue_item(demo, monkeypatch):
    calls, _, escalated = counted_generate(demo, monkeypatch)
    assert escalated > 5
    assert calls["holders"] < escalated
