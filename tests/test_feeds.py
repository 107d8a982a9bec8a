"""Atom, RSS, iCalendar, JSON, CSV and Excel from plain data: valid, escaped, deterministic."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timezone

import icalendar
import pytest

from generator.feeds import (XLSX_MAX_TEXT, CalEvent, FeedEntry, Link, atom_feed, csv_bytes, ics_calendar,
                             records_json, rss_feed, xlsx_bytes)

A = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
EVIL = "<script>alert(1)</script> & 纠正措施"

ENTRIES = [
    FeedEntry("CAPA-2026-012", EVIL, "capa/2026/CAPA-2026-012-x/", date(2026, 11, 20),
              summary="冲压模具磨损 <b>严重</b>", author="张伟", categories=("capa", "质量部")),
    FeedEntry("NOT-2026-003", "停电通知", "https://bulletin.example/notice/3/", date(2026, 11, 2)),
    FeedEntry("tag:bulletin.example,2026:MTG-2026-001", "管理评审会议纪要", "meeting/1/",
              datetime(2026, 10, 1, 9, 30, tzinfo=timezone.utc)),
]
FEED_ARGS = dict(title="质量公告栏 & 通知", site_url="https://bulletin.example/qms",
                 feed_url="feed.xml", updated=date(2026, 11, 24))


def test_atom_feed():
    text = atom_feed(ENTRIES, **FEED_ARGS)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{A}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    for tag in ("id", "title", "updated", "author"):       # required by RFC 4287
        assert root.find(f"{A}{tag}") is not None, tag
    assert root.find(f"{A}title").text == "质量公告栏 & 通知"
    assert root.find(f"{A}updated").text == "2026-11-24T00:00:00Z"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"self": "https://bulletin.example/qms/feed.xml", "alternate": "https://bulletin.example/qms"}

    entries = root.findall(f"{A}entry")
    assert [e.find(f"{A}title").text for e in entries] == [EVIL, "停电通知", "管理评审会议纪要"]
    assert "&lt;script&gt;" in text and "<script>" not in text
    ids = [e.find(f"{A}id").text for e in entries]
    assert ids == ["urn:bulletin:CAPA-2026-012", "urn:bulletin:NOT-2026-003", "tag:bulletin.example,2026:MTG-2026-001"]
    first = entries[0]
    assert first.find(f"{A}link").get("href") == "https://bulletin.example/qms/capa/2026/CAPA-2026-012-x/"
    assert first.find(f"{A}updated").text == "2026-11-20T00:00:00Z"
    assert first.find(f"{A}author/{A}name").text == "张伟"
    assert [c.get("term") for c in first.findall(f"{A}category")] == ["capa", "质量部"]
    assert first.find(f"{A}summary").text == "冲压模具磨损 <b>严重</b>"
    assert first.find(f"{A}summary").get("type") == "text"
    assert entries[1].find(f"{A}link").get("href") == "https://bulletin.example/notice/3/"
    assert entries[2].find(f"{A}updated").text == "2026-10-01T09:30:00Z"
    for e in entries:
        for tag in ("id", "title", "updated", "link"):
            assert e.find(f"{A}{tag}") is not None, tag


def test_rss_feed():
    text = rss_feed(ENTRIES, **{**FEED_ARGS, "feed_url": "rss.xml"})
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "rss" and root.get("version") == "2.0"
    (channel,) = root.findall("channel")
    for tag in ("title", "link", "description"):             # required by RSS 2.0
        assert channel.find(tag).text, tag
    assert channel.find("lastBuildDate").text == "Tue, 24 Nov 2026 00:00:00 GMT"
    assert channel.find(f"{A}link").get("href") == "https://bulletin.example/qms/rss.xml"
    items = channel.findall("item")
    assert [i.find("title").text for i in items] == [EVIL, "停电通知", "管理评审会议纪要"]
    assert "<script>" not in text
    first = items[0]
    assert first.find("link").text == "https://bulletin.example/qms/capa/2026/CAPA-2026-012-x/"
    assert first.find("guid").text == "CAPA-2026-012" and first.find("guid").get("isPermaLink") == "false"
    assert first.find("pubDate").text == "Fri, 20 Nov 2026 00:00:00 GMT"
    assert first.find(f"{DC}creator").text == "张伟"
    assert [c.text for c in first.findall("category")] == ["capa", "质量部"]
    # description is HTML in RSS: plain text is escaped once more, so readers show it as text
    assert first.find("description").text == "冲压模具磨损 &lt;b&gt;严重&lt;/b&gt;"
    assert items[1].find("description") is None


def test_feeds_empty_deterministic_and_control_characters():
    for make in (atom_feed, rss_feed):
        assert ET.fromstring(make([], **FEED_ARGS).encode()) is not None
        assert make(ENTRIES, **FEED_ARGS) == make(list(ENTRIES), **FEED_ARGS)
        bad = [FeedEntry("X-1", "a\x00b\x1bc", "x/", date(2026, 1, 1), summary="\x07警告")]
        root = ET.fromstring(make(bad, **FEED_ARGS).encode())
        assert "abc" in ET.tostring(root, encoding="unicode")


# ---------------------------------------------------------------- iCalendar

def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def ics_unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


EVENTS = [
    CalEvent("CAPA-2026-012-due@bulletin", "CAPA-2026-012 到期：更换冲压模具，检查; 供应商, 备件\\库存",
             date(2026, 11, 24), url="capa/2026/CAPA-2026-012-x/",
             description="第一行\n第二行\r\n第三行，" + "很长的说明文字" * 20, categories=("capa", "质量,部")),
    CalEvent("AUD-2026-004@bulletin", "内部审核（三天）", date(2026, 12, 7), end=date(2026, 12, 9)),
]


def test_ics_structure_and_all_day_events():
    text = ics_calendar(EVENTS, name="质量公告栏 日历", stamp=date(2026, 11, 24), base_url="https://bulletin.example/qms/")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    lines = unfold(text)[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    for needed in ("VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:质量公告栏 日历"):
        assert needed in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert lines.count("DTSTAMP:20261124T000000Z") == 2
    assert "DTSTART;VALUE=DATE:20261124" in lines and "DTEND;VALUE=DATE:20261125" in lines
    assert "DTSTART;VALUE=DATE:20261207" in lines and "DTEND;VALUE=DATE:20261210" in lines
    uids = [line[4:] for line in lines if line.startswith("UID:")]
    assert uids == ["CAPA-2026-012-due@bulletin", "AUD-2026-004@bulletin"]
    assert "URL:https://bulletin.example/qms/capa/2026/CAPA-2026-012-x/" in lines
    assert "CATEGORIES:capa,质量\\,部" in lines


def test_ics_escaping_and_folding_keeps_characters_whole():
    text = ics_calendar(EVENTS, name="日历", stamp=date(2026, 11, 24))
    raw = text.encode("utf-8")
    for physical in raw.split(b"\r\n"):
        assert len(physical) <= 75
        physical.decode("utf-8")                 # never a multi-byte character cut in two
    assert any(len(p) > 60 for p in raw.split(b"\r\n"))
    lines = unfold(text)
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:CAPA-2026-012 到期：更换冲压模具，检查\\; 供应商\\, 备件\\\\库存"
    assert ics_unescape(summary[8:]) == EVENTS[0].summary
    desc = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert ics_unescape(desc[12:]) == ("第一行\n第二行\n第三行，" + "很长的说明文字" * 20
                                       + "\n\ncapa/2026/CAPA-2026-012-x/")


def test_ics_errors_and_determinism():
    with pytest.raises(ValueError):
        ics_calendar([EVENTS[1], EVENTS[1]], name="x", stamp=date(2026, 1, 1))
    empty = ics_calendar([], name="空", stamp=date(2026, 1, 1))
    assert empty.startswith("BEGIN:VCALENDAR\r\n") and empty.endswith("END:VCALENDAR\r\n")
    assert ics_calendar(EVENTS, name="x", stamp=date(2026, 1, 1)) == ics_calendar(
        list(EVENTS), name="x", stamp=date(2026, 1, 1))
    # an end before the start is treated as a one-day event
    text = ics_calendar([CalEvent("u@b", "x", date(2026, 3, 5), end=date(2026, 3, 1))], name="x",
                        stamp=date(2026, 1, 1))
    assert "DTEND;VALUE=DATE:20260306\r\n" in text


INJECTED = "\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:injected"


@pytest.mark.parametrize("base", ["https://bulletin.example/qms/", ""])
@pytest.mark.parametrize("where", ["url", "summary", "description", "uid", "category", "name"])
def test_ics_values_cannot_add_lines_or_events(where, base):
    """A newline (or comma, semicolon, backslash) in any value stays inside its property: the calendar,
    parsed by a real iCalendar parser, has exactly the events given, with the text given."""
    text = "标题, 含; 分隔\\符" + INJECTED
    plain = text.replace("\r\n", "\n")     # what a calendar shows: the same text, line ends as \n
    ev = CalEvent("CAPA-2026-001-due@bulletin" + (INJECTED if where == "uid" else ""),
                  text if where == "summary" else "s", date(2026, 5, 1),
                  url="capa/2026/CAPA-2026-001-x" + (INJECTED if where == "url" else "") + "/",
                  description=text if where == "description" else "",
                  categories=(text,) if where == "category" else ())
    out = ics_calendar([ev, EVENTS[1]], name=text if where == "name" else "日历", stamp=date(2026, 4, 1),
                       base_url=base)
    assert "\nBEGIN:VEVENT\r\nUID:evil" not in out and "\nSUMMARY:injected" not in out
    cal = icalendar.Calendar.from_ical(out)
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [ev.uid.replace("\r", "").strip(), EVENTS[1].uid]
    first = events[0]
    if where == "summary":
        assert str(first["SUMMARY"]) == plain
    if where == "url":
        url = str(first["URL"])
        assert "\n" not in url and "\r" not in url and url.startswith(f"{base}capa/2026/CAPA-2026-001-x")
    if where == "description":
        assert str(first["DESCRIPTION"]) == plain + f"\n\n{base}capa/2026/CAPA-2026-001-x/"
    if where == "category":
        assert [str(c) for c in first["CATEGORIES"].cats] == [plain]
    if where == "name":
        assert [ics_unescape(str(cal[k])) for k in ("NAME", "X-WR-CALNAME")] == [plain, plain]


# ---------------------------------------------------------------- JSON and CSV

def test_records_json():
    rows = [{"id": "CAPA-2026-002", "due": date(2026, 12, 1), "owners": ("张伟", "李娜"), "score": float("nan")},
            {"id": "CAPA-2026-001", "title": "</script><script>x", "due": None, "when": datetime(2026, 1, 2, 3, 4)}]
    text = records_json(rows)
    assert "张伟" in text and "\\u" not in text
    assert "</script>" not in text
    data = json.loads(text)
    assert [r["id"] for r in data] == ["CAPA-2026-002", "CAPA-2026-001"]        # order kept
    assert data[0] == {"due": "2026-12-01", "id": "CAPA-2026-002", "owners": ["张伟", "李娜"], "score": None}
    assert list(data[0]) == sorted(data[0])
    assert data[1]["title"] == "</script><script>x" and data[1]["when"] == "2026-01-02T03:04:00"
    assert records_json(rows) == records_json([dict(reversed(list(r.items()))) for r in rows])
    assert json.loads(records_json({"columns": [], "rows": []})) == {"columns": [], "rows": []}


def test_csv_bytes():
    columns = ["编号", "标题", "负责人", "期限", "数量", "=HYPERLINK()"]
    rows = [
        ["CAPA-2026-001", "冲压模具磨损，需更换\n第二行", ["张伟", "李娜"], date(2026, 12, 1), 3, None],
        ["CAPA-2026-002", "=cmd|'/c calc'!A1", [], None, -2, "+1"],
        ["CAPA-2026-003", "-5 缺陷", ("@SUM(A1)",), date(2026, 1, 5), 1.5, "\t=x"],
    ]
    data = csv_bytes(columns, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "").replace("需更换\n第二行", "")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == ["编号", "标题", "负责人", "期限", "数量", "'=HYPERLINK()"]
    assert parsed[1] == ["CAPA-2026-001", "冲压模具磨损，需更换\n第二行", "张伟、李娜", "2026-12-01", "3", ""]
    assert parsed[2] == ["CAPA-2026-002", "'=cmd|'/c calc'!A1", "", "", "-2", "'+1"]
    assert parsed[3] == ["CAPA-2026-003", "'-5 缺陷", "'@SUM(A1)", "2026-01-05", "1.5", "'\t=x"]
    assert csv_bytes(columns, rows) == data
    assert csv_bytes(["a"], []) == b"\xef\xbb\xbfa\r\n"
    # a formula behind spaces or a line break is still a formula to a spreadsheet
    spaced = list(csv.reader(io.StringIO(csv_bytes(["a", "b"], [[" =1+1", "\n@SUM(A1)"]]).decode("utf-8-sig"))))
    assert spaced[1] == ["' =1+1", "'\n@SUM(A1)"]


def test_xlsx_bytes():
    import zipfile

    import openpyxl

    columns = ["编号", "标题", "负责人", "期限", "数量", "=HYPERLINK(\"x\")"]
    rows = [
        [Link("CAPA-2026-001", "capa/2026/CAPA-2026-001-x/"), "冲压模具磨损\x01，需更换", ["张伟", "李娜"],
         date(2026, 12, 1), 3, None],
        [Link("CAPA-2026-002", "capa/2026/CAPA-2026-002-y/"), "=cmd|'/c calc'!A1", [], None, -2.5, "+1"],
        [Link("CAPA-2026-003", ""), "@SUM(A1)", ("-x",), datetime(2026, 1, 5, 8, 0), float("nan"), "x" * 40000],
    ]
    data = xlsx_bytes(columns, rows, sheet="纠正/预防[措施]", stamp=date(2026, 11, 24),
                      site_url="http://bulletin.example.internal/")
    assert data == xlsx_bytes(columns, rows, sheet="纠正/预防[措施]", stamp=date(2026, 11, 24),
                              site_url="http://bulletin.example.internal/")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 11, 24, 0, 0, 0)}
        assert not any(b"<f>" in z.read(n) for n in z.namelist())
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.title == "纠正 预防 措施"
    cells = list(ws.iter_rows())
    assert [c.value for c in cells[0]] == columns and all(c.data_type == "s" and c.font.b for c in cells[0])
    one, two, three = cells[1:]
    assert one[0].value == "CAPA-2026-001"
    assert one[0].hyperlink.target == "http://bulletin.example.internal/capa/2026/CAPA-2026-001-x/"
    assert (one[1].value, one[2].value, one[3].value, one[4].value) == ("冲压模具磨损，需更换", "张伟、李娜",
                                                                       datetime(2026, 12, 1), 3)
    assert one[3].is_date and one[3].number_format == "yyyy-mm-dd" and one[5].value is None
    assert [(c.value, c.data_type) for c in two[1:]] == [("=cmd|'/c calc'!A1", "s"), (None, "n"), (None, "n"),
                                                          (-2.5, "n"), ("+1", "s")]
    assert three[0].hyperlink is None and three[1].data_type == "s" and three[2].value == "-x"
    assert three[3].value == datetime(2026, 1, 5) and three[4].value is None
    assert len(three[5].value) == XLSX_MAX_TEXT
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F4"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width >= 8
    assert ws.column_dimensions["F"].width == 60
    # without a site address the IDs are plain text
    plain = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(columns, rows, sheet="x", stamp=date(2026, 11, 24)))).active
    assert plain["A2"].value == "CAPA-2026-001" and plain["A2"].hyperlink is None
