"""Material's site-wide partials (the navigation, the search box) rendered once per folder, not per page.

A page that is not in the navigation (every record page, most generated pages) gets the same navigation
HTML as any other such page in the same folder: nothing in it is active, and each link is relative to the
page's folder. So its HTML is rendered once per folder and build, and reused, in each worker process.
A page in the navigation, a page that hides parts of it, or one with a link target under its own URL is
rendered as usual. tests/test_engine_partials.py checks the cached output against Material's own.
"""

from __future__ import annotations

CACHED = ("partials/nav.html", "partials/search.html")   # what they print depends on the page only by its folder
SEARCH_TARGETS = ("search/",)                           # the search box's own link targets


def cache(env, nav, config) -> None:
    """Make env's CACHED partials reuse their HTML for pages at one place outside the navigation."""
    in_nav = {p.file.src_uri for p in nav.pages}
    targets = [*_urls(nav.items), *SEARCH_TARGETS]
    homepage = config.extra.get("homepage") if config.extra else None
    targets += [u for u in (homepage, nav.homepage.url if nav.homepage else None) if isinstance(u, str)]
    memo: dict = {}

    def key_of(context):
        page = context.get("page")
        url = getattr(page, "url", None)
        if page is None or page.file.src_uri in in_nav or not url or not url.endswith("/") or \
                (page.meta or {}).get("hide") or any(t.lstrip("/").startswith(url) for t in targets):
            return None
        return url.rstrip("/").rpartition("/")[0], context.get("base_url")

    for name in CACHED:
        template = env.get_template(name)
        template.root_render_func = _memoized(name, template.root_render_func, key_of, memo)


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
