"""Attachments a browser would execute (a stand-in until the full predicate lands from main)."""

from __future__ import annotations

import re

EXECUTABLE = (".html", ".htm", ".xhtml", ".xml", ".js", ".mjs")
SVG_ACTIVE = re.compile(rb"<\s*(?:[\w-]+:)?(?:script|foreignObject)\b|\son[a-z]+\s*=", re.I)


def executable_attachment(name: str, data: bytes) -> bool:
    """True when a browser would run this file: HTML, XML and JavaScript, and SVG with script,
    event-handler attributes or foreignObject."""
    lower = name.lower()
    if lower.endswith(EXECUTABLE):
        return True
    return lower.endswith(".svg") and SVG_ACTIVE.search(data) is not None
