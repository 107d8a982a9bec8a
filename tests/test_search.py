"""The chunked search index (generator/search.py) and its browser twin (generator/assets/bulletin-search.js):
tokens, text out of a page, queries answered over a handful of pages, the same bytes for the same pages,
and the transfer budget at 10,000 records: a query reads at most 2 MB of index files."""

from __future__ import annotations

import html
import json
import pickle
import random
import re
import shutil
import subprocess
import sys
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import search
from generator.search import SearchDoc

PROJECT = Path(__file__).resolve().parent.parent
JS = PROJECT / "generator" / "assets" / "bulletin-search.js"
BUDGET = 2 * 1024 * 1024

SAMPLES = [
    "CAPA-2026-007 首件检验 ＣＡＰＡ poka-yoke 2026-11-24 8D报告 第3次",
    "首", "首件", "capa-", "PFMEA ", "pfm", "a-b-", "IATF 16949:2016", "v1.2.3/x_y",
    "Ünïcödé café ﬁx İstanbul ΣΑΣ", "한국어 テスト カタカナ", "𠀀𠀁x", "（CAPA）：客诉，", "x" * 70 + "-y",
    "关于加强首件检验执行的通知 NTC-2026-005", "  spaced   out  ", "", "——…", "①②③ ⅷ ²",
]


def tf(text: str) -> Counter:
    return Counter(search.tokens(text))


# ------------------------------------------------------------------ tokens

def test_chinese_runs_give_bigrams_and_their_last_character():
    assert search.tokens("首件检验") == ["首件", "件检", "检验", "验"]
    assert search.tokens("锁") == ["锁"]
    assert search.tokens("客诉，防错") == ["客诉", "诉", "防错", "错"]


def test_words_are_lower_cased_and_full_width_is_folded():
    assert search.tokens("PFMEA and Control Plan") == ["pfmea", "and", "control", "plan"]
    assert search.tokens("ＣＡＰＡ（８Ｄ）") == ["capa", "8d"]
    assert search.tokens("8D报告") == ["8d", "报告", "告"]


def test_ids_and_dates_are_whole_tokens_and_their_parts():
    assert search.tokens("CAPA-2026-007") == ["capa-2026-007", "capa", "2026", "007"]
    assert search.tokens("2026-11-24.") == ["2026-11-24", "2026", "11", "24"]
    assert search.tokens("poka-yoke") == ["poka-yoke", "poka", "yoke"]
    long = "a" * 70
    assert search.tokens(f"{long}-b") == ["b"]           # too long to be a token; its short part stays


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_counts_equal_the_token_list(text):
    assert search.counts(text) == tf(text)


def test_queries():
    terms, phrases = search.query_terms("首件检验 PFMEA")
    assert [(t.token, t.prefix) for t in terms] == [("首件", False), ("件检", False), ("检验", False),
                                                     ("pfmea", True)]
    assert phrases == ["首件检验"]
    terms, _ = search.query_terms("PFMEA ")
    assert [(t.token, t.prefix) for t in terms] == [("pfmea", False)]   # a space ends the word
    terms, _ = search.query_terms("CAPA-")
    assert [(t.token, t.prefix) for t in terms] == [("capa-", True)]
    terms, _ = search.query_terms("首")
    assert [(t.token, t.prefix) for t in terms] == [("首", True)]
    assert search.query_terms("，。 ") == ([], [])


