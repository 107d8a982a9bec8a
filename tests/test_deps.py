"""A front-matter edit remakes only the generated pages that read the edited value (deps.py), and what it makes,
with the previous build's pages it keeps, is the site a full generation of the edited records makes.

Data-driven: for one record of every type of the demo, each of its front-matter fields is changed (to another
valid value of its kind) and the generated files compared with a full generation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys

import pytest

from generator import pages, review
from generator.records import Records
from generator.stage2 import Memo
from generator.urls import review_pack_src
from generator.validate import load_repository

from conftest import DEMO_TODAY, copy_demo

TODAY = dt.date.fromisoformat(DEMO_TODAY)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    repo = copy_demo(tmp_path_factory.mktemp("deps") / "repo")
    result = load_repository(repo)
    assert not result.errors
    first = _make(result.records, result.config)
    return result, first


def _make(records, cfg, previous=None, memo=None):
    site = pages.build_site(records, cfg, audience="all-staff", today=TODAY)
    if memo is not None:
        site.memo = memo
    pages.generate(site, previous)
    return site


def _changed(value, spec, cfg, ids):
    """Another valid value of the field's kind."""
    kind = spec.kind if spec is not None else None
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, dt.date):
        return value - dt.timedelta(days=40)
    if isinstance(value, list):
        return value[1:] if len(value) > 1 else []
    if isinstance(value, dict):
        return {k: (_changed(v, None, cfg, ids) if n == 0 else v) for n, (k, v) in enumerate(value.items())}
    if spec is not None and spec.values:
        return next(v for v in spec.values if v != value)
    pools = {"person": list(cfg.people), "dept": list(cfg.departments), "ref": ids, "source_ref": ids,
             "customer": list(cfg.customers)}
    if kind in pools and pools[kind]:
        return next(v for v in pools[kind] if v != value)
    return f"{value} 改"


def _edit(records, rid, key, value):
    """The records with one field of one record changed (its front matter's text too, as in the file)."""
    out = []
    for r in records:
        if r.id == rid:
            fields = {**r.fields, key: value}
            r = dataclasses.replace(r, fields=fields, front_matter=f"{r.front_matter}\n# {key} edited")
        out.append(r)
    return Records(out)


def _site_files(site, before) -> dict:
    """Every generated file of a site made with previous deps: the pages it kept are the previous build's."""
    return {**{src: before.files[src] for src in site.kept}, **site.files}


def _cases(records):
    out, seen = [], set()
    for r in records:
        if r.type not in seen:
            seen.add(r.type)
            out.append((r.type, r.id))
    return out


CASES = ["notice", "meeting", "capa", "report", "complaint", "nc", "survey", "memo", "contact"]


@pytest.mark.parametrize("rtype", CASES)
def test_each_field_edit_remakes_what_a_full_generation_makes(demo, rtype):
    result, first = demo
    cfg = result.config
    ids = [r.id for r in result.records]
    record = next(r for r in result.records if r.type == rtype and r.get("status") not in ("withdrawn",)
                  and len(r.fields) >= 6)
    specs = cfg.types[rtype].fields
    remade = []
    for key, value in record.fields.items():
        if key == "id":
            continue
        records = _edit(result.records, record.id, key, _changed(value, specs.get(key), cfg, ids))
        full = _make(records, cfg)
        edit = _make(records, cfg, first.deps)
        assert _site_files(edit, first) == full.files, f"{record.id}: {key} edited"
        remade.append(len(edit.files))
    assert min(remade) < len(first.files), "some edit remakes fewer pages than all"


def test_a_title_edit_remakes_only_pages_that_show_the_title(demo):
    result, first = demo
    capa = next(r for r in result.records if r.type == "capa" and r.get("status") == "open")
    records = _edit(result.records, capa.id, "title", "新的标题")
    edit = _make(records, result.config, first.deps)
    assert _site_files(edit, first) == _make(records, result.config).files
    remade = set(edit.html_pages)
    assert not remade & {"kpi.md", "archive/index.md", "reports/matrix.md"}   # counts, statuses and dates only
    assert "capa/board.md" in remade
    assert len(remade) < len(first.html_pages) / 2


def test_a_title_edit_computes_only_the_shared_values_of_the_pages_it_remakes(demo):
    """A meeting's title is on its department's page: that page is made again from the values it shows (its
    department's records, actions, memos, objectives), not from the site's KPIs."""
    result, first = demo
    meeting = next(r for r in result.records if r.type == "meeting" and r.get("department"))
    records = _edit(result.records, meeting.id, "title", "新的标题")
    edit = _make(records, result.config, first.deps)
    assert _site_files(edit, first) == _make(records, result.config).files
    assert f"departments/{meeting.get('department')}.md" in edit.html_pages
    made = set(edit.reads.shared_reads)
    assert not made & {"kpis", "communication"}, sorted(made)


