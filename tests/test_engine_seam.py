"""One seam to the site engine (docs/architecture.md): the site is plain data made without MkDocs; everything
that touches MkDocs or Material is in generator/engine/, and the MkDocs internals it relies on behave there
as it assumes, on the installed MkDocs."""

from __future__ import annotations

import ast
import datetime as dt
import filecmp
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import DEMO_TODAY, PROJECT, copy_demo

GENERATOR = PROJECT / "generator"
ENGINE = GENERATOR / "engine"
ENGINE_PACKAGES = ("mkdocs", "material", "properdocs")
PRIVATE = ("_build_page", "_populate_page", "_title_from_render", "present_anchor_ids", "is_modified")
# no cycle at all: pages builds a render.Renderer, and both take URLs from urls.py
KNOWN_CYCLES: list[set] = []


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = path.relative_to(PROJECT).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(name: str, path: Path) -> set[str]:
    """Every module this one imports, at its top or inside a function, absolute names."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""]).strip(".") \
                if node.level else node.module
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_only_the_engine_package_imports_mkdocs_or_material():
    outside = {name: sorted(m for m in imports(name, path) if m.split(".")[0] in ENGINE_PACKAGES)
               for name, path in modules().items() if not path.is_relative_to(ENGINE)}
    assert {name: found for name, found in outside.items() if found} == {}
    inside = set().union(*(imports(name, path) for name, path in modules().items() if path.is_relative_to(ENGINE)))
    assert {"mkdocs.commands.build", "mkdocs.plugins", "material"} <= inside, "the adapter is where they are"


def test_private_mkdocs_names_appear_only_in_the_engine_private_module():
    users = {}
    for name, path in modules().items():
        names = {n.attr for n in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(n, ast.Attribute)} | \
                {n.id for n in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(n, ast.Name)} | \
                {a.name for n in ast.walk(ast.parse(path.read_text("utf-8"))) if isinstance(n, ast.ImportFrom)
                 for a in n.names}
        if names & set(PRIVATE):
            users[name] = sorted(names & set(PRIVATE))
    assert users == {"generator.engine.private": sorted(PRIVATE)}


def test_generator_modules_import_one_way():
    """The import graph of generator/ (function-level imports included) has no cycle but the known one."""
    mods = modules()
    graph = {name: {m for m in imports(name, path) if m in mods and m != name} for name, path in mods.items()}
    index, low, stack, cycles = {}, {}, [], []

    def visit(v):   # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while not component or v not in component:
                component.add(stack.pop())
            if len(component) > 1:
                cycles.append(component)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    assert sorted(map(sorted, cycles)) == sorted(map(sorted, KNOWN_CYCLES))
    assert "generator.cli" not in set().union(*(graph[n] for n in graph if n.startswith("generator.engine"))), \
        "the engine is below the command line"


def test_status_does_not_import_page_generation_or_the_engine():
    probe = "import sys, generator.status; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert "generator.status" in loaded
    heavy = {"generator.pages", "generator.render", "generator.charts", "generator.feeds", "generator.search",
             "generator.engine", "generator.build", "jinja2", *ENGINE_PACKAGES}
    assert loaded & heavy == set()


# --- the MkDocs internals, on a small real build -------------------------------------------------------------

HOOK = '''
import json
from generator.engine import private

seen = {"markdown": [], "content": []}


def on_files(files, config):
    for f in files:
        if f.src_uri in ("kept.md", "kept.txt", "worker.md"):
            private.skip(f)
    return files


def on_nav(nav, config, files):
    page = files.get_file_from_path("made.md").page
    private.adopt_html(page, "Made here", "<p>already HTML</p>", lambda text: "made-here")
    global NAV
    NAV = nav
    return nav


def on_page_markdown(markdown, page, config, files):
    seen["markdown"].append(page.file.src_uri)
    return markdown + "\\n\\nadded by on_page_markdown\\n"


def on_page_content(html, page, config, files):
    seen["content"].append(page.file.src_uri)
    return html


def on_env(env, config, files):
    doc_files = files.documentation_pages()
    page = files.get_file_from_path("worker.md").page
    private.render_page(page, config, files, doc_files, NAV, env)
    return env


def on_post_build(config):
    with open(config["site_dir"] + "/../seen.json", "w") as f:
        json.dump(seen, f)
'''


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, dict]:
    """A four-page MkDocs site (theme mkdocs) built with dirty=True through a hook that uses engine.private."""
    from generator.engine import driver  # noqa: F401  (its filter on the "dirty" warning, as `bulletin build`)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    base = tmp_path_factory.mktemp("tiny")
    docs = base / "docs"
    docs.mkdir()
    for name in ("index", "kept", "made", "worker"):
        (docs / f"{name}.md").write_text(f"# {name.title()} page\n\nThe {name} text.\n", "utf-8")
    (docs / "kept.txt").write_text("a file\n", "utf-8")
    (base / "hook.py").write_text(HOOK, "utf-8")
    (base / "mkdocs.yml").write_text(textwrap.dedent("""\
        site_name: Tiny
        theme: mkdocs
        plugins: []
        hooks:
          - hook.py
        """), "utf-8")
    site = base / "site"
    cfg = load_config(str(base / "mkdocs.yml"), site_dir=str(site), strict=True)
    build(cfg, dirty=True)   # strict: our driver's filter keeps MkDocs' "dirty" warning from counting
    import json
    return site, json.loads((base / "seen.json").read_text("utf-8"))


def test_private_functions_have_the_signatures_the_adapter_calls():
    from mkdocs.commands import build

    assert list(inspect.signature(build._populate_page).parameters) == ["page", "config", "files", "dirty"]
    assert list(inspect.signature(build._build_page).parameters)[:6] == \
        ["page", "config", "doc_files", "nav", "env", "dirty"]
    assert list(inspect.signature(build.build).parameters) == ["config", "serve_url", "dirty"]


def test_markdown_renderer_does_what_mkdocs_page_render_does():
    """private.markdown_renderer repeats Page.render's steps on a reused Markdown instance: the same
    per-page processors, built with the same arguments (the bytes: tests/test_engine_partials.py)."""
    import re

    from mkdocs.structure import pages

    from generator.engine import private

    ours, theirs = inspect.getsource(private.markdown_renderer), inspect.getsource(pages.Page.render)
    made = re.compile(r"(\w+) = (_\w+)\(([^)]*)\)\n\s*\1\._register\(md\)")
    assert made.findall(ours) == [(v, cls, args.replace("self.", "page.")) for v, cls, args in made.findall(theirs)]
    for line in ("self.content = md.convert(self.markdown)", "self.toc = get_toc(getattr(md, 'toc_tokens', []))",
                 "self._title_from_render = extract_title_ext.title", "self.links_to_anchors = "):
        assert line in theirs


def test_a_skipped_file_is_neither_read_nor_written_in_a_dirty_build(tiny):
    site, seen = tiny
    assert not (site / "kept").exists() and not (site / "kept.txt").exists()
    assert "kept.md" not in seen["markdown"] and "kept.md" not in seen["content"]
    assert (site / "index.html").is_file()
    assert "added by on_page_markdown" in (site / "index.html").read_text("utf-8")


def test_render_page_runs_the_page_events_and_writes_the_page_once(tiny):
    site, seen = tiny
    html = (site / "worker" / "index.html").read_text("utf-8")
    assert "The worker text." in html and "added by on_page_markdown" in html
    assert seen["markdown"].count("worker.md") == 1 and seen["content"].count("worker.md") == 1, \
        "rendered by render_page, then skipped by MkDocs' own loop"


def test_adopted_html_skips_markdown_and_keeps_title_and_toc(tiny):
    from bs4 import BeautifulSoup

    site, seen = tiny
    soup = BeautifulSoup((site / "made" / "index.html").read_text("utf-8"), "html.parser")
    assert "added by on_page_markdown" not in soup.get_text(), "no Markdown is converted for an adopted page"
    assert soup.title.get_text().startswith("Made here")
    heading = soup.select_one("h1#made-here")
    assert heading is not None and heading.get_text().startswith("Made here")
    assert "already HTML" in soup.get_text() and "The made text." not in soup.get_text()
    assert soup.select_one('a[href="#made-here"]') is not None, "its heading is in the page's TOC"


# --- no module state carries one build into another ---------------------------------------------------------


def _module_state() -> dict:
    """Every global of the loaded generator modules: what it is bound to and, for a container, its content."""
    out = {}
    for name, module in list(sys.modules.items()):
        if name != "generator" and not name.startswith("generator."):
            continue
        for attr, value in list(vars(module).items()):
            if inspect.ismodule(value) or attr.startswith("__"):
                continue
            items = value.items() if isinstance(value, dict) else value
            content = repr(sorted(map(repr, items))) if isinstance(value, (dict, list, set)) else None
            out[f"{name}.{attr}"] = (id(value), content)
    return out


def _same(a: Path, b: Path) -> list[str]:
    cmp = filecmp.dircmp(a, b)
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    out = cmp.left_only + cmp.right_only + mismatch + errors
    for sub in cmp.common_dirs:
        out += [f"{sub}/{d}" for d in _same(a / sub, b / sub)]
    return out


def test_a_build_writes_no_module_state_and_builds_in_one_process_are_independent(tmp_path):
    from generator.build import build
    from generator.validate import load_repository

    repo = copy_demo(tmp_path / "repo")
    today = dt.date.fromisoformat(DEMO_TODAY)
    build(repo, load_repository(repo), tmp_path / "first", audience="all-staff", today=today)
    before = _module_state()
    during = []
    result = load_repository(repo)
    build(repo, result, tmp_path / "management", audience="management", today=today,
          progress=lambda text: during.append(_module_state()))
    assert during, "the build reported its progress"
    for state in (*during, _module_state()):
        changed = sorted(k for k in before.keys() & state.keys() if before[k] != state[k])
        assert changed == [], f"module state written during a build: {changed}"
    build(repo, load_repository(repo), tmp_path / "again", audience="all-staff", today=today)
    assert _same(tmp_path / "first", tmp_path / "again") == []
    hidden = "capa/2026/CAPA-2026-003-hd-claim/index.html"
    assert (tmp_path / "management" / hidden).is_file() and not (tmp_path / "again" / hidden).exists()


@pytest.mark.parametrize("site_url", ["", "https://bulletin.example.internal/qa", "http://host/"])
@pytest.mark.parametrize("directory_urls", [True, False])
def test_a_kept_record_page_is_named_as_mkdocs_would_name_it(tmp_path, site_url, directory_urls):
    """private.dest_uri and sitemap_entry say what MkDocs' File and Page would say of a page they do not
    make (a record page kept from the previous build): its output file, URL, canonical URL, date."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from generator.engine import private

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(f"site_name: T\nsite_url: '{site_url}'\n"
                                         f"use_directory_urls: {str(directory_urls).lower()}\n", "utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    for src in ("index.md", "a/index.md", "a/README.md", "meetings/2024/MTG-2024-001-kick off.md",
                "通知/2025/NTC-2025-002-停线.md", "x.y.md"):
        file = File(src, str(tmp_path / "docs"), str(tmp_path / "site"), directory_urls)
        page = Page(None, file, config)
        entry = private.sitemap_entry(src, config)
        assert private.dest_uri(src, directory_urls) == file.dest_uri
        assert entry.url == file.url
        assert (entry.page.canonical_url, entry.page.abs_url, entry.page.is_link, entry.page.update_date) == \
            (page.canonical_url, page.abs_url, page.is_link, page.update_date)


