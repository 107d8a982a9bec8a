"""stage2.Memo: a data file kept by its inputs is byte for byte the file made again; a damaged entry is made again."""

from __future__ import annotations

import datetime as dt
import io
import time

from openpyxl import load_workbook

from generator import feeds
from generator.stage2 import Memo, prune

ROWS = [[feeds.Link("CAPA-2026-001", "capa/2026/CAPA-2026-001-x/"), "螺纹超差", dt.date(2026, 11, 2), 3]]


def _workbook(memo: Memo, rows=ROWS) -> bytes:
    return memo(feeds.xlsx_bytes, ["编号", "标题", "日期", "数量"], rows, sheet="CAPA", stamp=dt.date(2026, 11, 24))


def test_a_kept_workbook_is_the_workbook_made_again(tmp_path):
    memo = Memo(tmp_path / "memo", "salt")
    made = _workbook(memo)
    assert made == _workbook(Memo())                      # the same bytes as without a memo
    (entry,) = (tmp_path / "memo").iterdir()
    inode = entry.stat().st_ino
    assert _workbook(Memo(tmp_path / "memo", "salt")) == made
    assert entry.stat().st_ino == inode, "kept, not made again"
    assert load_workbook(io.BytesIO(made)).active["B2"].value == "螺纹超差"


def test_other_rows_or_other_code_make_another_entry(tmp_path):
    _workbook(Memo(tmp_path, "salt"))
    changed = _workbook(Memo(tmp_path, "salt"), [ROWS[0][:1] + ["螺纹超差（已修订）"] + ROWS[0][2:]])
    assert load_workbook(io.BytesIO(changed)).active["B2"].value == "螺纹超差（已修订）"
    _workbook(Memo(tmp_path, "other code"))
    assert len(list(tmp_path.iterdir())) == 3


def test_a_damaged_entry_is_made_again(tmp_path):
    made = _workbook(Memo(tmp_path, "salt"))
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(entry.read_bytes()[:40])
    assert _workbook(Memo(tmp_path, "salt")) == made
    assert _workbook(Memo(tmp_path, "salt")) == made


def test_prune_drops_what_a_build_did_not_use(tmp_path):
    _workbook(Memo(tmp_path, "old"))
    since = time.time() + 0.01
    time.sleep(0.2)
    _workbook(Memo(tmp_path, "new"))
    prune(tmp_path, since)
    assert len(list(tmp_path.iterdir())) == 1
    (kept,) = tmp_path.iterdir()
    assert kept.stat().st_mtime >= since


def test_an_edited_item_makes_only_its_row_again(tmp_path):
    """Memo.rows: rows kept by their item's digest; a changed digest makes that row again, an item without
    one is always made; the rows come back in the items' order, as without a memo."""
    made = []

    def row(item):
        made.append(item)
        return feeds.csv_line([item, "螺纹超差"])
    items = [(f"r{i}", f"d{i}", f"CAPA-2026-{i:03}") for i in range(5)]
    first = Memo(tmp_path, "salt").rows("capa", "shape", items, row)
    assert first == Memo().rows("capa", "shape", items, row) and len(made) == 10
    made.clear()
    items[2] = ("r2", "changed", "CAPA-2026-777")
    items.append(("r9", None, "CAPA-2026-999"))
    again = Memo(tmp_path, "salt").rows("capa", "shape", items, row)
    assert made == ["CAPA-2026-777", "CAPA-2026-999"]
    assert again == first[:2] + [feeds.csv_line(["CAPA-2026-777", "螺纹超差"])] + first[3:] + \
        [feeds.csv_line(["CAPA-2026-999", "螺纹超差"])]
    made.clear()
    Memo(tmp_path, "salt").rows("capa", "other shape", items, row)
    assert len(made) == 6, "another shape of the site: every row made again"


def test_a_file_of_unchanged_rows_is_neither_made_nor_its_rows_read_again(tmp_path, monkeypatch):
    """Memo.rows(..., then=): the file made of the rows is kept with its items' keys and digests; an edit
    elsewhere (another table) makes neither a row nor the file again and reads no rows table; an edited
    item makes its row and the file again, the same bytes as without a memo."""
    import generator.stage2 as stage2
    made, files = [], []

    def row(item):
        made.append(item)
        return feeds.csv_line([item, "螺纹超差"])

    def document(rows):
        files.append(len(rows))
        return feeds.csv_document(["id", "title"], rows)
    items = [(f"r{i}", f"d{i}", f"CAPA-2026-{i:03}") for i in range(5)]
    first = Memo(tmp_path, "salt").rows("capa", "shape", items, row, then=document)
    assert first == Memo().rows("capa", "shape", items, row, then=document) and files == [5, 5]
    made.clear(), files.clear()
    loads = []
    real = stage2.unpickle
    monkeypatch.setattr(stage2, "unpickle", lambda f: loads.append(f.name) or real(f))
    assert Memo(tmp_path, "salt").rows("capa", "shape", items, row, then=document) == first
    assert made == [] and files == [], "nothing made again"
    assert [name for name in loads if "/rows-" in name] == [], "the rows table is not read"
    items[2] = ("r2", "changed", "CAPA-2026-777")
    again = Memo(tmp_path, "salt").rows("capa", "shape", items, row, then=document)
    assert made == ["CAPA-2026-777"] and files == [5]
    assert again == Memo().rows("capa", "shape", items, row, then=document)
