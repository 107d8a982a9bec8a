"""Effectiveness checks coming due and escalation of overdue items (issue 14 items 6, 7) where people look
every day: the CAPA board, each person's page, and `bulletin status` (text, JSON, robot payloads). The demo
company on DEMO_TODAY, built by the real `bulletin build`, read back with BeautifulSoup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, bulletin, copy_demo


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("board") / "repo")


@pytest.fixture(scope="module")
def site(repo) -> Path:
    done = bulletin("build", "--out", "site", "--today", DEMO_TODAY, cwd=repo)
    assert done.returncode == 0, done.stderr[-3000:]
    return repo / "site"


def article(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser").select_one("article")


def names(node) -> list[str]:
    return [a.get_text() for a in node.select(".bl-escalated-to a")]


# --- the CAPA board --------------------------------------------------------------------------------------

def test_capa_board_lists_checks_coming_due(site):
    board = article(site, "capa/board")
    due = {li["data-id"]: li for li in board.select("ul.bl-checks-due li")}
    # CAPA-2026-011: last action done 2026-08-24 + 90 days = 2026-11-22, two days late
    assert due["CAPA-2026-011"]["data-check-due"] == "2026-11-22" and "bl-overdue" in due["CAPA-2026-011"]["class"]
    assert "验证逾期 2 天" in due["CAPA-2026-011"].get_text()
    # CAPA-2026-007: 2026-09-20 + 90 days, within 30 days
    assert due["CAPA-2026-007"]["data-check-due"] == "2026-12-19" and "25 天后到期" in due["CAPA-2026-007"].get_text()
    card = board.select_one("li.bl-card-mini[data-id=CAPA-2026-011] .bl-effectiveness-due")
    assert card["data-check-due"] == "2026-11-22"


def test_capa_board_cards_name_who_an_overdue_capa_went_to(site):
    board = article(site, "capa/board")
    assert names(board.select_one("li.bl-card-mini[data-id=CAPA-2026-004] .bl-escalated")) == ["周强", "刘红"]
    assert names(board.select_one("li.bl-card-mini[data-id=CAPA-2025-008] .bl-escalated")) == ["刘红"]
    assert board.select_one("li.bl-card-mini[data-id=CAPA-2026-012] .bl-escalated") is None   # closed


# --- person pages ----------------------------------------------------------------------------------------

def test_person_page_shows_the_checks_of_their_capas(site):
    zhou = article(site, "people/zhouqiang")
    assert [li["data-id"] for li in zhou.select("ul.bl-checks-due li")] == ["CAPA-2026-011"]
    wu = article(site, "people/wuhaitao")
    assert "CAPA-2026-007" in [li["data-id"] for li in wu.select("ul.bl-checks-due li")]
    assert article(site, "people/chenjing").select("ul.bl-checks-due li") == []


def test_person_page_shows_their_escalated_items_and_those_escalated_to_them(site):
    wu = article(site, "people/wuhaitao")
    mine = wu.select_one("h3[data-escalation=my_escalations] + ul")
    assert names(mine.select_one("li[data-ref=CAPA-2026-004]")) == ["周强", "刘红"]
    zhou = article(site, "people/zhouqiang")
    to_me = zhou.select_one("h3[data-escalation=escalated_to_me] + ul")
    item = to_me.select_one("li[data-ref=CAPA-2026-004]")
    assert item["data-owner"] == "wuhaitao" and "吴海涛" in item.get_text()
    rep = article(site, "people/liuhong")
    refs = [li["data-ref"] for li in rep.select("h3[data-escalation=escalated_to_me] + ul li")]
    assert "CAPA-2026-004" in refs and "MTG-2026-002#A2" in refs


# --- bulletin status -------------------------------------------------------------------------------------

def status(repo: Path, *args: str) -> str:
    done = bulletin("status", "--today", DEMO_TODAY, *args, cwd=repo)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_status_names_the_escalation_of_overdue_items(repo):
    text = status(repo)
    line = next(x for x in text.splitlines() if "CAPA-2026-004 " in x and "行动项" not in x)
    assert line.endswith("升级至 周强 → 刘红")
    data = json.loads(status(repo, "--format", "json"))
    items = {(o, i["ref"]): i for o, v in data["owners"].items() for i in v}
    assert items[("wuhaitao", "CAPA-2026-004")]["escalated_to"] == ["zhouqiang", "liuhong"]
    assert items[("chenjing", "MTG-2026-002#A2")]["escalated_to"] == ["liuhong"]
    assert items[("ENG", "MEMO-2026-005")]["escalated_to"] == []         # 4 days late: not yet


def test_status_for_a_person_and_a_department_and_robots_names_the_escalation(repo):
    assert "Escalated to 刘红" in status(repo, "--person", "xuming", "--lang", "en")
    assert "升级至 周强 → 刘红" in status(repo, "--department", "PRD")
    for fmt, key in (("wecom", "content"), ("dingtalk", "text")):
        payload = json.loads(status(repo, "--format", fmt))
        assert "升级至 周强 → 刘红" in payload["markdown"][key]
    assert "升级至 郑宇" in status(repo, "--person", "linfang")             # 14 days late: the head of PUR
