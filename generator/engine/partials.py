"""Material's site-wide parts of a page (navigation, header, search box, footer, scripts) rendered once per
folder, not once per page.

A page that is not in the navigation (every record page, most generated pages) gets the same HTML in these
parts as any other such page in the same folder: nothing in the navigation is active, there is no
previous or next page, and each link is relative to the page's folder. So each part is rendered once per
folder and build, and reused, in each worker process. A page in the navigation, with a previous or next
page, that hides parts of the theme, or with a link target at or under its own URL (relative to that page
alone) is rendered as usual.

The page template itself is framed the same way: for such pages in one folder, everything Material's
base.html prints outside the blocks that read the page (HOLES) and the skip link is the same, so it is
rendered once per folder (the frame), and each page renders only those blocks into it. The second page of
each folder is rendered both ways and compared: a frame that does not give Material's bytes is not used.
The TOC partial is kept per folder and set of TOC entries.
tests/test_engine_partials.py checks the result against Material's own rendering, page by page.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from types import SimpleNamespace

from markupsafe import escape

# Templates (included) and "template#block"s whose output depends on the page only by its folder
CACHED = ("partials/nav.html", "partials/search.html", "partials/footer.html", "partials/top.html",
          "partials/bl-header-start.html", "partials/bl-header-end.html",
          "base.html#styles", "base.html#config", "base.html#scripts")
TOC = "partials/toc.html"        # a page's TOC: the same HTML for the same entries in one folder
TOC_MEMO = 2000                  # TOCs kept per process, at most
THEME_TARGETS = ("search/",)    # link targets of these parts besides the navigation's
PAGE_TEMPLATE, BASE_TEMPLATE = "main.html", "base.html"   # ours (overrides/), extending Material's
HOLES = ("site_meta", "htmltitle", "header", "site_nav", "container")   # base.html's blocks that read the page
_MARK = "\ue000bl-frame:{}\ue000"     # a private-use character; a frame holding one not made by us is not used
_SKIP = "skip"                          # the skip link's target: the page's first TOC entry


def cache(env, nav, config) -> None:
    """Make env's CACHED parts, the TOC and the page template's frame reuse their HTML for pages at one place
    outside the navigation."""
    in_nav = {p.file.src_uri for p in nav.pages}
    targets = [*_urls(nav.items), *THEME_TARGETS]
    homepage = config.extra.get("homepage") if config.extra else None
    targets += [u for u in (homepage, nav.homepage.url if nav.homepage else None) if isinstance(u, str)]
    targets = sorted(t.lstrip("/") for t in targets)
    memo: dict = {}

    def key_of(context):
        page = context.get("page")
        url = getattr(page, "url", None)
        if page is None or page.file.src_uri in in_nav or not url or not url.endswith("/") or \
                page.previous_page or page.next_page or (page.meta or {}).get("hide") or _prefixes(targets, url.rstrip("/")):
            return None
        return url.rstrip("/").rpartition("/")[0], context.get("base_url")

    for name in CACHED:
        template_name, _, block = name.partition("#")
        template = env.get_template(template_name)
        if block:
            template.blocks[block] = _memoized(name, template.blocks[block], key_of, memo)
        else:
            template.root_render_func = _memoized(name, template.root_render_func, key_of, memo)
    _memo_toc(env, key_of)
    _frame_page_template(env, key_of)


def _prefixes(targets: list, text: str) -> bool:
    """Whether some target (sorted) starts with text: a link under (or to) this page, relative to it alone."""
    i = bisect.bisect_left(targets, text)
    return i < len(targets) and targets[i].startswith(text)


def _urls(items):
    for item in items:
        url = getattr(item, "url", None)
        if isinstance(url, str):
            yield url
        yield from _urls(getattr(item, "children", None) or ())


def _memoized(name, render, key_of, memo):
    def root(context):
        key = key_of(context)
        if key is None:
            yield from render(context)
            return
        html = memo.get((name, key))
        if html is None:
            html = memo[name, key] = "".join(render(context))
        yield html
    return root


def _memo_toc(env, key_of) -> None:
    """partials/toc.html reads only the page's TOC (and site-wide values): pages at one place with the
    same TOC entries share its HTML."""
    template = env.get_template(TOC)
    render, memo = template.root_render_func, {}

    def root(context):
        key = key_of(context)
        toc = _toc_key(context["page"].toc or ()) if key is not None else None
        html = memo.get((key, toc)) if toc is not None else None
        if html is None:
            html = "".join(render(context))
            if toc is not None and len(memo) < TOC_MEMO:
                memo[key, toc] = html
        yield html

    template.root_render_func = root


def _toc_key(items) -> tuple | None:
    """What toc.html prints of a TOC's entries, as a key; None for entries it would print otherwise."""
    out = []
    for item in items:
        children = _toc_key(item.children)
        if children is None or getattr(item, "typeset", None) is not None:
            return None
        out.append((item.title.__class__, str(item.title), item.url, children))
    return tuple(out)


