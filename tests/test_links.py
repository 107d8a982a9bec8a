"""Link integrity over the whole built demo site, without a browser: every internal link, resource and
#anchor resolves, nothing is loaded from outside, the search index is whole, and an audience's build
does not name what that audience may not see."""

from __future__ import annotations

import pytest

from sitecheck import check_site, demo_site, external_loads, search_index_problems, start_builds

AUDIENCES = ["all-staff", "management"]
MANAGEMENT_ONLY = ("CAPA-2026-003", "MTG-2025-006")


@pytest.fixture(scope="module", params=AUDIENCES)
def built(request, tmp_path_factory):
    start_builds(tmp_path_factory, *[(a, None) for a in AUDIENCES])
    return demo_site(tmp_path_factory, request.param)


def test_every_internal_link_and_anchor_resolves(built):
    assert (built / "index.html").is_file()
    assert check_site(built) == []


def test_nothing_is_loaded_from_outside(built):
    assert external_loads(built) == []


def test_search_index_covers_every_page(built):
    assert search_index_problems(built) == []


def test_all_staff_build_never_names_a_management_only_record(tmp_path_factory):
    """Not the page, not the search index, not records.json or the CSV exports: a reference to a hidden
    record is shown as 'a record you may not see' (labels.hidden_ref), never by its ID."""
    mgmt = demo_site(tmp_path_factory, "management")
    staff = demo_site(tmp_path_factory, "all-staff")
    for rid in MANAGEMENT_ONLY:
        assert any(rid in f.read_text("utf-8", errors="replace") for f in mgmt.rglob("*.html"))
    leaks = [f"{f.relative_to(staff)}: {rid}" for f in sorted(staff.rglob("*")) if f.is_file()
             and f.suffix in {".html", ".json", ".csv", ".xml", ".ics", ".txt"}
             for rid in MANAGEMENT_ONLY if rid in f.read_text("utf-8", errors="replace")]
    assert leaks == []
