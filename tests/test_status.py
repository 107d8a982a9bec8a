"""`bulletin status`: exactly what is overdue on a given day, grouped by owner, in three formats."""

from __future__ import annotations

import json

from conftest import DEMO_TODAY, bulletin

OVERDUE_CAPAS = {"CAPA-2025-008", "CAPA-2026-004", "CAPA-2026-005", "CAPA-2026-006", "CAPA-2026-009"}
OVERDUE_ACTIONS = {"MTG-2025-008#A4", "MTG-2026-002#A2", "MTG-2026-004#A1",
                   "CAPA-2025-008#A3", "CAPA-2026-004#A3", "CAPA-2026-005#A1"}
MISSING_REPORTS = {"QA 2025-08", "PRD 2026-02", "PRD 2026-10"}


def test_json_lists_exactly_the_overdue_items_by_owner(demo):
    proc = bulletin("status", "--today", DEMO_TODAY, "--format", "json", cwd=demo)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["today"] == DEMO_TODAY
    items = [(owner, i) for owner, its in data["owners"].items() for i in its]
    assert {i["ref"] for _, i in items if i["kind"] == "capa"} == OVERDUE_CAPAS
    assert {i["ref"] for _, i in items if i["kind"] == "action"} == OVERDUE_ACTIONS
    assert {i["ref"] for _, i in items if i["kind"] == "report"} == MISSING_REPORTS
    assert all(i["days_late"] > 0 for _, i in items)
    by_ref = {i["ref"]: (owner, i) for owner, i in items}
    assert by_ref["MTG-2025-008#A4"][1]["days_late"] == 147
    assert by_ref["CAPA-2026-005#A1"][0] == "linfang"     # grouped under the action's owner
    assert by_ref["PRD 2026-10"][0] == "PRD"              # a missing report is owed by its department
    for owner, its in data["owners"].items():
        assert [i["days_late"] for i in its] == sorted((i["days_late"] for i in its), reverse=True)


def test_another_day_gives_another_answer(demo):
    proc = bulletin("status", "--today", "2025-01-02", "--format", "json", cwd=demo)
    data = json.loads(proc.stdout)
    refs = {i["ref"] for its in data["owners"].values() for i in its}
    assert not refs & OVERDUE_CAPAS


def test_text_and_robot_markdown(demo):
    text = bulletin("status", "--today", DEMO_TODAY, cwd=demo).stdout
    assert "吴海涛 (wuhaitao):" in text and "CAPA-2026-004" in text and "逾期 85 天" in text
    md = bulletin("status", "--today", DEMO_TODAY, "--format", "markdown", "--lang", "en", cwd=demo).stdout
    lines = md.splitlines()
    assert lines[0].startswith("### Overdue · 2026-11-24")
    assert any(line.startswith("**") and "(wuhaitao)" in line for line in lines)
    assert any(line.startswith("> - ") and "CAPA-2026-004" in line and "85 days late" in line for line in lines)
