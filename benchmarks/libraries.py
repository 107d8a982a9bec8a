"""Hand-written code against the maintained library that does the same work (issue 11 item 7).

    python -m benchmarks.libraries [--n 1000] [--only search,feeds,tables,watch,charts] [--repeat 5]
                                   [--keep /tmp/libs] [--out results.json] [--bytes-n 10000]

Pairs (A = ours, B = the library), timed A, B, A, B … round by round so that drift of the machine cancels;
medians and min–max are printed:

  search  generator/search.py + assets/bulletin-search.js  vs  Pagefind (pagefind[extended], its own binary):
          index time over the same pages (the record pages and the board, from the built site's HTML), index
          size, one-page edit, bytes a query fetches (fresh browser context per query, headless Chromium),
          time from the query to the first results, Chinese recall on 20 words whose records are known
          from the source text;
  feeds   feeds.atom_feed / rss_feed  vs  feedgen, the same entries: time, size, both parsed by feedparser;
  tables  assets/bulletin-table.js  vs  simple-datatables, tablesort, list.js (vendored under
          benchmarks/vendor/): a 1,000-row table, time to sort and to filter in Chromium, bytes of script;
  watch   serve.py's polling (reproduced here)  vs  watchfiles: latency from a save to the rebuild start, CPU
          while idle, each watcher a child process;
          (LIBS_TABLE_ROWS=N in the environment: a table of N rows instead of 1,000);
  charts  generator/charts.py  vs  pygal (js=[]): the KPI page's five charts, time, bytes, outside references.

The repository is benchmarks/synth.py's, built once with `bulletin build` (reused with --keep).
Needs the `bench` extra (pip install -e .[bench]) and Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import functools
import html as html_lib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import measure, synth

PROJECT = Path(__file__).resolve().parent.parent
VENDOR = Path(__file__).resolve().parent / "vendor"
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
TODAY = synth.TODAY.isoformat()
SECTIONS = ("search", "feeds", "tables", "watch", "charts")
log = measure.log


def loc(*paths: Path) -> int:
    """Lines of code: not blank, not only a comment."""
    n = 0
    for p in paths:
        for line in Path(p).read_text("utf-8").splitlines():
            s = line.strip()
            if s and not s.startswith(("#", "//", "*", "/*")):
                n += 1
    return n


def stats(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "n": len(xs)}


def fmt(s: dict, unit: str = "ms", scale: float = 1000.0, digits: int = 1) -> str:
    return (f"{s['median'] * scale:.{digits}f} {unit} ({s['min'] * scale:.{digits}f}–"
            f"{s['max'] * scale:.{digits}f}, n={s['n']})")


def paired(a, b, repeat: int) -> tuple[list[float], list[float]]:
    """Call a() and b() alternately `repeat` times each (A, B, A, B …); each returns seconds."""
    ta, tb = [], []
    for i in range(repeat):
        if i % 2 == 0:
            ta.append(a())
            tb.append(b())
        else:
            tb.append(b())
            ta.append(a())
    return ta, tb


def built_site(base: Path, n: int) -> Path:
    """base/n<N>/repo/site: the synthetic repository built once (all-staff, --today)."""
    repo, _ = measure.prepare(base / f"n{n}", n, 1)
    site = repo / "site"
    if not (site / "search" / "manifest.json").is_file():
        log(f"[N={n}] bulletin build …")
        env = {**measure.ENV, measure.CACHE_ENV: str(base / f"n{n}" / "cache")}
        subprocess.run([measure.tool("bulletin"), "build", "--out", "site", "--today", TODAY], cwd=repo,
                       check=True, env=env, stdout=subprocess.DEVNULL)
    return site


class Server:
    """A folder over HTTP on 127.0.0.1, in a thread."""

    def __init__(self, folder: Path):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def browser():
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    return pw, pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)


def offline(context, base: str) -> list:
    """Abort every request that leaves the served folder; returns the list of aborted URLs."""
    blocked: list = []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()
    context.route("**/*", route)
    return blocked


# ================================================================== search

ZH_WORDS = ["模具", "刃磨", "供应商", "首件检验", "控制计划", "作业指导书", "三坐标", "分层审核", "校准", "遏制",
            "换型", "不符合", "问题清单", "班组", "程序文件", "合格率", "防错装置", "混料", "密封性", "缩痕"]
EN_WORDS = ["PFMEA", "LPA", "containment", "Cpk"]
_ARTICLE = re.compile(r'<article class="md-content__inner[^"]*">(.*?)</article>', re.S)
_TITLE = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)


def _indexed_urls(site: Path) -> list[str]:
    urls = []
    for f in sorted((site / "search" / "m").glob("*.json")):
        urls += [row[0] for row in json.loads(f.read_text("utf-8"))]
    return urls


def _docs_from_html(site: Path, urls: list[str]):
    from generator import search
    docs = []
    for url in urls:
        page = (site / url / "index.html").read_text("utf-8")
        m = _ARTICLE.search(page)
        body = m.group(1) if m else page
        t = _TITLE.search(body)
        title = re.sub(r"<[^>]+>", "", t.group(1)) if t else url
        docs.append(search.doc(url, html_lib.unescape(title).strip(), body))
    return docs


def _dir_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def _pagefind(stage: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(stage), "--output-path", str(out),
                    "--root-selector", "article", "--silent"], check=True, env=measure.ENV)
    return time.perf_counter() - t


def _stage(site: Path, urls: list[str], stage: Path) -> None:
    """Hard links of exactly the pages our index holds, at their own paths, for Pagefind to index."""
    shutil.rmtree(stage, ignore_errors=True)
    for url in urls:
        dst = stage / url / "index.html"
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(site / url / "index.html", dst)


def _expected(site: Path, repo: Path, urls: list[str]) -> dict[str, set[str]]:
    """For each Chinese word, the indexed record pages whose source (title + body) holds it."""
    records = json.loads((site / "records.json").read_text("utf-8"))
    indexed = set(urls)
    source = {}
    for r in records:
        if r["url"] in indexed:
            text = _FRONT.sub("", (repo / r["path"]).read_text("utf-8"))
            source[r["url"]] = r["title"] + "\n" + text
    return {w: {u for u, t in source.items() if w in t} for w in ZH_WORDS}


OURS_QUERY_JS = """async q => {
  const root = document.querySelector('[data-bl-search]');
  const input = root.querySelector('input');
  input.value = q;
  const t = performance.now();
  await root.blSearch.run(false);
  const dt = performance.now() - t;
  const links = [...root.ownerDocument.querySelectorAll('.md-search-result__list a.md-search-result__link')];
  return {ms: dt, first: links.map(a => a.getAttribute('href'))};
}"""

PF_QUERY_JS = """async ([q, k]) => {
  const t = performance.now();
  const pf = await import('/_pagefind/pagefind.js');
  await pf.init();
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, k).map(x => x.data()));
  return {ms: performance.now() - t, total: r.results.length, first: data.map(d => d.url)};
}"""

PF_ALL_JS = """async q => {
  const pf = await import('/_pagefind/pagefind.js');
  const r = await pf.search(q);
  const data = [];
  for (let i = 0; i < r.results.length; i += 50)
    data.push(...await Promise.all(r.results.slice(i, i + 50).map(x => x.data())));
  return data.map(d => d.url);
}"""


def _query_in_fresh_context(browser_, base: str, q: str, engine: str) -> dict:
    """Open the board in a new context (empty cache), then run one query; bytes are what the query fetched."""
    ctx = browser_.new_context()
    blocked = offline(ctx, base)
    page = ctx.new_page()
    page.goto(base)
    page.wait_for_load_state("networkidle")
    got: list = []
    page.on("requestfinished", lambda r: got.append(r))
    if engine == "ours":
        out = page.evaluate(OURS_QUERY_JS, q)
    else:
        out = page.evaluate(PF_QUERY_JS, [q, 10])
    page.wait_for_load_state("networkidle")
    out["bytes"] = sum(r.sizes()["responseBodySize"] for r in got)
    out["files"] = len(got)
    out["blocked"] = len(blocked)
    ctx.close()
    return out


def bench_search(site: Path, repeat: int, bytes_site: Path | None) -> dict:
    from generator import search
    repo = site.parent
    urls = _indexed_urls(site)
    work = Path(tempfile.mkdtemp(prefix="libs-search-"))
    stage = work / "stage"
    _stage(site, urls, stage)
    pf_out = site / "_pagefind"
    docs = _docs_from_html(site, urls)

    def ours_index() -> float:
        out = work / "ours"
        shutil.rmtree(out, ignore_errors=True)
        t = time.perf_counter()
        search.write_index(_docs_from_html(site, urls), out, "zh")
        return time.perf_counter() - t

    ta, tb = paired(ours_index, lambda: _pagefind(stage, pf_out), repeat)
    ours_size, ours_files = _dir_bytes(work / "ours" / "search")
    pf_size, pf_files = _dir_bytes(pf_out)

    # one page edited: ours patches the index; Pagefind indexes every page again
    built = search._build(docs, "zh")[1]
    edited = list(docs)
    i = len(edited) // 2
    edited[i] = search.doc(edited[i].url, edited[i].title, "<p>" + edited[i].text + " 补充说明：模具刃磨记录。</p>")

    def ours_patch() -> float:
        t = time.perf_counter()
        res = search.patch(built, edited, "zh")
        assert res is not None, "the edit needed a full build"
        search.write_files(work / "ours" / "search", res[0])
        return time.perf_counter() - t

    pa, pb = paired(ours_patch, lambda: _pagefind(stage, pf_out), repeat)

    result = {"pages": len(urls), "index_s": {"ours": stats(ta), "pagefind": stats(tb)},
              "index_bytes": {"ours": [ours_size, ours_files], "pagefind": [pf_size, pf_files]},
              "edit_s": {"ours": stats(pa), "pagefind": stats(pb)}}

    # in the browser: time to first results, bytes, recall
    pw, br = browser()
    try:
        server = Server(site)
        base = server.url
        q_ms = {"ours": [], "pagefind": []}
        per_query = {}
        for q in ZH_WORDS[:5] + EN_WORDS:
            runs = {"ours": [], "pagefind": []}
            for r in range(max(3, repeat // 2)):
                order = ("ours", "pagefind") if r % 2 == 0 else ("pagefind", "ours")
                for eng in order:
                    runs[eng].append(_query_in_fresh_context(br, base, q, eng))
            per_query[q] = {eng: {"ms": statistics.median(x["ms"] for x in rs), "bytes": rs[0]["bytes"],
                                  "files": rs[0]["files"], "blocked": rs[0]["blocked"],
                                  "top": rs[0]["first"][:3], "shown": len(rs[0]["first"])}
                            for eng, rs in runs.items()}
            for eng in runs:
                q_ms[eng] += [x["ms"] / 1000 for x in runs[eng]]
        result["queries"] = per_query
        result["query_s"] = {eng: stats(v) for eng, v in q_ms.items()}

        # recall: every result, Chinese words, against the source text
        expected = _expected(site, repo, urls)
        idx = search.Index(site / "search")
        ctx = br.new_context()
        offline(ctx, base)
        page = ctx.new_page()
        page.goto(base)
        recall = {}
        for w in ZH_WORDS:
            want = expected[w]
            ours = {h.url for h in idx.search(w, limit=100_000)}
            pf = {u.lstrip("/") for u in page.evaluate(PF_ALL_JS, w)}
            recall[w] = {"expected": len(want), "ours": len(ours & want), "ours_total": len(ours),
                         "pagefind": len(pf & want), "pagefind_total": len(pf)}
        ctx.close()
        server.close()
        tot = sum(r["expected"] for r in recall.values())
        result["recall"] = {"words": recall, "expected": tot,
                            "ours": sum(r["ours"] for r in recall.values()) / tot,
                            "pagefind": sum(r["pagefind"] for r in recall.values()) / tot}

        if bytes_site is not None:
            b_urls = _indexed_urls(bytes_site)
            b_stage = work / "stage-big"
            _stage(bytes_site, b_urls, b_stage)
            t_pf = _pagefind(b_stage, bytes_site / "_pagefind")
            t_ours = time.perf_counter()
            search.write_index(_docs_from_html(bytes_site, b_urls), work / "ours-big", "zh")
            t_ours = time.perf_counter() - t_ours
            server = Server(bytes_site)
            big = {}
            for q in ZH_WORDS[:5] + EN_WORDS:
                big[q] = {}
                for eng in ("ours", "pagefind"):
                    r = _query_in_fresh_context(br, server.url, q, eng)
                    big[q][eng] = {"bytes": r["bytes"], "files": r["files"], "ms": r["ms"], "blocked": r["blocked"]}
            server.close()
            result["big"] = {"pages": len(b_urls), "queries": big,
                             "index_s": {"ours": t_ours, "pagefind": t_pf},
                             "index_bytes": {"ours": _dir_bytes(work / "ours-big" / "search"),
                                             "pagefind": _dir_bytes(bytes_site / "_pagefind")}}
    finally:
        br.close()
        pw.stop()
        shutil.rmtree(work, ignore_errors=True)
    result["loc_ours"] = loc(PROJECT / "generator/search.py", PROJECT / "generator/assets/bulletin-search.js")
    return result


# ================================================================== feeds

def _entries(site: Path):
    from generator.feeds import FeedEntry
    out = []
    for r in json.loads((site / "records.json").read_text("utf-8")):
        day = r.get("date") or r.get("issued_on") or r.get("opened_on") or r.get("submitted_on") or TODAY
        y, m, d = (int(x) for x in str(day)[:10].split("-"))
        import datetime as dt
        out.append(FeedEntry(r["id"], r["title"], r["url"], dt.date(y, m, d),
                             summary=str(r.get("containment") or r.get("title")), author=str(r.get("owner") or ""),
                             categories=tuple(r.get("tags") or ())))
    return out


def feedgen_feeds(entries, *, title: str, site_url: str, feed_url: str, updated, lang: str = "zh"):
    """The same two feeds through feedgen: the code that would replace feeds.atom_feed / rss_feed. feeds.py's
    guards stay (feedgen raises on control characters, and neither quotes URLs nor makes urn: ids)."""
    from feedgen.feed import FeedGenerator

    from generator.feeds import _URI, _abs, _atom_id, _clean, _utc   # the guards that stay (FEED_GUARDS)

    def make(atom: bool):
        fg = FeedGenerator()
        fg.load_extension("dc", atom=False, rss=True)
        site, feed = _abs(site_url, ""), _abs(feed_url, site_url)
        fg.id(feed if _URI.match(feed) else _atom_id(feed or title))
        fg.title(_clean(title))
        fg.description(_clean(title))
        fg.author({"name": _clean(title)})
        fg.link(href=site, rel="alternate", type="text/html")
        fg.link(href=feed, rel="self")
        fg.language(_clean(lang))
        fg.updated(_utc(updated))
        fg.lastBuildDate(_utc(updated))
        fg.generator("Bulletin")
        for e in entries:
            fe = fg.add_entry(order="append")
            if atom:                      # one field in feedgen: Atom's id is RSS's guid
                fe.id(_atom_id(e.id))
            else:
                fe.guid(_clean(e.id), permalink=False)
            fe.title(_clean(e.title))
            fe.link(href=_abs(e.url, site_url), rel="alternate", type="text/html")
            fe.updated(_utc(e.updated))
            fe.pubDate(_utc(e.updated))
            if e.author:
                fe.author({"name": _clean(e.author)})
                fe.dc.dc_creator(_clean(e.author))
            for c in e.categories:
                fe.category(term=_clean(c))
            if e.summary and atom:        # feedgen writes RSS's description as Atom's content
                fe.summary(_clean(e.summary), type="text")
            elif e.summary:
                fe.description(html_lib.escape(_clean(e.summary), quote=False))
        return fg

    return make(True).atom_str(pretty=True).decode("utf-8"), make(False).rss_str(pretty=True).decode("utf-8")


def _bare_feedgen(entries) -> str:
    """feedgen given a record's title as it is."""
    from feedgen.feed import FeedGenerator
    fg = FeedGenerator()
    fg.id("urn:x")
    fg.title("t")
    fg.link(href="https://b.example/")
    for e in entries:
        fe = fg.add_entry()
        fe.id(e.id)
        fe.title(e.title)
    return fg.atom_str().decode("utf-8")


