"""Distribution receipts owed and still outstanding, as the site and status will list them."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.receipts import receipts_outstanding, receipts_owed
from generator.validate import load_repository
from test_cases import BASE, CASES, build_case


def test_receipts_owed_and_outstanding_in_the_valid_v2_case(tmp_path):
    result = load_repository(build_case(CASES / "v2-valid", tmp_path / "repo"), cache=False)
    assert result.errors == []
    cfg, get = result.config, result.records.get
    review, policy, all_hands = get("MTG-2026-002"), get("NTC-2026-004"), get("NTC-2026-005")
    assert receipts_owed(review, cfg) == ["QA", "PRD", "ENG"]  # the distribution
    assert receipts_outstanding(review, cfg) == ["ENG"]
    assert receipts_owed(policy, cfg) == ["QA", "PRD"] and receipts_outstanding(policy, cfg) == []
    assert receipts_owed(all_hands, cfg) == ["GM", "QA", "PRD", "ENG"]  # audience all: every department
    assert receipts_outstanding(all_hands, cfg) == ["QA", "PRD"]
    for rid in ("MTG-2026-001", "MTG-2026-004", "NTC-2026-001", "CAPA-2026-001", "CMP-2026-001"):
        assert receipts_owed(get(rid), cfg) == [], rid  # not a management review, no acknowledge, other types


def test_a_draft_review_owes_nothing(tmp_path):
    repo = Path(shutil.copytree(BASE, tmp_path / "repo"))
    path = repo / "records/meetings/2026/MTG-2026-002-management-review.md"
    path.write_text(path.read_text("utf-8").replace("status: approved\napproved_by: wangjun\napproved_on: 2026-06-12\n",
                                                    "status: draft\n"), "utf-8")
    result = load_repository(repo, cache=False)
    assert result.errors == []
    assert receipts_owed(result.records.get("MTG-2026-002"), result.config) == []
