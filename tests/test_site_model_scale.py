"""The site model's work grows with the records, not with records x people (issue 15): what a person's or
department's page lists is grouped in one pass, and who holds a role is asked once per list, not once per
overdue item. Counted on the real site model over a copy of the demo (calls, never the clock)."""

from __future__ import annotations

import datetime as dt

from conftest import DEMO_TODAY
from generator import audit, pages, review, state
from generator.config import Config, load_config
from generator.render import Renderer
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


def test_review_packs_place_records_by_date_not_per_review(demo, monkeypatch):
    """Reviews grow with the records (one a year per plant): each pack takes its records from one placing of
    every record by its dates, and the report periods owed from one schedule walk, instead of every pack
    looking at every CAPA and walking the whole schedule again."""
    result = load_repository(demo, load_config(demo))
    live = [r for r in result.records if state.counts(r)]
    capas = [r for r in live if r.type == "capa"]
    calls = {"open_on": 0, "reports_owed": 0}
    open_on, reports_owed = review.capa_open_on, state.reports_owed

    def counting_open_on(*a):
        calls["open_on"] += 1
        return open_on(*a)

    def counting_reports_owed(*a):
        calls["reports_owed"] += 1
        return reports_owed(*a)

    monkeypatch.setattr(review, "capa_open_on", counting_open_on)
    monkeypatch.setattr(state, "reports_owed", counting_reports_owed)
    packs = review.packs(result.records, result.config, TODAY)
    assert len(packs) >= 3 and len(capas) > 10
    assert calls["reports_owed"] == 1
    # once per CAPA to place it, then once per CAPA a pack can count (new, settled or open in it)
    counted = sum(len({c.id for c in p.capas.new + p.capas.closed + p.capas.open}) for p in packs.values())
    assert calls["open_on"] <= len(capas) + 2 * counted


def test_person_links_made_once_per_page_not_per_mention(demo, monkeypatch):
    """A management rep's page lists every escalated item, each with its whole chain (head, then every rep):
    items x reps x reps names. Each person's link is made once per page and each chain once, so the work
    grows with the lines of the page, not with the names on them."""
    result = load_repository(demo, load_config(demo))
    named: dict[str, list] = {}
    page, person_name = Renderer.page, Renderer.person_name
    current = []

    def counting_page(self, template, src, *a, **k):
        current.append(src)
        try:
            return page(self, template, src, *a, **k)
        finally:
            current.pop()

    def counting_person_name(self, pid):
        if current:
            named.setdefault(current[-1], []).append(pid)
        return person_name(self, pid)

    monkeypatch.setattr(Renderer, "page", counting_page)
    monkeypatch.setattr(Renderer, "person_name", counting_person_name)
    site = pages.build_site(result.records, result.config, audience="all-staff", today=TODAY)
    pages.generate(site)
    reps = {p.id for p in result.config.holders("management-rep", TODAY)}
    assert reps and any(src == f"people/{pid}.md" for src in named for pid in reps)
    assert sum(len(v) for v in named.values()) > 50
    for src, pids in named.items():
        assert len(pids) == len(set(pids)), src


class CountingList(list):
    def __init__(self, items):
        super().__init__(items)
        self.passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()


def test_owed_groups_look_at_the_items_once_not_once_per_person(demo):
    """A department head's list holds what each of the department's people owes: grouped in one pass."""
    cfg = load_config(demo)
    people = sorted(cfg.people)[:8]
    items = CountingList(state.OwedItem(kind="action", ref=f"CAPA-2026-00{n}#A1", title="t", owner=pid,
                                        due="", days_late=0, why="open")
                         for n, pid in enumerate(people))
    groups = pages.owed_groups(cfg, items, "nobody")
    assert [key for _, key, _ in groups] == people
    assert items.passes == 1