FEED_GUARDS = ("_clean", "_utc", "_base", "_uri", "_abs", "_atom_id")   # feeds.py code a feedgen swap keeps


def _feed_loc() -> dict:
    """Lines of our own: feeds.py's XML helpers, Atom and RSS now; with feedgen, the adapter plus the guards."""
    import ast
    import inspect
    text = (PROJECT / "generator/feeds.py").read_text("utf-8")
    src = text.splitlines()
    start = next(i for i, line in enumerate(src) if line.startswith("# -") and "XML helpers" in line)
    end = next(i for i, line in enumerate(src) if line.startswith("# -") and "iCalendar" in line)
    guards = [ast.get_source_segment(text, node) for node in ast.parse(text).body
              if isinstance(node, ast.FunctionDef) and node.name in FEED_GUARDS]
    consts = [line for line in src if line.startswith(("_XML_BAD =", "_URI =", "_URI_SAFE ="))]
    ours = loc_text("\n".join(src[start:end] + consts))
    adapter = loc_text(inspect.getsource(feedgen_feeds))
    kept = loc_text("\n".join(guards + consts))
    return {"ours_atom_rss": ours, "feedgen_adapter": adapter, "feedgen_guards_kept": kept,
            "feedgen_total": adapter + kept}


def bench_feeds(site: Path, repeat: int) -> dict:
    import datetime as dt

    import feedparser

    from generator import feeds
    entries = _entries(site)
    kw = dict(title="公告栏", site_url="https://bulletin.example/", feed_url="https://bulletin.example/feed.xml",
              updated=synth.TODAY)

    def ours():
        return feeds.atom_feed(entries, **kw), feeds.rss_feed(entries, **kw)

    def timed(f):
        def run():
            t = time.perf_counter()
            f()
            return time.perf_counter() - t
        return run

    ta, tb = paired(timed(ours), timed(lambda: feedgen_feeds(entries, **kw)), repeat * 4)
    a_atom, a_rss = ours()
    b_atom, b_rss = feedgen_feeds(entries, **kw)
    parsed = {}
    for name, text in (("ours_atom", a_atom), ("ours_rss", a_rss), ("feedgen_atom", b_atom), ("feedgen_rss", b_rss)):
        f = feedparser.parse(text.encode("utf-8"))
        parsed[name] = {"bozo": int(f.bozo), "entries": len(f.entries), "bytes": len(text.encode("utf-8")),
                        "titles_ok": [x.title for x in f.entries] == [e.title for e in entries]}
    # a title with a control character (pasted from Excel) and a relative URL with a space
    bad = [feeds.FeedEntry("X-1", "标题\x0b含控制字符", "capa/2026/a b/", dt.date(2026, 1, 1))]
    robust = {}
    for name, f in (("ours", lambda: feeds.atom_feed(bad, **kw)), ("feedgen_guarded", lambda: feedgen_feeds(bad, **kw)[0]),
                    ("feedgen_bare", lambda: _bare_feedgen(bad))):
        try:
            out = f()
            robust[name] = "ok, bozo=%d" % feedparser.parse(out.encode("utf-8")).bozo
        except Exception as exc:   # noqa: BLE001 - the failure is the figure
            robust[name] = f"{type(exc).__name__}: {str(exc)[:80]}"
    res = {"entries": len(entries), "time_s": {"ours": stats(ta), "feedgen": stats(tb)}, "parsed": parsed,
           "control_char": robust, "loc": _feed_loc()}
    return res


