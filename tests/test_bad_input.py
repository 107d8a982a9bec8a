"""Bad input never hangs or crashes: `validate` names the file and says what to do, `build` refuses
with the same words, and the build's own guard renders a body past its limits as escaped text.
No assertion here is on elapsed time: the limits are counted (generator/guard.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import bulletin
from generator import build, guard
from generator.records import read_record
from generator.validate import Result, load_repository
from test_cases import BASE

HEAD = "---\nid: {rid}\ntitle: {title}\ndepartment: QA\ncategory: announcement\nissued_on: 2026-01-05\n---\n"


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root, symlinks=True)
    return root


def _notice(root: Path, rid: str, body: str, title: str = "t") -> str:
    rel = f"records/notices/2026/{rid}-x.md"
    (root / rel).write_text(HEAD.format(rid=rid, title=title) + body, "utf-8")
    return rel


def test_fifo_symlink_loops_and_folders_named_md_are_reported_not_followed(tmp_path):
    root = _repo(tmp_path)
    os.mkfifo(root / "records/notices/2026/NTC-2026-040-pipe.md")
    os.symlink("loop.md", root / "records/notices/2026/loop.md")
    os.symlink("../../..", root / "records/notices/2026/up")
    os.symlink("/etc", root / "records/notices/2026/etc.md")
    (root / "records/notices/2026/NTC-2026-041-folder.md").mkdir()
    result = bulletin("validate", "--lang", "en", cwd=root)
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert ("records/notices/2026/NTC-2026-040-pipe.md: error: this is not a regular file (a FIFO) and cannot be "
            "read as a record or an attachment. Remove it, or replace it with a regular file") in lines
    for name, target in (("loop.md", "loop.md"), ("up", "../../.."), ("etc.md", "/etc")):
        assert (f"records/notices/2026/{name}: error: symbolic links are not followed (this one points to {target}). "
                "Replace it with the real file") in lines
    assert lines[-1] == "checked 12 records: 4 errors, 0 warnings"   # the empty folder named .md is a folder


def test_build_refuses_bad_input_with_the_validate_message(tmp_path):
    """The build validates first: a FIFO or a body past a limit stops it with `path:line: error:`, never
    an internal error or a hang (the timeout of the helper is only a safety net)."""
    root = _repo(tmp_path)
    os.mkfifo(root / "records/capa/2026/attachments/pipe.png")
    rel = _notice(root, "NTC-2026-042", "- " * 1000 + "x\n")
    (root / "records/capa/2026/attachments/\xb2\xe2.png".encode("latin-1").decode("utf-8", "surrogateescape")
     ).write_bytes(b"png")
    result = bulletin("build", "--out", str(tmp_path / "site"), "--today", "2026-11-24", "--lang", "en", cwd=root)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    out = result.stdout + result.stderr
    assert "records/capa/2026/attachments/pipe.png: error: this is not a regular file (a FIFO)" in out
    assert (f"{rel}:8: error: the body nests too deeply (1000 levels of lists, quotes or HTML elements; "
            "the limit is 50)") in out
    assert "records/capa/2026/attachments/\\xb2\\xe2.png: error: this name has control characters or is not UTF-8" in out
    assert not (tmp_path / "site").exists()


def test_the_guard_renders_a_body_past_its_limits_as_escaped_text(tmp_path):
    """Had validation been skipped, the build's guard still renders these bodies: as preformatted escaped
    text under a notice, while a body within the limits renders as Markdown."""
    root = _repo(tmp_path)
    bodies = {
        "NTC-2026-043": "[" * 40_000,                      # minutes of Markdown's link pattern
        "NTC-2026-044": "- " * 2_000 + "<script>x</script>\n",   # RecursionError in Markdown's list parser
        "NTC-2026-045": "> " * 5_000 + "quote\n",
        "NTC-2026-046": "<div " * 20_000,
    }
    rels = {rid: _notice(root, rid, body) for rid, body in bodies.items()}
    fine = _notice(root, "NTC-2026-047", "Within the limits: *em* and [a link](https://example.com)\n")
    loaded = load_repository(root)
    assert {p.code for p in loaded.errors} == {"body-too-many-links", "body-too-deep", "body-too-many-tags"}
    unchecked = Result(loaded.config, loaded.records, loaded.tree, [])
    build.build(root, unchecked, tmp_path / "site", audience="all-staff", today=__import__("datetime").date(2026, 11, 24))
    for rid, body in bodies.items():
        html = (tmp_path / "site" / rels[rid][len("records/"):-3] / "index.html").read_text("utf-8")
        soup = BeautifulSoup(html, "html.parser")
        notice = soup.select_one(".bl-guarded p").get_text()
        assert notice.startswith("此记录的正文超出了站点的限制"), notice
        assert soup.select_one("pre.bl-guarded").get_text() == body   # every character kept, as text
        assert not soup.select("article script")
    html = (tmp_path / "site" / fine[len("records/"):-3] / "index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select(".bl-guarded") and soup.select_one("article em").get_text() == "em"


def test_each_limit_is_counted_exactly():
    """A body at each limit renders as Markdown; one more opener or level is refused (validate reports
    the same guard.excess)."""
    at_limit = {
        "[": "[\n\n" * guard.MAX_LINK_OPENERS,
        "<": "< " * guard.MAX_HTML_OPENERS,
        "*": "*" * guard.MAX_EMPHASIS,
        "|": "|" * guard.MAX_TABLE_COLUMNS,
        "depth": "> " * guard.MAX_DEPTH + "x",
    }
    one_more = {"[": "[", "<": "<", "*": "_", "|": "|", "depth": None}
    for key, body in at_limit.items():
        assert guard.excess(body) is None, key
        assert guard.safe_markdown(body, "en") == body
        over = ("> " + body) if one_more[key] is None else body + one_more[key]
        assert guard.excess(over) is not None, key
        assert guard.safe_markdown(over, "en").startswith('<div class="admonition warning bl-guarded">')


def test_a_file_that_cannot_be_read_is_a_problem(tmp_path):
    """(chmod 000 does not stop root, so the file vanishes between the scan and the read instead.)"""
    root = _repo(tmp_path)
    from generator.config import load_config

    record, problems = read_record(root, "records/notices/2026/NTC-2026-048-gone.md", load_config(root))
    assert record is None
    assert [(p.code, p.message("en")) for p in problems] == [
        ("file-unreadable", "cannot read this file: No such file or directory. Check its permissions")]
