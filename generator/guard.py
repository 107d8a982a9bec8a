"""The build's own limits on what Markdown is asked to render, counted (never timed).

Python-Markdown recurses once per level of nested lists (a 2 KB line of `- - - …` exhausts the stack)
and its link and raw-HTML patterns are quadratic in the number of `[` and `<` openers in a block
(40 KB of `[` takes minutes). `validate` reports a body past these limits as an error; the build renders
such a body as escaped plain text with a notice, so no record can stop publication or hang it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from itertools import islice

MAX_FILE_BYTES = 2 * 1024 * 1024   # a record file, so its body too
MAX_DEPTH = 50                     # nested lists, block quotes and HTML elements
MAX_LINK_OPENERS = 2_000           # `[` (each link, image and reference needs one)
MAX_HTML_OPENERS = 10_000          # `<`
# Markdown scans from each `[` to the end of its paragraph, and from each unclosed `<tag` to the end of
# the body: openers times the bytes they may scan, counted
MAX_LINK_WORK = 2_000_000          # per paragraph: `[` × its bytes (real records: under 50,000)
MAX_HTML_WORK = 2_000_000          # per body: unclosed `<` × its bytes (real records: 0)
MAX_EMPHASIS = 50_000              # `*` and `_`
MAX_TABLE_COLUMNS = 1_000          # `|` on one line

# container markers at the start of a line: block quote `>`, list items `-`, `*`, `+`, `1.`, `1)`
CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))")
PARAGRAPHS = re.compile(r"\n[ \t]*\n")
UNCLOSED = re.compile(r"<[A-Za-z!?/](?![^<>\n]*>)")     # a tag, comment or CDATA opened, not closed on its line
HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
# elements that never hold others, or whose end tag may be left out: they add no depth
FLAT_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
             "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"}


@dataclass(frozen=True)
class Excess:
    """The first limit a body goes past: a message code (messages.py), the 0-based line, found and limit."""
    code: str
    line: int
    found: int
    limit: int


def _nth(text: str, chars: str, n: int) -> int:
    """Index of the n-th (1-based) occurrence of any of chars."""
    return next(islice(re.finditer(f"[{re.escape(chars)}]", text), n - 1, None)).start()


def _counted(body: str, chars: str, limit: int, code: str) -> Excess | None:
    found = sum(body.count(c) for c in chars)
    if found <= limit:
        return None
    return Excess(code, body.count("\n", 0, _nth(body, chars, limit + 1)), found, limit)


def _depth(body: str) -> Excess | None:
    """Nesting of lists and quotes (markers at a line's start, and list items indented under others),
    then of HTML elements."""
    stack: list[tuple[int, int]] = []     # (column of a line's first marker, depth after that line)
    for i, line in enumerate(body.split("\n")):
        markers, pos = 0, 0
        while (m := CONTAINER.match(line, pos)) and m.end() > pos:
            markers, pos = markers + 1, m.end()
        if not markers:
            continue
        column = len(line) - len(line.lstrip(" \t"))
        while stack and stack[-1][0] >= column:
            stack.pop()
        depth = (stack[-1][1] if stack else 0) + markers
        if depth > MAX_DEPTH:
            return Excess("body-too-deep", i, depth, MAX_DEPTH)
        stack.append((column, depth))
    depth = 0
    for m in HTML_TAG.finditer(body):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if name in FLAT_TAGS or selfclosing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > MAX_DEPTH:
            return Excess("body-too-deep", body.count("\n", 0, m.start()), depth, MAX_DEPTH)
    return None


def excess(body: str) -> Excess | None:
    """The first of the limits this body goes past, or None."""
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        return Excess("file-too-large", 0, size, MAX_FILE_BYTES)
    found = (_counted(body, "[", MAX_LINK_OPENERS, "body-too-many-links")
             or _counted(body, "<", MAX_HTML_OPENERS, "body-too-many-tags")
             or _counted(body, "*_", MAX_EMPHASIS, "body-too-much-emphasis"))
    if found:
        return found
    at = 0
    for para in PARAGRAPHS.split(body):
        work = para.count("[") * len(para.encode("utf-8", "surrogatepass"))
        if work > MAX_LINK_WORK:
            return Excess("body-link-work", at, work, MAX_LINK_WORK)
        at += para.count("\n") + 2
    unclosed = sum(1 for _ in UNCLOSED.finditer(body))
    if unclosed * size > MAX_HTML_WORK:
        first = UNCLOSED.search(body).start()
        return Excess("body-html-work", body.count("\n", 0, first), unclosed * size, MAX_HTML_WORK)
    for i, line in enumerate(body.split("\n")):
        if line.count("|") > MAX_TABLE_COLUMNS:
            return Excess("body-too-many-columns", i, line.count("|"), MAX_TABLE_COLUMNS)
    return _depth(body)


def safe_markdown(body: str, lang: str) -> str:
    """The body itself when it is within the limits, else its text escaped and preformatted, with a notice."""
    over = excess(body)
    if over is None:
        return body
    from .messages import render

    notice = render("body-guarded", lang, problem=render(over.code, lang, size=over.found, found=over.found,
                                                          limit=over.limit))
    return (f'<div class="admonition warning bl-guarded"><p>{escape(notice)}</p></div>\n\n'
            f'<pre class="bl-guarded">{escape(body)}</pre>\n')
