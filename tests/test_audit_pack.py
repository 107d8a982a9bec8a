"""`bulletin audit-pack`: which records a period holds, links that work from file://, the audience's
masking in every file, a byte-identical zip, and bad input refused with a clear error and nothing written.
(The pack in Chromium through file://: tests/browser/test_audit_pack.py.)"""

from __future__ import annotations

import html
import io
import json
import posixpath
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import DEMO_TODAY, PROJECT, bulletin, copy_demo

PERIOD = ("2026-01-01", "2026-06-30")
HIDDEN = "CAPA-2026-003"          # visibility: management, opened in the period


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    return copy_demo(tmp_path_factory.mktemp("pack") / "repo")


def make(repo: Path, out: Path, *extra: str, env: dict | None = None):
    return bulletin("audit-pack", "--from", PERIOD[0], "--to", PERIOD[1], "--out", str(out), "--today", DEMO_TODAY,
                    *extra, cwd=repo, env=env)


def entries(zip_path: Path) -> dict[str, bytes]:
    """The pack's files by their path inside its top folder."""
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        top = {n.split("/", 1)[0] for n in names}
        assert len(top) == 1, f"one top folder, not {top}"
        return {n.split("/", 1)[1]: z.read(n) for n in names}


@pytest.fixture(scope="module")
def pack(repo, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("out") / "pack.zip"
    done = make(repo, out)
    assert done.returncode == 0, done.stderr
    assert "all-staff" in done.stdout
    return entries(out)


def record_page(files: dict[str, bytes], rid: str) -> str | None:
    return next((n for n in files if re.fullmatch(rf"[a-z]+/\d{{4}}/{rid}-[^/]+/index\.html", n)), None)


@pytest.mark.parametrize("rid, inside", [
    ("CAPA-2025-009", True),     # opened in 2025, closed in November 2026: open through the period
    ("CAPA-2025-008", True),     # opened in 2025, still implementing
    ("NTC-2025-002", True),      # issued in 2025, in force through the period
    ("MTG-2026-003", True),      # held in the period
    ("MTG-2026-004", False),     # held in July 2026
    ("CAPA-2026-006", False),    # opened in July 2026
])
def test_a_record_is_in_the_pack_when_its_life_overlaps_the_period(pack, rid, inside):
    assert (record_page(pack, rid) is not None) == inside
    cover = pack["index.html"].decode("utf-8")
    assert (f">{rid}</a>" in cover) == inside


def test_links_to_records_outside_the_period_are_marked_not_broken(pack):
    board = pack["capa/board/index.html"].decode("utf-8")
    assert "CAPA-2026-006" in board
    assert not re.search(r'href="[^"]*CAPA-2026-006', board)
    assert "审核期外" in board
    table = json.loads(pack["capa/index.json"])
    row = next(r for r in table["rows"] if r["id"]["text"].startswith("CAPA-2026-006"))
    assert "href" not in row["id"] and "审核期外" in row["id"]["text"]


def test_every_local_link_opens_a_file_of_the_pack(pack):
    """Directory URLs do not open under file://: every link of every page names a file the pack holds."""
    bad = []
    for name, data in pack.items():
        if not name.endswith(".html"):
            continue
        for href in re.findall(r'<(?:a|link)\b[^>]*\shref="([^"]*)"', data.decode("utf-8")):
            href = html.unescape(href)
            path = re.split(r"[?#]", href, maxsplit=1)[0]
            if not path or re.match(r"^[a-zA-Z][\w+.-]*:|^//", href):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
            if target not in pack:
                bad.append(f"{name}: {href}")
    assert bad == []


def test_every_json_file_has_a_script_sibling_with_the_same_data(pack):
    jsons = [n for n in pack if n.endswith(".json")]
    assert "search/manifest.json" in jsons and "capa/index.json" in jsons
    for name in jsons:
        script = pack[name[:-5] + ".js"].decode("utf-8")
        m = re.fullmatch(r"window\.__bulletinPack\((.*)\);\n", script, re.S)
        assert m and json.loads(m.group(1)) == json.loads(pack[name])
    for page in ("index.html", "capa/index.html", record_page(pack, "CAPA-2025-009")):
        assert "assets/bulletin-offline.js" in pack[page].decode("utf-8").split("</head>")[0]


def test_search_index_holds_only_pages_of_the_pack(pack):
    manifest = json.loads(pack["search/manifest.json"])
    urls = [row[0] for j in range(len(manifest["m"])) for row in json.loads(pack[f"search/m/{j}.json"])]
    assert urls and all(u in pack for u in urls)
    assert any(u == record_page(pack, "MTG-2026-003") for u in urls)
    assert not any("MTG-2026-004" in u for u in urls)


def test_a_management_record_leaves_no_trace_in_an_all_staff_pack(repo, pack, tmp_path):
    title = "华东汽车质量索赔金额确认"
    for name, data in pack.items():
        text = data.decode("utf-8", "replace")
        assert HIDDEN not in text and title not in text and HIDDEN not in name, name
    out = tmp_path / "mgmt.zip"
    done = make(repo, out, "--audience", "management")
    assert done.returncode == 0, done.stderr
    files = entries(out)
    assert record_page(files, HIDDEN) is not None
    assert "management" in files["index.html"].decode("utf-8")


def test_the_zip_is_byte_identical_for_the_same_inputs(repo, tmp_path):
    one = make(repo, tmp_path / "a.zip", env={"TZ": "UTC", "BULLETIN_CACHE_DIR": str(tmp_path / "c1")})
    two = make(repo, tmp_path / "b" / "b.zip", env={"TZ": "Asia/Shanghai", "BULLETIN_CACHE_DIR": str(tmp_path / "c2")})
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    a, b = (tmp_path / "a.zip").read_bytes(), (tmp_path / "b" / "b.zip").read_bytes()
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        infos = z.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2026, 11, 24, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


BAD = [
    pytest.param(["--from", "2026-07-01", "--to", "2026-06-30"], "晚于", "is after", id="from-after-to"),
    pytest.param(["--from", "2026-13-01", "--to", "2026-06-30"], "不是日期", "is not a date", id="bad-from"),
    pytest.param(["--from", "2026-01-01", "--to", "2026/06/30"], "不是日期", "is not a date", id="bad-to"),
    pytest.param(["--today", "tomorrow"], "不是日期", "is not a date", id="bad-today"),
    pytest.param(["--out", "records/pack.zip"], "records/", "records/", id="out-in-records"),
    pytest.param(["--out", "notes.txt"], "不是 zip", "not a zip", id="out-existing-text"),
    pytest.param(["--out", "folder.zip"], "不是 zip", "not a zip", id="out-folder"),
    pytest.param(["--out", "pack.tar"], ".zip", ".zip", id="out-not-zip-name"),
]


@pytest.mark.parametrize("args, zh, en", BAD)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_input_is_refused_with_an_error_line_and_nothing_written(tmp_path, args, zh, en, lang):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "records").mkdir()
    shutil.copytree(PROJECT / "site_config", repo / "site_config")
    (repo / "notes.txt").write_text("my notes\n", "utf-8")
    (repo / "folder.zip").mkdir()
    base = {"--from": PERIOD[0], "--to": PERIOD[1], "--out": "out.zip"}
    i = 0
    while i < len(args):
        base[args[i]] = args[i + 1]
        i += 2
    before = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*"))
    done = bulletin("audit-pack", *[x for kv in base.items() for x in kv], "--lang", lang, cwd=repo)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("bulletin audit-pack: error: ") and (en if lang == "en" else zh) in line, line
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*")) == before
    assert (repo / "notes.txt").read_text("utf-8") == "my notes\n"
