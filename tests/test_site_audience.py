"""Audiences: the all-staff site holds no trace of a management or restricted record, in any file it writes.

Every file of the output is read (HTML, JSON, XML, the gzipped sitemap, CSV, iCalendar, attachments, assets,
the search index's shards and metadata, the Excel workbooks' XML), normalised (entities decoded, JSON unescaped,
iCalendar lines unfolded)
and searched for the hidden records' IDs, slugs, titles, the 【内部】 marker and sentences of their text.
The search index's shards hold tokens, not sentences, so they are also read as tokens (every token must be one
the site's pages show) and queried as the search box does. The management and restricted builds show that the
same checks do find the records where they belong.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from test_site import (HIDDEN_ATTACHMENT, HIDDEN_COMMIT_MESSAGE, Rec, build_demo, live, of_type, open_actions, shown,
                       visible)

HIDDEN_IDS = {"MTG-2025-006", "CAPA-2026-003", "NTC-2026-004", "CMP-2026-003", "EXT-2026-002", "EXT-2026-008"}
MARK = "【内部】"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_demo(tmp_path_factory)


def _slug(rec: Rec) -> str:
    stem = Path(rec.path).stem
    return stem[len(rec.id) + 1:] if stem.startswith(rec.id + "-") else ""


def markers_of(hidden: list[Rec], others: list[Rec], mark: bool = True) -> set[str]:
    """What would betray the hidden records: IDs, slugs, titles (with and without 【内部】), and every sentence of
    their text and text fields that no other record also contains."""
    others_text = "\n".join(Path(r.path).name + str(r.fm) + r.body for r in others)
    out = {MARK} if mark else set()
    for r in hidden:
        out |= {r.id, r.title, r.title.replace(MARK, "").strip()}
        if _slug(r):
            out.add(_slug(r))
        texts = [r.body] + [v for v in r.fm.values() if isinstance(v, str) and not v.isascii()]
        texts += [a.get("text", "") for a in r.get("actions") or []]
        for text in texts:
            for piece in re.split(r"[\n*_`\[\]()|#>]+|[。；！？]", text):
                piece = piece.strip(" -:：，,、0123456789.")
                if len(piece) >= 10 and piece not in others_text:
                    out.add(piece)
    return {m for m in out if m}


def normalised(path: Path) -> str | None:
    """A file's text as a reader (or a program) sees it; None for a binary file."""
    data = path.read_bytes()
    if path.suffix == ".xlsx":     # a zip of XML parts: their text, one after the other
        with zipfile.ZipFile(path) as z:
            data = b"\n".join(z.read(n) for n in sorted(z.namelist()))
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    name = path.name[:-3] if path.suffix == ".gz" else path.name
    if name.endswith(".ics"):
        text = re.sub(r"\r?\n[ \t]", "", text)
        text = text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n")
        text = text.replace("\\\\", "\\")
    if name.endswith(".json"):
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    for _ in range(2):   # "&amp;lt;" in XML that holds escaped HTML
        text = html.unescape(text)
    return text.replace("\u200b", "").replace("\u00ad", "")