def _node(script: str, data):
    node = shutil.which("node")
    if not node:
        pytest.fail("node is not installed: apt-get install -y nodejs "
                    "tests/browser/test_search_browser.py compares the tokenizer in Chromium too")
    out = subprocess.run([node, "-e", script, str(JS)], input=json.dumps(data), capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def python_side(text: str) -> dict:
    terms, phrases = search.query_terms(text)
    toks = search.tokens(text)
    return {"tokens": toks,
            "query": {"terms": [{"token": t.token, "prefix": t.prefix} for t in terms], "phrases": phrases},
            "keys": [search.key_of(t, HEAVY) for t in toks],
            "lookups": [list(search.lookup(t, HEAVY)) for t in terms],
            "hash": search.fnv1a(text)}


HEAVY = {"202", "cap", "capa", "capa-", "首"}


JS_SIDE = """
const api = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const heavy = new Set(["202", "cap", "capa", "capa-", "首"]);
console.log(JSON.stringify(input.map(s => {
  const toks = api.tokens(s), q = api.queryTerms(s);
  return {tokens: toks, query: q, keys: toks.map(t => api.keyOf(t, heavy)),
          lookups: q.terms.map(t => api.lookup(t, heavy)), hash: api.fnv1a(s)};
})));
"""


def test_the_browser_tokenizer_is_the_same_as_python(tmp_path):
    rng = random.Random(7)
    pool = "首件检验客诉防错部门 CAPA-2026-007 capa- pfmea ８Ｄ，：（）.-_/ é①ß İ 한국 テ 𠀀\n\t"
    texts = SAMPLES + ["".join(rng.choice(pool) for _ in range(rng.randint(1, 40))) for _ in range(300)]
    assert _node(JS_SIDE, texts) == [python_side(t) for t in texts]


def test_the_browser_decodes_what_python_encodes():
    postings = [(0, 3), (1, 2), (5, 31), (37, 0), (1000, 2), (33_000, 9), (100_000, 7)]
    code = search.encode(postings)
    assert search.decode(code) == postings
    script = 'const a = require(process.argv[1]); console.log(JSON.stringify(a.decode(' \
             'JSON.parse(require("fs").readFileSync(0, "utf8")))));'
    assert [tuple(p) for p in _node(script, code)] == postings


def test_the_script_builds_results_without_html_strings():
    source = JS.read_text("utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", source)
    assert not re.search(r"https?://", source), "the script must not name another site"


# ------------------------------------------------------------------ text out of a page

def test_doc_keeps_the_text_without_markup_marks_scripts_or_the_title_heading():
    html = ('<h1 id="t">A &amp; B 首件<a class="headerlink" href="#t" title="Permanent link">¶</a></h1>\n'
            '<div class="bl-card" data-type="capa" data-id="CAPA-2026-004"><span>CAPA-2026-004</span></div>'
            '<p>Line&nbsp;one<br>line <b>two</b> &lt;script&gt;</p><script>var x = "secret";</script>'
            '<style>.a{color:red}</style><ul><li>x</li><li>y</li></ul>'
            '<h2 id="s">根本原因<a class="headerlink" href="#s">¶</a></h2>')
    d = search.doc("capa/2026/x/", "A &amp; B 首件", html)
    assert d.title == "CAPA-2026-004 A & B 首件"
    assert d.text == "CAPA-2026-004 Line one line two <script> x y 根本原因"
    assert "¶" not in d.text and "secret" not in d.text and "color" not in d.text


def test_doc_of_a_page_without_card_keeps_its_title():
    d = search.doc("kpi/", "绩效指标", "<h1>绩效指标</h1><p>图表</p>")
    assert (d.title, d.text) == ("绩效指标", "图表")
    d = search.doc("x/", "标题", "<h1>另一个标题</h1><p>正文</p>")
    assert d.text == "另一个标题 正文"


# ------------------------------------------------------------------ a handful of pages

DOCS = [
    SearchDoc("capa/2026/CAPA-2026-004-first-article/", "CAPA-2026-004 机加工夜班换型后首件检验漏做",
              "纠正预防措施 CAPA-2026-004 部门 生产部 相关记录 MTG-2026-003 首件检验 首件 首件 根本原因 夜班"),
    SearchDoc("meetings/2026/MTG-2026-003-first-article-review/", "MTG-2026-003 机加工车间首件检验执行情况评审",
              "会议 MTG-2026-003 决议 CAPA-2026-004 立项 PFMEA 更新"),
    SearchDoc("notices/2026/NTC-2026-005-first-article-circular/", "NTC-2026-005 关于加强首件检验执行的通知",
              "通知 各部门 首件 检验 记录 ＣＡＰＡ"),
    SearchDoc("capa/2025/CAPA-2025-008-pfmea/", "CAPA-2025-008 工程变更后PFMEA及控制计划未同步更新",
              "PFMEA control plan pfmea 变更 首次 件数 检查 验证"),
    SearchDoc("capa/2026/CAPA-2026-007-label/", "CAPA-2026-007 不合格品区标识缺失",
              "标识 首件 件检 检验 poka-yoke 2026-11-24 见 CAPA-2026-004"),
    SearchDoc("people/wuhaitao/", "吴海涛", "负责 CAPA-2026-004 CAPA-2026-007 首件"),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> search.Index:
    out = tmp_path_factory.mktemp("small")
    search.write_index(DOCS, out, "zh")
    return search.Index(out / "search")


def urls(index: search.Index, query: str, limit: int = 50) -> list[str]:
    return [h.url for h in index.search(query, limit)]


def rid(url: str) -> str:
    m = re.search(r"(CAPA|MTG|NTC)-\d{4}-\d{3}", url)
    return m.group() if m else url


def test_a_two_character_word_finds_every_page_with_it_titles_first(small):
    found = [rid(u) for u in urls(small, "首件")]
    assert found[:3] == ["CAPA-2026-004", "NTC-2026-005", "MTG-2026-003"]   # in the title, then by frequency
    assert set(found) == {"NTC-2026-005", "MTG-2026-003", "CAPA-2026-004", "CAPA-2026-007", "people/wuhaitao/"}
    assert "CAPA-2025-008" not in found          # 首次 and 件数: the characters, not the word


def test_a_longer_phrase_must_appear_whole(small):
    found = {rid(u) for u in urls(small, "首件检验")}
    assert found == {"CAPA-2026-004", "MTG-2026-003", "NTC-2026-005"}
    ranked, phrases = small.ranked("首件检验")
    assert phrases == ["首件检验"]
    assert len(ranked) == 4                      # CAPA-2026-007 has 首件, 件检 and 检验 apart: dropped on the text


def test_english_words_any_case_and_width(small):
    assert [rid(u) for u in urls(small, "PFMEA")][0] == "CAPA-2025-008"
    assert {rid(u) for u in urls(small, "pfmea")} == {"CAPA-2025-008", "MTG-2026-003"}
    assert {rid(u) for u in urls(small, "ＰＦＭＥＡ ")} == {"CAPA-2025-008", "MTG-2026-003"}
    assert {rid(u) for u in urls(small, "control plan")} == {"CAPA-2025-008"}
    assert urls(small, "kontrol") == []


def test_ids_whole_and_typed_so_far(small):
    found = [rid(u) for u in urls(small, "CAPA-2026-004")]
    assert found[0] == "CAPA-2026-004"             # the record itself: its ID is in its title
    assert set(found) == {"CAPA-2026-004", "MTG-2026-003", "CAPA-2026-007", "people/wuhaitao/"}
    assert {rid(u) for u in urls(small, "capa-2026-00")} == \
        {"CAPA-2026-004", "CAPA-2026-007", "MTG-2026-003", "people/wuhaitao/"}
    assert {rid(u) for u in urls(small, "capa")} >= {"CAPA-2026-004", "NTC-2026-005"}   # ＣＡＰＡ folded
    assert {rid(u) for u in urls(small, "poka")} == {"CAPA-2026-007"}
    assert {rid(u) for u in urls(small, "2026-11-24")} == {"CAPA-2026-007"}


def test_one_character_finds_it_anywhere_and_and_means_all(small):
    assert {rid(u) for u in urls(small, "首")} == {"CAPA-2026-004", "MTG-2026-003", "NTC-2026-005",
                                                   "CAPA-2025-008", "CAPA-2026-007", "people/wuhaitao/"}
    assert {rid(u) for u in urls(small, "验")} >= {"CAPA-2025-008"}      # 验证: a character inside a word
    assert {rid(u) for u in urls(small, "首件 PFMEA")} == {"MTG-2026-003"}
    assert urls(small, "首件 kontrol") == []
    assert urls(small, "") == [] and urls(small, "，。") == []


def test_only_the_files_a_query_needs_are_read(small):
    index = search.Index(small.folder)
    index.search("首件", limit=2)
    assert "manifest.json" in index.read
    assert sum(f.startswith("s/") for f in index.read) == 1
    assert sum(f.startswith("m/") for f in index.read) <= 2


def test_heavy_keys_split_their_shard_and_answer_the_same(tmp_path, monkeypatch, small):
    monkeypatch.setattr(search, "HEAVY_BYTES", 30)
    monkeypatch.setattr(search, "POSTINGS_PER_SHARD", 2)
    search.write_index(DOCS, tmp_path, "zh")
    split = search.Index(tmp_path / "search")
    assert {"cap", "capa", "首", "capa-2026-00"} <= split.heavy and split.manifest["shards"] > 16
    for q in ("首件", "首件检验", "PFMEA", "CAPA-2026-004", "poka", "首件 PFMEA", "pfm", "2026-1", "ＣＡＰＡ "):
        assert urls(split, q) == urls(small, q), q
    # a prefix that is a heavy key reads the key's union token, in a shard of its own
    assert search.lookup(search.Term("capa-2026-00", True), split.heavy) == ("capa-2026-00*", False)
    for q in ("capa-2026-00", "首", "首 PFMEA", "cap"):
        assert set(urls(split, q)) == set(urls(small, q)), q
    assert {rid(u) for u in urls(split, "首")} == {"CAPA-2026-004", "MTG-2026-003", "NTC-2026-005", "CAPA-2025-008",
                                                   "CAPA-2026-007", "people/wuhaitao/"}


def test_a_big_list_has_a_shard_of_its_own_and_versions_are_shared_by_groups(tmp_path, monkeypatch, small):
    """At 100,000 pages the lists of common words are 100 KB each: two of them in one shard would make a query
    read both, and a version per file would make the manifest hundreds of KB. Scaled down here."""
    monkeypatch.setattr(search, "ALONE_BYTES", 20)
    monkeypatch.setattr(search, "VERSIONS", 2)
    monkeypatch.setattr(search, "CHUNK_BYTES", 200)      # several metadata chunks
    search.write_index(DOCS, tmp_path, "zh")
    index = search.Index(tmp_path / "search")
    m, heavy = index.manifest, index.heavy
    assert m["alone"] == sorted(m["alone"]) and len(m["alone"]) >= 3
    files = {int(p.stem): json.loads(p.read_text("utf-8")) for p in (tmp_path / "search" / "s").iterdir()}
    assert sorted(files) == list(range(m["shards"] + len(m["alone"])))
    for i, tokens in files.items():
        sizes = Counter()
        for t, code in tokens.items():
            sizes[search.key_of(t, heavy)] += search._size(t, code)
        if i >= m["shards"]:      # an alone key's shard holds that key's tokens and nothing else
            assert set(sizes) == {m["alone"][i - m["shards"]]} and max(sizes.values()) > 20
        else:
            assert all(size <= 20 and key not in m["alone"] for key, size in sizes.items()), i
    chunks = len(list((tmp_path / "search" / "m").iterdir()))
    assert chunks > 2 and len(m["m"]) <= 2 and m["mg"] >= 2 and len(m["s"]) <= 2 and m["sg"] >= 2
    for q in ("首件", "首件检验", "PFMEA", "CAPA-2026-004", "poka", "首件 PFMEA", "pfm", "2026-1", "ＣＡＰＡ ", "首"):
        assert urls(index, q) == urls(small, q), q
    index = search.Index(tmp_path / "search")
    index.search("首件", limit=1)
    alone = search.key_of("首件", heavy)
    assert alone in m["alone"] and f"s/{m['shards'] + m['alone'].index(alone)}.json" in index.read


def test_an_edit_patches_alone_shards_and_grouped_versions_to_the_bytes_of_a_full_build(monkeypatch):
    monkeypatch.setattr(search, "ALONE_BYTES", 20)
    monkeypatch.setattr(search, "VERSIONS", 2)
    edited = [SearchDoc(d.url, d.title, d.text + " 首件 检验 补充") if i == 3 else d for i, d in enumerate(DOCS)]
    files, built = search._build(DOCS, "zh")
    assert built.alone and search.patch(built, edited, "zh") is not None
    assert _patched(DOCS, edited) == search.build_index(edited, "zh")


# ------------------------------------------------------------------ the same pages, the same bytes

def test_same_pages_in_any_order_give_the_same_bytes(tmp_path):
    a = search.build_index(DOCS, "zh")
    b = search.build_index(list(reversed(DOCS)) + DOCS[:2], "zh")
    assert a == b
    assert search.build_index(DOCS[:-1], "zh") != a
    search.write_index(DOCS, tmp_path / "one", "zh")
    search.write_index(list(reversed(DOCS)), tmp_path / "two", "zh")
    files = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert files(tmp_path / "one") == files(tmp_path / "two") == {f"search/{k}": v for k, v in a.items()}
    manifest = json.loads(a["manifest.json"])
    assert list(manifest) == sorted(manifest)
    assert len(manifest["s"]) == manifest["shards"] + len(manifest["alone"]) and manifest["sg"] == 1
    assert manifest["shards"] >= 16 and manifest["shards"] & (manifest["shards"] - 1) == 0


def test_pages_weighed_by_doc_give_the_index_of_pages_weighed_at_the_end():
    pages = [search.doc(d.url, d.title, f"<h1>{d.title}</h1><p>{d.text}</p>") for d in DOCS]
    assert all(p.weights is not None and len(p.weights) == len(p.terms.split("\0")) for p in pages)
    bare = [SearchDoc(p.url, p.title, p.text) for p in pages]
    assert search.build_index(pages, "zh") == search.build_index(bare, "zh")
    terms, weights = search.weigh("首件 PFMEA", "首件 首件 pfmea 检验")
    assert dict(zip(terms.split("\0"), weights)) == {"首件": 7, "件": 7, "pfmea": 5, "检验": 2, "验": 2}


def test_a_rebuild_over_an_older_index_leaves_what_a_fresh_build_makes(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "CHUNK_BYTES", 200)       # a chunk of metadata per page or two
    many = DOCS + [SearchDoc(f"extra/{i}/", f"页 {i}", "首件 " * i) for i in range(40)]
    search.write_index(many, tmp_path, "zh")
    assert len(list((tmp_path / "search" / "m").iterdir())) > 20
    search.write_index(DOCS[:-1], tmp_path, "zh")
    got = {p.relative_to(tmp_path / "search").as_posix(): p.read_bytes()
           for p in (tmp_path / "search").rglob("*") if p.is_file()}
    assert got == search.build_index(DOCS[:-1], "zh")


# ------------------------------------------------------------------ any pages, any query: the oracle

WORDS = ["首件", "检验", "首", "件", "客诉", "防错", "CAPA-2026-001", "CAPA-2026-002", "capa", "pfmea", "PFMEA",
         "plan", "planning", "2026-11-24", "ＣＡＰＡ", "的", "部门", "a", "ab", "abc", "abcd"]


def oracle(docs: list[SearchDoc], query: str) -> set[str]:
    """Pages with every term: a prefix term (as long as a key at least) any token starting with it."""
    terms = search.query_terms(query)[0]
    if not terms:
        return set()
    out = set()
    for d in docs:
        toks = set(search.tokens(d.title)) | set(search.tokens(d.text))
        ok = True
        for t in terms:
            if t.prefix and len(t.token) >= (1 if search._is_cjk(t.token[0]) else 3):
                ok = ok and any(x.startswith(t.token) for x in toks)
            else:
                ok = ok and t.token in toks
        if ok:
            out.add(d.url)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), min_size=1, max_size=25),
       st.lists(st.sampled_from(WORDS + [" ", "-"]), min_size=1, max_size=4), st.booleans())