def test_the_hook_file_forwards_every_event_of_the_plugin():
    """`bulletin build` loads the plugin through hooks.py (its default mkdocs.yml): an event the plugin has
    but the hook file leaves out never runs (on_post_page, which drops each page's HTML once written, did
    not: every generated page's HTML was held to the end of the build)."""
    from generator import hooks
    from generator.engine.plugin import BulletinPlugin

    events = {name for name in vars(BulletinPlugin) if name.startswith("on_")}
    assert events <= {name for name in vars(hooks) if name.startswith("on_")}


def test_a_generated_page_holds_its_html_once(tmp_path):
    """A generated page's HTML lives in its Markdown (site.files) only, until the page is written: html_pages
    cuts it out when read, and gives the same (title, HTML) as before (it held a second copy of each)."""
    import gc

    from generator import pages
    from generator.validate import load_repository

    repo = copy_demo(tmp_path / "repo")
    result = load_repository(repo)
    site = pages.build_site(result.records, result.config, audience="all-staff", today=dt.date.fromisoformat(DEMO_TODAY))
    pages.generate(site)
    assert len(site.html_pages) > 50
    for src, made in site.html_pages.items():
        title, html = made
        assert html and site.files[src].endswith(f"\n{html}\n") and made[1] == html and made[0] == title
    in_files = {id(text) for text in site.files.values()}
    held = {id(x): sys.getsizeof(x) for made in site.html_pages.values() for x in gc.get_referents(made)
            if isinstance(x, str) and id(x) not in in_files}
    assert sum(held.values()) < 200 * len(site.html_pages)     # the titles


