"""Material's site-wide parts of a page (navigation, header, search box, footer, scripts) rendered once per
folder, not once per page.

A page that is not in the navigation (every record page, most generated pages) gets the same HTML in these
parts as any other such page in the same folder: nothing in the navigation is active, there is no
previous or next page, and each link is relative to the page's folder. So each part is rendered once per
folder and build, and reused, in each worker process. A page in the navigation, with a previous or next
page, that hides parts of the theme, or with a link target at or under its own URL (relative to that page
alone) is rendered as usual.
tests/test_engine_partials.py checks the result against Material's own rendering, page by page.
"""

from __future__ import annotations

import bisect

# Templates (included) and "template#block"s whose output depends on the page only by its folder
CACHED = ("partials/nav.html", "partials/search.html", "partials/footer.html", "partials/top.html",
          "partials/bl-header-start.html", "partials/bl-header-end.html",
          "base.html#styles", "base.html#config", "base.html#scripts")
THEME_TARGETS = ("search/",)    # link targets of these parts besides the navigation's


def cache(env, nav, config) -> None:
    """Make env's CACHED parts reuse their HTML for pages at one place outside the navigation."""
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