# ================================================================== charts

def _kpi_series(site: Path):
    from generator import state
    from generator.validate import load_repository
    result = load_repository(site.parent)
    return state.kpis(result.records, synth.TODAY)


def _chart_specs(k):
    return [("bar", "CAPA 新建与关闭", k.months, [("新建", k.capa_opened), ("已关闭", k.capa_closed)], False),
            ("line", "按期关闭率", k.months, [("按期关闭率", k.on_time_rate)], True),
            ("line", "平均关闭天数", k.months, [("平均关闭天数", k.mean_days_to_close)], False),
            ("bar", "月末逾期 CAPA", k.months, [("逾期", k.overdue_at_month_end)], False),
            ("bar", "公告与会议", k.months, [("公告", k.notices), ("会议", k.meetings)], False)]


def ours_charts(specs) -> list[str]:
    from generator import charts
    return [(charts.bar_chart if kind == "bar" else charts.line_chart)(title, labels, series, percent=pct)
            for kind, title, labels, series, pct in specs]


def pygal_charts(specs) -> list[str]:
    """The same charts through pygal, air-gapped (js=[]): what would replace charts.py's callers."""
    import pygal
    out = []
    for kind, title, labels, series, pct in specs:
        cls = pygal.Bar if kind == "bar" else pygal.Line
        extra = {"value_formatter": lambda v: f"{v:.1f} %"} if pct else {}
        c = cls(title=title, x_labels=labels, js=[], width=720, height=320, disable_xml_declaration=True,
                x_label_rotation=45, **extra)
        for name, values in series:
            c.add(name, values)
        out.append(c.render(is_unicode=True))
    return out