def leaks(out: Path, markers: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        hits = [m for m in markers if m in rel]
        text = normalised(path)
        if text is None:
            raw = path.read_bytes()
            hits += [m for m in markers if m.encode("utf-8") in raw]
        else:
            hits += [m for m in markers if m in text]
        if hits:
            found[rel] = sorted(set(hits))
    return found


def report(found: dict) -> str:
    return "traces of hidden records:\n" + "\n".join(f"  {rel}: {hits}" for rel, hits in found.items())


def hidden_for(records: list[Rec], audience: str) -> list[Rec]:
    return [r for r in records if not visible(r, audience)]


def test_the_demo_has_the_hidden_records_this_file_expects(site):
    hidden = hidden_for(site.records, "all-staff")
    assert {r.id for r in hidden} == HIDDEN_IDS
    assert all(MARK in r.title for r in hidden)
    assert {r.id for r in hidden_for(site.records, "management")} == {"NTC-2026-004"}


def test_every_kind_of_output_is_scanned(site):
    out = site.out
    for rel in ("index.html", "404.html", "search/manifest.json", "feed.xml", "rss.xml", "calendar.ics",
                "records.json", "sitemap.xml", "sitemap.xml.gz", "archive/index.html", "people/liuhong/index.html",
                "departments/GM/index.html", "capa/2025/attachments/CAPA-2025-006-poka-yoke.png",
                "guide/index.html"):
        assert (out / rel).is_file(), rel
    assert len(list(out.glob("exports/*.csv"))) == 9  # one per record type
    assert len(list(out.glob("exports/*.xlsx"))) == 9
    assert all(normalised(f) is not None for f in out.glob("exports/*.xlsx"))
    assert len(list(out.glob("*/index.json"))) == 9
    assert normalised(out / "sitemap.xml.gz") is not None
    # the search index: its shards (tokens and postings) and metadata chunks (URL, title, text) are JSON text
    for folder in ("s", "m"):
        files = list((out / "search" / folder).glob("*.json"))
        assert files and all(normalised(f) is not None for f in files), folder


def test_the_scan_finds_what_it_looks_for(tmp_path_factory):
    """Positive control: in the management site, the management records' traces are found in every kind of file."""
    build = build_demo(tmp_path_factory, "management")
    mtg = next(r for r in build.records if r.id == "MTG-2025-006")
    found = leaks(build.out, {mtg.id, mtg.title})
    for rel in (search_chunk_of(build.out, mtg), "records.json", "calendar.ics", "exports/meeting.csv",
                "exports/meeting.xlsx",
                "meetings/index.json", "departments/GM/index.html", f"people/{mtg.get('chair')}/index.html",
                mtg.page):
        assert set(found.get(rel, [])) == {mtg.id, mtg.title}, rel
    assert mtg.page in leaks(build.out, {_slug(mtg)})


def search_chunk_of(out: Path, rec: Rec) -> str:
    """The search/m/<j>.json file whose rows hold the record (title: its ID, then its title)."""
    url = rec.page[:-len("index.html")]
    found = [f.relative_to(out).as_posix() for f in sorted((out / "search/m").glob("*.json"))
             if any(row[0] == url and row[1] == f"{rec.id} {rec.title}" for row in json.loads(f.read_text("utf-8")))]
    assert len(found) == 1, (rec.id, found)
    return found[0]


def test_all_staff_output_holds_no_trace_of_hidden_records(site):
    records = site.records
    markers = markers_of(hidden_for(records, "all-staff"), shown(records, "all-staff"))
    assert HIDDEN_IDS <= markers and len(markers) > 20
    found = leaks(site.out, markers)
    assert found == {}, report(found)


# --- the search index -----------------------------------------------------------------------------------------
# Its shards hold tokens (lower-case words, IDs, overlapping pairs of Chinese characters), not sentences, so the
# scan above cannot see a hidden record there: a title leaks as its character pairs, "CAPA-2026-003" as
# "capa-2026-003". These tests read the index as tokens and as the search box does.

def index_tokens(out: Path) -> set[str]:
    """Every token the search index of a site holds (the union tokens "<key>*" of heavy keys left out)."""
    files = sorted((out / "search/s").glob("*.json"))
    assert files, out
    return {t for f in files for t in json.loads(f.read_text("utf-8")) if not t.endswith("*")}


def shown_tokens(out: Path) -> set[str]:
    """Every token of the text the site's pages show (all of each page, not only the article)."""
    from generator.search import tokens
    from test_site import visible_text

    return {t for f in sorted(out.rglob("*.html")) for t in tokens(visible_text(BeautifulSoup(f.read_text("utf-8"),
                                                                                              "html.parser")))}


def record_tokens(recs: list[Rec]) -> set[str]:
    """Every token of what the records say: ID, file name, front matter, body."""
    from generator.search import tokens

    return {t for r in recs for t in tokens(" ".join([r.id, Path(r.path).stem, str(r.fm), r.body]))}


_SHOWN: dict[str, set[str]] = {}


def shown_by(build) -> set[str]:
    if build.audience not in _SHOWN:
        _SHOWN[build.audience] = shown_tokens(build.out)
    return _SHOWN[build.audience]


@pytest.mark.parametrize("audience", ["all-staff", "management"])
def test_search_index_holds_only_what_the_pages_show(audience, tmp_path_factory):
    build = build_demo(tmp_path_factory, audience)
    held, shown_here = index_tokens(build.out), shown_by(build)
    assert len(held) > 1000
    extra = held - shown_here
    assert extra == set(), f"tokens in the search index that no page shows: {sorted(extra)[:40]}"
    hidden = hidden_for(build.records, audience)
    assert hidden and {r.id.lower() for r in hidden} <= record_tokens(hidden)
    assert held & (record_tokens(hidden) - shown_here) == set()


def test_the_token_scan_finds_what_it_looks_for(site, tmp_path_factory):
    """Positive control: the management index holds the management records' own tokens, and the check above
    would have named them."""
    build = build_demo(tmp_path_factory, "management")
    mgmt_only = [r for r in hidden_for(site.records, "all-staff") if visible(r, "management")]
    assert {r.id for r in mgmt_only} == {"MTG-2025-006", "CAPA-2026-003", "CMP-2026-003", "EXT-2026-002", "EXT-2026-008"}
    betraying = index_tokens(build.out) & (record_tokens(mgmt_only) - shown_by(site))
    assert {"capa-2026-003", "mtg-2025-006"} <= betraying and len(betraying) > 20


def _title_words(rec: Rec, shown_here: set[str]) -> list[str]:
    """Pairs of characters of the record's title that no page of a build shows: words only it would be found by."""
    title = rec.title.replace(MARK, "")
    pairs = {title[k:k + 2] for k in range(len(title) - 1)}
    return sorted(p for p in pairs if re.fullmatch(r"[\u4e00-\u9fff]{2}", p) and p not in shown_here)


@pytest.mark.parametrize("audience", ["all-staff", "management"])
def test_searching_a_hidden_record_finds_nothing(audience, tmp_path_factory):
    """As the search box does: a hidden record's ID and the words of its title find nothing, and find it in the
    build of the audience it is for."""
    from generator.search import Index

    build = build_demo(tmp_path_factory, audience)
    index = Index(build.out / "search")
    hidden = hidden_for(build.records, audience)
    assert hidden
    for rec in hidden:
        words = _title_words(rec, shown_by(build))
        assert words, rec.id
        own = build_demo(tmp_path_factory, "management" if visible(rec, "management") else "restricted")
        own_index = Index(own.out / "search")
        url = rec.page[:-len("index.html")]
        for query in [rec.id, rec.id.lower(), *words]:
            assert index.search(query, limit=1000) == [], (rec.id, query)
            assert url in [hit.url for hit in own_index.search(query, limit=1000)], (own.audience, rec.id, query)
        title = rec.title.replace(MARK, "").strip()
        assert all(hit.url != url and rec.id not in hit.title for hit in index.search(title, limit=1000))
        assert url in [hit.url for hit in own_index.search(title, limit=1000)], (own.audience, rec.id, title)


def test_history_entries_name_no_hidden_record(site):
    """A commit that touched a hidden record and a visible one: the visible record's history shows no trace."""
    page = next(r for r in site.records if r.id == "CAPA-2026-002").page
    art = site.article(page)
    table = art.select_one("table.bl-history")
    assert table is not None
    text = table.get_text(" ")
    rows = table.select("tbody tr")
    # the history is there (both commits, with date and author) ...
    assert len(rows) == 2 and all("Test User" in row.get_text() for row in rows)
    # ... without the messages of commits that also touched a hidden record ("demo records" added them all)
    assert all(row.select_one(".bl-hidden-ref") for row in rows) and "demo records" not in text
    assert "CAPA-2026-003" not in text and MARK not in text and "索赔" not in text
    assert HIDDEN_COMMIT_MESSAGE not in (site.out / page).read_text("utf-8")


def test_attachment_of_a_hidden_record_is_not_published(site, tmp_path_factory):
    assert not (site.out / HIDDEN_ATTACHMENT).exists()
    management = build_demo(tmp_path_factory, "management")
    assert (management.out / HIDDEN_ATTACHMENT).is_file()


def test_management_site(tmp_path_factory):
    build = build_demo(tmp_path_factory, "management")
    by_id = {r.id: r for r in build.records}
    for rid in ("MTG-2025-006", "CAPA-2026-003"):
        assert (build.out / by_id[rid].page).is_file()
        assert rid in (build.out / "records.json").read_text("utf-8")
    ntc = by_id["NTC-2026-004"]
    markers = markers_of([ntc], shown(build.records, "management"), mark=False)
    found = leaks(build.out, markers)
    assert found == {}, report(found)


def test_restricted_site(tmp_path_factory):
    build = build_demo(tmp_path_factory, "restricted")
    by_id = {r.id: r for r in build.records}
    data = json.loads((build.out / "records.json").read_text("utf-8"))
    ids = {item["id"] for item in (data if isinstance(data, list) else data.get("records", []))}
    for rid in sorted(HIDDEN_IDS):
        assert (build.out / by_id[rid].page).is_file(), rid
        assert rid in ids
    assert len(ids) == len(build.records)


# --- counts -----------------------------------------------------------------------------------------------------

def _archive_counts(build) -> dict[tuple[str, str], int]:
    art = build.article("archive/index.html")
    table = art.select_one("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")][1:]
    out = {}
    for tr in table.select("tbody tr"):
        year = tr.th.get_text(strip=True)
        for head, td in zip(heads, tr.find_all("td")):
            out[(year, head)] = int(td.get_text(strip=True))
    return out