def _review_keys(site) -> dict:
    """review record page src -> its key (pages.page_keys: its pack section's inputs among them)."""
    keys = pages.page_keys(site)
    return {src: keys[src] for src, r in site.record_src.items() if review.is_review(r)}


def test_a_title_edit_changes_the_keys_of_only_the_review_pages_whose_pack_shows_it(demo):
    """A management review's record page holds its pack: a title edit renders again only the reviews whose pack
    names that record, not every review (they were keyed by every record's front matter)."""
    result, first = demo
    shown = {src: set(first.deps.pages[review_pack_src(r.id)][0].get("title", ()))
             for src, r in first.record_src.items() if review.is_review(r)}
    assert len(shown) > 1
    before = _review_keys(first)
    for src, ids in shown.items():
        only_here = sorted(ids - set().union(*(v for k, v in shown.items() if k != src)))
        rid = next(i for i in only_here if i != first.record_src[src].id)
        records = _edit(result.records, rid, "title", "新的标题")
        edit = _make(records, result.config, first.deps)
        after = _review_keys(edit)
        assert {k for k in before if before[k] != after[k]} == {src}, rid
        assert after == _review_keys(_make(records, result.config, edit.deps)), "the same again: the same keys"
    nowhere = next(r for r in result.records if r.type == "capa" and not any(r.id in v for v in shown.values()))
    edit = _make(_edit(result.records, nowhere.id, "title", "新的标题"), result.config, first.deps)
    assert _review_keys(edit) == before


def test_a_title_edit_makes_again_no_shared_value_that_did_not_read_it(demo, tmp_path):
    """With the build's memo (as `bulletin build` has it), a department page made again after a title edit
    takes the site-wide lists it shows (owed items, records by department, memos, objectives) as the previous
    build made them: none of them read a title."""
    result, _ = demo
    memo = Memo(tmp_path / "memo", "salt")
    first = _make(result.records, result.config, memo=memo)
    meeting = next(r for r in result.records if r.type == "meeting" and r.get("department"))
    records = _edit(result.records, meeting.id, "title", "新的标题")
    edit = _make(records, result.config, first.deps, memo=memo)
    assert _site_files(edit, first) == _make(records, result.config).files
    assert f"departments/{meeting.get('department')}.md" in edit.html_pages
    assert not set(edit.reads.shared_reads) & {"owed_of", "by_department", "memos", "objectives", "actions"}
    again = _make(_edit(records, meeting.id, "title", "再改的标题"), result.config, edit.deps, memo=memo)
    assert not set(again.reads.shared_reads) & {"owed_of", "by_department", "memos", "objectives", "actions"}


def test_a_notice_body_edit_remakes_no_page_but_the_feeds(demo):
    result, first = demo
    notice = next(r for r in result.records if r.type == "notice")
    records = Records([dataclasses.replace(r, body=r.body + "\n补充一行。\n") if r.id == notice.id else r
                       for r in result.records])
    edit = _make(records, result.config, first.deps)
    full = _make(records, result.config)
    assert _site_files(edit, first) == full.files
    assert edit.html_pages == {}


def test_bulletin_build_after_a_title_edit_remakes_few_generated_pages_and_equals_a_full_build(tmp_path):
    """Through `bulletin build` (MkDocs, the manifest): the pages kept are the previous output's files."""
    from benchmarks.synth import generate
    from generator.build import build
    from test_incremental import _differences, edit_title

    repo = tmp_path / "repo"
    generate(repo, 240, seed=11)

    def run(out, **kw):
        return build(repo, load_repository(repo), out, audience="all-staff", today=TODAY, **kw)

    first = run(tmp_path / "site")
    edit_title(repo)
    again = run(tmp_path / "site")
    assert 0 < again["generated_made"] < first["generated_made"] / 2, (again, first)
    run(tmp_path / "full", incremental_ok=False)
    assert _differences(tmp_path / "site", tmp_path / "full") == []


def test_the_reads_kept_for_the_generated_pages_take_few_bytes_an_id(demo):
    """Every generated page's reads are held until the manifest is written (100,000 records: hundreds of MB as
    frozensets, whose hash tables take 30 to 60 bytes an ID): sorted tuples take 8 and the header."""
    _, site = demo
    made = site.deps
    held = [ids for keys, _ in [*made.pages.values(), *made.shared.values(), made.site_wide] for ids in keys.values()]
    ids = sum(len(x) for x in held)
    assert ids > 5000
    assert sum(sys.getsizeof(x) for x in held) <= 8 * ids + 48 * len(held)