_EXTERNAL = re.compile(r"""(?:href|src)\s*=\s*["'](?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)


def bench_charts(site: Path, repeat: int) -> dict:
    specs = _chart_specs(_kpi_series(site))

    def timed(f):
        def run():
            t = time.perf_counter()
            f(specs)
            return time.perf_counter() - t
        return run

    ta, tb = paired(timed(ours_charts), timed(pygal_charts), repeat * 4)
    a, b = ours_charts(specs), pygal_charts(specs)
    shot = Path(tempfile.mkdtemp(prefix="libs-charts-"))
    (shot / "index.html").write_text("<!doctype html><meta charset=utf-8><body style='margin:0'>"
                                     "<div style='display:flex'><div>ours<br>" + a[0] + a[1] + "</div><div>pygal<br>"
                                     + "".join(f"<div style='width:720px'>{x}</div>" for x in b[:2])
                                     + "</div></div>", "utf-8")
    pw, br = browser()
    try:
        server = Server(shot)
        ctx = br.new_context(viewport={"width": 1480, "height": 700})
        blocked = offline(ctx, server.url)
        page = ctx.new_page()
        page.goto(server.url)
        page.wait_for_load_state("networkidle")
        png = Path(os.environ.get("LIBS_SHOTS", tempfile.gettempdir())) / "libs-charts.png"
        page.screenshot(path=str(png))
        ctx.close()
        server.close()
    finally:
        br.close()
        pw.stop()
        shutil.rmtree(shot, ignore_errors=True)
    return {"time_s": {"ours": stats(ta), "pygal": stats(tb)},
            "bytes": {"ours": sum(len(x.encode()) for x in a), "pygal": sum(len(x.encode()) for x in b)},
            "scripts": {"ours": sum(x.count("<script") for x in a), "pygal": sum(x.count("<script") for x in b)},
            "external_refs": {"ours": sum(len(_EXTERNAL.findall(x)) for x in a),
                              "pygal": sum(len(_EXTERNAL.findall(x)) for x in b)},
            "requests_blocked_in_browser": len(blocked), "screenshot": str(png),
            "loc": {"ours": loc(PROJECT / "generator/charts.py")}}


# ================================================================== watching

POLL_CHILD = r"""
import hashlib, os, sys, time
root, interval = sys.argv[1], 0.5
WATCHED = ("records", "site_config", "docs", "mkdocs.yml")
RACY_NS = 3_000_000_000

def snapshot(seen):
    out, fresh = {}, time.time_ns() - RACY_NS
    def add(path, st):
        stat = (st.st_size, st.st_mtime_ns, st.st_ino)
        before = seen.get(path)
        racy = before is not None and before[3] is not None and before[:3] == stat
        digest = None
        if st.st_mtime_ns >= fresh or racy:
            with open(path, "rb") as fh:
                digest = hashlib.blake2b(fh.read(), digest_size=16).digest()
        if racy and st.st_mtime_ns < fresh and digest == before[3]:
            digest = None
        out[path] = (*stat, digest)
    def walk(folder):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir(follow_symlinks=False):
                walk(e.path)
            else:
                add(e.path, e.stat(follow_symlinks=False))
    for name in WATCHED:
        p = os.path.join(root, name)
        if os.path.isdir(p):
            walk(p)
        elif os.path.exists(p):
            add(p, os.stat(p))
    return out

def changed(seen, now):
    return seen.keys() != now.keys() or any(
        a[:3] != b[:3] or None not in (a[3], b[3]) and a[3] != b[3] for a, b in ((seen[p], now[p]) for p in now))

seen = snapshot({})
print("ready", flush=True)
while True:
    time.sleep(interval)
    before, seen = seen, snapshot(seen)
    if changed(before, seen):
        print(time.time(), flush=True)
"""

WATCHFILES_CHILD = r"""
import os, sys, time
from watchfiles import watch
root = sys.argv[1]
paths = [os.path.join(root, n) for n in ("records", "site_config", "docs", "mkdocs.yml") if os.path.exists(os.path.join(root, n))]
print("ready", flush=True)
for changes in watch(*paths):
    print(time.time(), flush=True)
"""


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        f = fh.read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def _watch_round(code: str, repo: Path, target: Path, idle: float, saves: int) -> tuple[float, list[float]]:
    proc = subprocess.Popen([sys.executable, "-c", code, str(repo)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)                       # the watcher settles (watchfiles starts its thread)
        c0 = _cpu(proc.pid)
        time.sleep(idle)
        cpu = (_cpu(proc.pid) - c0) / idle
        lat = []
        for i in range(saves):
            with open(target, "a", encoding="utf-8") as fh:
                t = time.time()
                fh.write(f"\n补充 {i}\n")
            lat.append(float(proc.stdout.readline()) - t)
            time.sleep(1.0 + random.uniform(0, 0.5))   # saves fall anywhere in the polling period
        return cpu, lat
    finally:
        proc.kill()
        proc.wait()


def bench_watch(site: Path, repeat: int, idle: float = 10.0, saves: int = 3) -> dict:
    repo = site.parent
    target = next(iter(sorted((repo / "records" / "capa").rglob("*.md"))))
    original = target.read_bytes()
    cpu = {"polling": [], "watchfiles": []}
    lat = {"polling": [], "watchfiles": []}
    nfiles = sum(1 for _ in (repo / "records").rglob("*")) + sum(1 for _ in (repo / "site_config").rglob("*"))
    try:
        for r in range(max(2, repeat // 2)):
            order = (("polling", POLL_CHILD), ("watchfiles", WATCHFILES_CHILD))
            for name, code in (order if r % 2 == 0 else order[::-1]):
                c, l_ = _watch_round(code, repo, target, idle, saves)
                cpu[name].append(c)
                lat[name] += l_
    finally:
        target.write_bytes(original)
    return {"files_watched": nfiles, "idle_cpu_share": {k: stats(v) for k, v in cpu.items()},
            "save_to_detect_s": {k: stats(v) for k, v in lat.items()},
            "loc": {"ours_poll": _serve_poll_loc(), "watchfiles_child": loc_text(WATCHFILES_CHILD)}}


def loc_text(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))


POLLING_SERVE = "38cda21"    # the last commit whose serve.py polled (snapshot, changed); since then: watchfiles


def _serve_poll_loc() -> int:
    """serve.py's snapshot() and changed() as they were before the swap: the code watchfiles replaced."""
    src = subprocess.run(["git", "show", f"{POLLING_SERVE}:generator/serve.py"], cwd=PROJECT, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    start = next(i for i, line in enumerate(src) if line.startswith("def snapshot"))
    end = next(i for i, line in enumerate(src) if line.startswith("class "))
    return loc_text("\n".join(src[start:end]))


# ================================================================== tables

TABLE_COLUMNS = [("id", "编号", "link", False), ("title", "标题", "link", False), ("type", "类型", "text", True),
                 ("department", "部门", "text", True), ("date", "日期", "date", False), ("status", "状态", "badge", True)]
FILTER_WORD = "焊接"
LIBS = {"simple-datatables": ["simple-datatables-10.3.0/simple-datatables.js", "simple-datatables-10.3.0/style.css"],
        "tablesort": ["tablesort-5.6.0/tablesort.min.js", "tablesort-5.6.0/tablesort.date.min.js"],
        "list.js": ["list.js-2.3.1/list.min.js"]}


def _table_rows(site: Path, n: int = 1000) -> list[dict]:
    recs = json.loads((site / "records.json").read_text("utf-8"))
    rows = []
    for i in range(n):
        r = recs[i % len(recs)]
        day = str(r.get("date") or r.get("issued_on") or r.get("opened_on") or r.get("submitted_on") or "")[:10]
        rows.append({"id": {"text": r["id"], "href": "#" + r["id"]}, "title": {"text": r["title"], "href": "#"},
                     "type": r["type"], "department": r.get("department", ""), "date": day,
                     "status": {"text": str(r.get("status") or r.get("state") or "—"),
                                "value": str(r.get("status") or r.get("state") or "")},
                     "_search": (r.get("containment") or "")})
    return rows


def _html_table(rows, tbody_class: str = "") -> str:
    esc = html_lib.escape
    head = "".join(f'<th class="{k}" data-sort="{k}">{esc(label)}</th>' for k, label, _, _ in TABLE_COLUMNS)
    body = []
    for r in rows:
        cells = []
        for k, _, kind, _ in TABLE_COLUMNS:
            c = r[k]
            if kind == "link":
                cells.append(f'<td class="{k}"><a href="{esc(c["href"])}">{esc(c["text"])}</a></td>')
            elif kind == "badge":
                cells.append(f'<td class="{k}"><span class="badge">{esc(c["text"])}</span></td>')
            else:
                cells.append(f'<td class="{k}">{esc(c)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table id="t"><thead><tr>{head}</tr></thead><tbody class="{tbody_class}">' + "".join(body)
            + "</tbody></table>")


def _table_pages(folder: Path, site: Path, n_rows: int) -> dict[str, str]:
    rows = _table_rows(site, n_rows)
    (folder / "vendor").mkdir(parents=True)
    for files in LIBS.values():
        for f in files:
            dst = folder / "vendor" / f
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(VENDOR / f, dst)
    shutil.copy(PROJECT / "generator/assets/bulletin-table.js", folder / "bulletin-table.js")
    data = {"columns": [{"key": k, "label": label, "type": kind, "filter": f} for k, label, kind, f in TABLE_COLUMNS],
            "rows": rows, "page_size": 50, "sort": {"key": "id", "dir": "desc"}}
    (folder / "rows.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    head = "<!doctype html><html lang=zh><meta charset=utf-8><meta name=viewport content='width=device-width'>"
    t0 = "<script>window.T0 = performance.now()</script>"
    pages = {
        "ours": head + t0 + "<div class='bl-table' data-src='rows.json'></div><script src='bulletin-table.js'></script>",
        "simple-datatables": head + "<link rel=stylesheet href='vendor/simple-datatables-10.3.0/style.css'>" + t0
        + _html_table(rows) + "<script src='vendor/simple-datatables-10.3.0/simple-datatables.js'></script>"
        "<script>window.DT = new simpleDatatables.DataTable('#t', {perPage: 50}); window.READY = performance.now()"
        "</script>",
        "tablesort": head + t0 + _html_table(rows) + "<script src='vendor/tablesort-5.6.0/tablesort.min.js'></script>"
        "<script src='vendor/tablesort-5.6.0/tablesort.date.min.js'></script>"
        "<script>window.TS = new Tablesort(document.getElementById('t')); window.READY = performance.now()</script>",
        "list.js": head + t0 + "<div id=w><input class=search>" + _html_table(rows, "list") + "<ul class=pagination>"
        "</ul></div><script src='vendor/list.js-2.3.1/list.min.js'></script><script>window.L = new List('w', "
        "{valueNames: ['id','title','type','department','date','status'], page: 50, pagination: true});"
        "window.READY = performance.now()</script>",
    }
    for name, text in pages.items():
        (folder / f"{name}.html").write_text(text, "utf-8")
    return pages


TABLE_JS = {
    "ours": """async w => {
      const box = document.querySelector('.bl-table');
      const tb = () => box.querySelector('tbody');
      const th = [...box.querySelectorAll('th')].find(t => t.textContent.includes('标题'));
      let t = performance.now();
      th.querySelector('button').click(); document.body.offsetHeight;
      const sort = performance.now() - t;
      const input = box.querySelector('input[type=search], input');
      const seen = new Promise(res => new MutationObserver((m, o) => { o.disconnect(); res(performance.now()); })
        .observe(tb(), {childList: true, subtree: true}));
      t = performance.now();
      input.value = w; input.dispatchEvent(new Event('input', {bubbles: true}));
      const t1 = await seen; document.body.offsetHeight;
      const filter = performance.now() - t - 120;   /* less the deliberate typing pause (SEARCH_DELAY) */
      return {sort, filter, shown: tb().rows.length};
    }""",
    "simple-datatables": """async w => {
      let t = performance.now();
      DT.columns.sort(1, 'asc'); document.body.offsetHeight;
      const sort = performance.now() - t;
      t = performance.now();
      DT.search(w); document.body.offsetHeight;
      return {sort, filter: performance.now() - t, shown: document.querySelectorAll('#t tbody tr').length};
    }""",
    "tablesort": """async w => {
      let t = performance.now();
      TS.sortTable(document.querySelector('#t th.title')); document.body.offsetHeight;
      return {sort: performance.now() - t, filter: null, shown: document.querySelectorAll('#t tbody tr').length};
    }""",
    "list.js": """async w => {
      let t = performance.now();
      L.sort('title', {order: 'asc'}); document.body.offsetHeight;
      const sort = performance.now() - t;
      t = performance.now();
      L.search(w); document.body.offsetHeight;
      return {sort, filter: performance.now() - t, shown: document.querySelectorAll('#t tbody tr').length};
    }""",
}


def bench_tables(site: Path, repeat: int) -> dict:
    import gzip
    n_rows = int(os.environ.get("LIBS_TABLE_ROWS", "1000"))
    folder = Path(tempfile.mkdtemp(prefix="libs-tables-"))
    _table_pages(folder, site, n_rows)
    names = list(TABLE_JS)
    runs: dict = {n: {"ready": [], "sort": [], "filter": [], "shown": None} for n in names}
    pw, br = browser()
    try:
        server = Server(folder)
        for r in range(repeat):
            for name in (names if r % 2 == 0 else names[::-1]):
                for vp in ((1280, 900),) if r else ((1280, 900), (375, 740)):
                    ctx = br.new_context(viewport={"width": vp[0], "height": vp[1]})
                    offline(ctx, server.url)
                    page = ctx.new_page()
                    page.goto(server.url + name + ".html")
                    if name == "ours":
                        page.wait_for_selector(".bl-table table tbody tr")
                        ready = page.evaluate("performance.now() - T0")
                    else:
                        ready = page.evaluate("READY - T0")
                    if vp[0] == 375:
                        runs[name]["phone_scroll_x"] = page.evaluate(
                            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                        page.screenshot(path=str(Path(os.environ.get("LIBS_SHOTS", tempfile.gettempdir()))
                                                 / f"libs-table-{name}-375.png"))
                        ctx.close()
                        continue
                    out = page.evaluate(TABLE_JS[name], FILTER_WORD)
                    runs[name]["ready"].append(ready / 1000)
                    runs[name]["sort"].append(out["sort"] / 1000)
                    if out["filter"] is not None:
                        runs[name]["filter"].append(out["filter"] / 1000)
                    runs[name]["shown"] = out["shown"]
                    runs[name]["aria_sort"] = page.evaluate("document.querySelectorAll('th[aria-sort]').length")
                    ctx.close()
        server.close()
    finally:
        br.close()
        pw.stop()
    res: dict = {"rows": n_rows}
    for name in names:
        files = [folder / "bulletin-table.js"] if name == "ours" else [folder / "vendor" / f for f in LIBS[name]]
        raw = sum(f.stat().st_size for f in files)
        gz = sum(len(gzip.compress(f.read_bytes())) for f in files)
        res[name] = {k: stats(v) for k, v in runs[name].items() if isinstance(v, list) and v}
        res[name].update({"bytes": raw, "gzip": gz, "rows_after_filter_page": runs[name]["shown"],
                          "aria_sort": runs[name].get("aria_sort"), "phone_scroll_x": runs[name].get("phone_scroll_x")})
    res["page_html_bytes"] = {n: (folder / f"{n}.html").stat().st_size + (
        (folder / "rows.json").stat().st_size if n == "ours" else 0) for n in names}
    res["loc_ours"] = loc(PROJECT / "generator/assets/bulletin-table.js")
    shutil.rmtree(folder, ignore_errors=True)
    return res


# ================================================================== main

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.libraries", description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--bytes-n", type=int, default=0, help="also index and query a site of this many records")
    p.add_argument("--only", default=",".join(SECTIONS))
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--keep", type=Path, default=None, help="keep the built repositories here (and reuse them)")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    for s in only:
        if s not in SECTIONS:
            p.error(f"--only: {s!r} is none of {', '.join(SECTIONS)}")
    base = args.keep or Path(tempfile.mkdtemp(prefix="bulletin-libs-"))
    site = built_site(base, args.n)
    results: dict = {"n": args.n, "repeat": args.repeat, "machine": {"cores": os.cpu_count(),
                     "load": os.getloadavg()}}
    for s in only:
        log(f"[{s}] …")
        if s == "search":
            big = built_site(base, args.bytes_n) if args.bytes_n else None
            results[s] = bench_search(site, args.repeat, big)
        else:
            results[s] = globals()[f"bench_{s}"](site, args.repeat)
        print(json.dumps({s: results[s]}, ensure_ascii=False, indent=1, default=str), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), "utf-8")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