def test_every_query_finds_exactly_the_pages_that_have_its_terms(tmp_path_factory, pages, query, tiny):
    docs = [SearchDoc(f"p/{i}/", " ".join(words[:2]), " ".join(words)) for i, words in enumerate(pages)]
    q = "".join(query)
    old = search.HEAVY_BYTES, search.POSTINGS_PER_SHARD, search.ALONE_BYTES, search.VERSIONS
    if tiny:   # force heavy keys, many shards, keys alone in theirs and versions shared by files
        search.HEAVY_BYTES, search.POSTINGS_PER_SHARD, search.ALONE_BYTES, search.VERSIONS = 20, 4, 12, 3
    try:
        out = tmp_path_factory.mktemp("oracle")
        search.write_index(docs, out, "zh")
    finally:
        search.HEAVY_BYTES, search.POSTINGS_PER_SHARD, search.ALONE_BYTES, search.VERSIONS = old
    index = search.Index(out / "search")
    ranked, _ = index.ranked(q)
    assert {index.meta(d)[0] for d in ranked} == oracle(docs, q)


# ------------------------------------------------------------------ the incremental build patches the index

def _patched(before: list[SearchDoc], after: list[SearchDoc]) -> dict[str, bytes] | None:
    """The files after patching the index of `before` for `after`, or None when patch asks for a full build."""
    files, built = search._build(before, "zh")
    out = search.patch(built, after, "zh")
    if out is None:
        return None
    changed, new = out
    assert set(changed) <= set(new.paths()) and "manifest.json" in changed or not changed
    return {rel: changed.get(rel, files.get(rel)) for rel in new.paths()}