@dataclass
class _Frame:
    parts: list          # literal HTML, and between them (block name,) or (_SKIP,): what each page fills in
    vars: dict           # what the template's top level sets (its blocks may read it)
    checked: bool = False   # a second page gave the same bytes both ways


class _Stand:
    """The page, as the frame is rendered: its first TOC entry's URL is a mark."""

    def __init__(self, page, toc):
        self._page, self.toc = page, toc

    def __getattr__(self, name):
        return getattr(self._page, name)


def _frame_page_template(env, key_of) -> None:
    """Make the page template reuse its frame for pages at one place outside the navigation."""
    if not HOLES:
        return
    template, base = env.get_template(PAGE_TEMPLATE), env.get_template(BASE_TEMPLATE)
    if not set(HOLES) <= set(base.blocks):
        return
    render, url = template.root_render_func, env.filters["url"]
    frames: dict = {}

    def new_context(context):
        return template.new_context(dict(context.parent))

    def root(context):
        key = key_of(context)
        if key is None:
            yield from render(context)
            return
        toc = list(context["page"].toc or ())
        if toc and not toc[0].url.startswith("#"):
            yield from render(context)
            return
        key = (key, bool(toc))
        frame = frames.get(key)
        if frame is None:         # the folder's first page: as usual, and the frame made
            frames[key] = _make_frame(template, render, new_context(context), context["page"], toc) or False
            yield from render(context)
        elif frame is False:
            yield from render(context)
        elif not frame.checked:   # its second page: both ways, the frame kept if they agree
            full = "".join(render(context))
            frame.checked = "".join(_fill(frame, new_context(context), base, url, toc)) == full
            if not frame.checked:
                frames[key] = False   # Material prints something of the page outside HOLES
            yield full
        else:
            yield from _fill(frame, context, base, url, toc)

    template.root_render_func = root


def _fill(frame: _Frame, context, base, url, toc):
    """A page's HTML: its frame, with the page's own blocks (and skip link) rendered into it."""
    for name, block in base.blocks.items():      # as `{% extends %}` does
        context.blocks.setdefault(name, []).append(block)
    context.vars.update(frame.vars)
    for part in frame.parts:
        if part.__class__ is str:
            yield part
        elif part[0] is _SKIP:
            yield str(escape(url(context, toc[0].url)))[1:]   # after the frame's "#"
        else:
            yield from context.blocks[part[0]][0](context)


def _make_frame(template, render, context, page, toc) -> _Frame | None:
    """The page template rendered with HOLES (and the skip link's target) as marks, cut at the marks."""
    context.parent["page"] = _Stand(page, [SimpleNamespace(url="#" + _MARK.format(_SKIP))] if toc else [])
    for name in HOLES:
        context.blocks[name] = [lambda ctx, name=name: iter((_MARK.format(name),))]
    pieces = "".join(render(context)).split(_MARK[0])
    parts = []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            parts.append(piece)
        elif piece == f"bl-frame:{_SKIP}":
            parts.append((_SKIP,))
        elif piece.startswith("bl-frame:") and piece[9:] in HOLES:
            parts.append((piece[9:],))
        else:
            return None     # a mark in a page's own text
    holes = sorted(p[0] for p in parts if p.__class__ is tuple and p[0] is not _SKIP)
    if holes != sorted(HOLES) or len(pieces) % 2 == 0:
        return None
    return _Frame(parts, dict(context.vars))
