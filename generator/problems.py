"""Problems are values: collected, never raised one at a time, then formatted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

from .messages import render

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    field: str | None
    severity: str
    code: str
    args: dict = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str) -> str:
        return render(self.code, lang, **{"field": self.field or "", **self.args})

    def at(self, line: int | None) -> "Problem":
        return replace(self, line=line)


def error(path, code, field=None, line=None, **args) -> Problem:
    return Problem(path, line, field, ERROR, code, args)


def warning(path, code, field=None, line=None, **args) -> Problem:
    return Problem(path, line, field, WARNING, code, args)


def sort_key(p: Problem):
    return (p.path, p.line or 0, p.field or "", p.code)


def count(problems) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.severity == ERROR)
    return errors, len(problems) - errors


def format_text(problems, lang: str, checked: int) -> str:
    lines = []
    for p in problems:
        where = f"{p.path}:{p.line}" if p.line else p.path
        lines.append(f"{where}: {p.severity}: {p.message(lang)}")
    errors, warnings = count(problems)
    lines.append(render("summary", lang, records=checked, errors=errors, warnings=warnings))
    return "\n".join(lines)


def format_json(problems, lang: str, checked: int = 0) -> str:
    return json.dumps(
        [
            {
                "path": p.path,
                "line": p.line,
                "field": p.field,
                "severity": p.severity,
                "code": p.code,
                "message": p.message(lang),
            }
            for p in problems
        ],
        ensure_ascii=False,
        indent=2,
    )


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(problems, lang: str, checked: int = 0) -> str:
    lines = []
    for p in problems:
        props = f"file={_gh_escape(p.path, True)}"
        if p.line:
            props += f",line={p.line}"
        props += f",title={_gh_escape(p.code, True)}"
        lines.append(f"::{p.severity} {props}::{_gh_escape(p.message(lang))}")
    errors, warnings = count(problems)
    lines.append(render("summary", lang, records=checked, errors=errors, warnings=warnings))
    return "\n".join(lines)


FORMATS = {"text": format_text, "json": format_json, "github": format_github}