def test_an_edit_of_one_page_patches_the_index_to_the_bytes_of_a_full_build():
    edited = [SearchDoc(d.url, d.title, d.text + " 首件检验追加 poka-yoke") if i == 3 else d
              for i, d in enumerate(DOCS)]
    files, built = search._build(DOCS, "zh")
    changed, _ = search.patch(built, edited, "zh")
    assert 0 < len(changed) < len(files) / 2, "only the shards and chunk that hold the edit are written"
    assert _patched(DOCS, edited) == search.build_index(edited, "zh")
    assert _patched(DOCS, list(reversed(DOCS))) == search.build_index(DOCS, "zh")   # nothing changed
    assert _patched(DOCS, DOCS[:-1]) is None and _patched(DOCS, DOCS + [SearchDoc("new/", "新", "新")]) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12), min_size=1, max_size=20),
       st.lists(st.tuples(st.integers(0, 19), st.lists(st.sampled_from(WORDS), max_size=12)), min_size=1, max_size=4),
       st.sampled_from([(search.HEAVY_BYTES, search.POSTINGS_PER_SHARD, search.CHUNK_BYTES, search.ALONE_BYTES,
                         search.VERSIONS), (20, 4, 60, 12, 3), (60, 8, 200, 30, 2)]))
def test_any_edit_patched_or_rebuilt_gives_the_bytes_of_a_full_build(pages, edits, limits):
    before = [SearchDoc(f"p/{i}/", " ".join(words[:2]), " ".join(words)) for i, words in enumerate(pages)]
    after = list(before)
    for i, words in edits:
        i %= len(after)
        after[i] = SearchDoc(after[i].url, " ".join(words[:2]), " ".join(words))
    names = "HEAVY_BYTES", "POSTINGS_PER_SHARD", "CHUNK_BYTES", "ALONE_BYTES", "VERSIONS"
    old = [getattr(search, name) for name in names]
    for name, value in zip(names, limits):
        setattr(search, name, value)
    try:
        got = _patched(before, after)
        assert got is None or got == search.build_index(after, "zh")
    finally:
        for name, value in zip(names, old):
            setattr(search, name, value)