TYPE_HEADS = {"meeting": "会议纪要", "notice": "通知公告", "capa": "纠正预防措施", "report": "部门报告",
              "complaint": "顾客投诉", "nc": "不符合项报告", "survey": "顾客满意度调查", "memo": "内部联络单",
              "contact": "外部沟通记录"}
INDEX = {"meeting": "meetings", "notice": "notices", "capa": "capa", "report": "reports", "complaint": "complaints",
         "nc": "nc", "survey": "surveys", "memo": "memos", "contact": "external"}


@pytest.mark.parametrize("audience", ["all-staff", "management"])
def test_counts_leave_out_what_the_audience_may_not_see(tmp_path_factory, audience):
    build = build_demo(tmp_path_factory, audience)
    seen = shown(build.records, audience)
    # archive by year and type
    expected = {}
    for r in seen:
        key = (r.id.split("-")[1], TYPE_HEADS[r.type])
        expected[key] = expected.get(key, 0) + 1
    got = _archive_counts(build)
    assert {k: v for k, v in got.items() if v} == expected
    # each type's index: the count line and the rows of its table data
    for rtype, folder in INDEX.items():
        n = len(of_type(seen, rtype))
        count = build.article(f"{folder}/index.html").select_one(".bl-count").get_text()
        assert re.match(rf"\D*{n}\D", count), (rtype, count)
        rows = json.loads((build.out / folder / "index.json").read_text("utf-8"))["rows"]
        assert len(rows) == n
    # CAPA board columns
    capas = of_type(live(build.records, audience), "capa")
    for section in build.article("capa/board/index.html").select("section.bl-column"):
        status = section["data-status"]
        want = sum(1 for c in capas if c.get("status") == status)
        assert int(section.select_one(".bl-colcount").get_text(strip=True)) == want, status
        assert len(section.select("li.bl-card-mini")) == want, status
    # a person's open items, a department's records
    actions = open_actions(build.records, audience)
    owners = {}
    for r in live(build.records, audience):
        for n, a in enumerate(r.get("actions") or [], start=1):
            owners[f"{r.id}#A{n}"] = a["owner"]
    for pid in ("liuhong", "zhengyu", "huangmin"):
        rows = build.article(f"people/{pid}/index.html").select("table.bl-actions tbody tr[data-ref]")
        assert {tr["data-ref"] for tr in rows} == {ref for ref in actions if owners[ref] == pid}, pid
    for code in ("GM", "QA"):
        art = build.article(f"departments/{code}/index.html")
        owned = art.select("ul.bl-record-list li a")
        ids = {a.get_text(" ", strip=True).split()[0] for a in owned}
        assert ids == {r.id for r in seen if r.get("department") == code}, code
    if audience == "all-staff":
        assert "CAPA-2026-003#A3" not in {ref for ref in actions}
    else:
        assert owners["CAPA-2026-003#A3"] == "liuhong" and "CAPA-2026-003#A3" in actions