def test_the_theme_listing_adds_the_files_mkdocs_adds_without_walking_dot_folders(tmp_path):
    """private.theme_listing: the theme's static files (Material with a custom_dir holding dot folders, dot
    files, a file the docs override) as MkDocs' add_files_from_theme adds them, in the same order, from a
    listing that leaves Material's .icons (thousands of files) unwalked."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from generator.engine import private

    for rel in ("docs/index.md", "docs/assets/extra.css", "overrides/assets/extra.css", "overrides/main.html",
                "overrides/.hidden/x.css", "overrides/.dot.css", "overrides/sub/.x/y.js", "overrides/sub/z.js",
                "overrides/README.txt", "overrides/sub/.z.js"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", "utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\ntheme:\n  name: material\n  custom_dir: overrides\n", "utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))

    def listed(shortcut: bool) -> list[tuple]:
        files, env = get_files(config), config.theme.get_env()
        if shortcut:
            with private.theme_listing():
                files.add_files_from_theme(env, config)
        else:
            files.add_files_from_theme(env, config)
        return [(f.src_uri, f.abs_src_path, f.dest_uri) for f in files]

    theirs = listed(False)
    assert listed(True) == theirs
    assert ("sub/z.js", str(tmp_path / "overrides/sub/z.js"), "sub/z.js") in theirs
    loader = config.theme.get_env().loader
    walked, everything = private.undotted_templates(loader), loader.list_templates()
    assert len(everything) > 10 * len(walked) and not any("/." in "/" + name for name in walked)