# ------------------------------------------------------------------ 10,000 records: what a query transfers

def synthetic_docs(root: Path, n: int) -> list[SearchDoc]:
    """Pages like the site's: each synthetic record's title (with its ID in front) and its whole file as the
    text (fields, then the body), plus a person page per 25 records that lists titles."""
    from benchmarks.synth import generate

    generate(root, n)
    docs = []
    for path in sorted((root / "records").rglob("*.md")):
        raw = path.read_text("utf-8")
        title = re.search(r"(?m)^title: *(.*)$", raw).group(1).strip("'\"")
        rid = re.match(r"[A-Z]+-\d{4}-\d+", path.name).group()
        folder = path.relative_to(root / "records").parent.as_posix()
        docs.append(SearchDoc(f"{folder}/{path.stem}/", f"{rid} {title}", raw))
    for k in range(0, len(docs), 25):
        group = docs[k:k + 25]
        docs.append(SearchDoc(f"people/p{k}/", f"人员 {k}", " ".join(d.title for d in group)))
    return docs


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    root = tmp_path_factory.mktemp("large")
    docs = synthetic_docs(root / "repo", 10_000)
    search.write_index(docs, root / "site", "zh")
    return docs, root / "site" / "search"


def test_at_ten_thousand_records_a_query_reads_at_most_two_megabytes(large):
    docs, folder = large
    ids = sorted(d.title.split()[0] for d in docs if d.url.startswith("capa/"))
    queries = ["首件", "客诉", "首件检验", "PFMEA", "control plan", ids[len(ids) // 2], "capa-2026-0", "质量 PFMEA",
               "部", "2026"]
    for q in queries:
        index = search.Index(folder)
        hits = index.search(q, limit=10)
        assert hits, q
        used = index.bytes_read()
        assert used <= BUDGET, f"{q!r} reads {used:,} bytes in {len(index.read)} files"
        # and typing it one character at a time (every prefix a query of its own) stays within budget
        index = search.Index(folder)
        for k in range(1, len(q) + 1):
            index.search(q[:k], limit=10)
        assert index.bytes_read() <= BUDGET, f"typing {q!r} reads {index.bytes_read():,} bytes"
    index = search.Index(folder)
    hits = index.search(ids[len(ids) // 2])
    assert hits[0].title.startswith(ids[len(ids) // 2] + " ")


def test_at_ten_thousand_records_no_file_is_large(large):
    _, folder = large
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["docs"] > 10_000 and manifest["shards"] >= 128
    assert (folder / "manifest.json").stat().st_size < 64_000
    shards = [p.stat().st_size for p in (folder / "s").iterdir()]
    metas = [p.stat().st_size for p in (folder / "m").iterdir()]
    assert len(shards) == manifest["shards"] + len(manifest["alone"])
    assert -(-len(shards) // manifest["sg"]) == len(manifest["s"]) <= search.VERSIONS
    assert -(-len(metas) // manifest["mg"]) == len(manifest["m"]) <= search.VERSIONS
    assert max(shards) < 400_000 and max(metas) < 100_000


# ------------------------------------------------------------------ memory: 100,000 pages in one build

def test_a_page_is_kept_for_the_index_in_under_two_thirds_of_the_memory_of_its_text_and_tokens(tmp_path):
    """`bulletin build` holds every page's entry until the index is written (and the incremental build keeps
    them): deflated, not as text. Counted with tracemalloc, never the clock."""
    pages = synthetic_docs(tmp_path / "repo", 300)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = [search.doc(p.url, p.title, f"<p>{html.escape(p.text)}</p>") for p in pages]
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    plain = sum(sys.getsizeof(k.text) + sys.getsizeof(k.terms) for k in kept)
    assert held * 3 < plain * 2, (held, plain)
    assert [k.parts() for k in kept] == [(k.text, k.terms) for k in kept]
    assert all(pickle.loads(pickle.dumps(k)) == k for k in kept)


def _held_at_manifest(make, monkeypatch) -> int:
    """Bytes allocated by make() and still held when it comes to the index's manifest (its last file)."""
    held = []
    manifest = search._manifest
    monkeypatch.setattr(search, "_manifest", lambda built: held.append(tracemalloc.get_traced_memory()[0]) or
                        manifest(built))
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        make()
    finally:
        tracemalloc.stop()
    return held[0] - start


def test_the_index_is_written_without_holding_all_its_files_at_once(tmp_path, monkeypatch):
    """write_index writes each file as it is made: when it comes to the manifest, it holds less than
    build_index (which returns every file) by at least half of the bytes it wrote."""
    pages = synthetic_docs(tmp_path / "repo", 2000)
    in_memory = _held_at_manifest(lambda: search.build_index(pages, "zh"), monkeypatch)
    writing = _held_at_manifest(lambda: search.write_index(pages, tmp_path / "site", "zh"), monkeypatch)
    written = sum(f.stat().st_size for f in (tmp_path / "site" / "search").rglob("*.json"))
    assert writing + written // 2 < in_memory, (writing, written, in_memory)
    assert search.build_index(pages, "zh") == {f.relative_to(tmp_path / "site" / "search").as_posix(): f.read_bytes()
                                               for f in (tmp_path / "site" / "search").rglob("*.json")}
