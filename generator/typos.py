"""The typing mistakes of a Chinese keyboard in YAML, explained: full-width punctuation where YAML needs its
own (`：` `，` `“ ”` `［ ］` …), a tab for indentation, a colon without its space, a quote never closed, a
list item without its `- `.

Two places find them: the line where the parser stopped (`diagnose`, for yamlsafe), and a value that parsed
but names nothing because of one (`hint`, `list_as_text`, for the field checks in schema).
"""

from __future__ import annotations

import re

import yaml

from .messages import render

# full-width character -> (what YAML means, the message code of its name)
WIDE = {
    "：": (":", "yaml-char-colon"), "，": (",", "yaml-char-comma"), "、": (",", "yaml-char-enum-comma"),
    "“": ('"', "yaml-char-quotes"), "”": ('"', "yaml-char-quotes"),
    "‘": ("'", "yaml-char-single-quotes"), "’": ("'", "yaml-char-single-quotes"),
    "＂": ('"', "yaml-char-wide-quotes"), "＇": ("'", "yaml-char-wide-quotes"),
    "［": ("[", "yaml-char-brackets"), "］": ("]", "yaml-char-brackets"),
    "【": ("[", "yaml-char-lenticular"), "】": ("]", "yaml-char-lenticular"),
    "｛": ("{", "yaml-char-braces"), "｝": ("}", "yaml-char-braces"),
    "\u3000": (" ", "yaml-char-ideographic-space"),   # YAML reads it as a letter, not as a space
}
CODES = frozenset({"yaml-tab", "yaml-fullwidth-colon", "yaml-colon-space", "yaml-unclosed-quote",
                   "yaml-unclosed-quote-wide", "yaml-fullwidth", "yaml-list-dash"})   # what diagnose() finds
KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_KEY_WIDE_COLON = re.compile(rf"^(\s*(?:-\s+)?)({KEY})[ \t]*：[ \t]*")
_KEY_NO_SPACE = re.compile(rf"^(\s*(?:-\s+)?)({KEY}):(?=[^\s:/])")


class Named(tuple):
    """The names of some full-width characters, in the reader's language: “中文逗号“，”、…”."""

    def localize(self, lang: str) -> str:
        return ("、" if lang == "zh" else ", ").join(render(code, lang) for code in self)


class Phrase:
    """One message (code and arguments) that is part of another, rendered in the reader's language."""

    def __init__(self, code: str, **args):
        self.code, self.args = code, args

    def localize(self, lang: str) -> str:
        return render(self.code, lang, **self.args)

    def __bool__(self) -> bool:
        return True


def wide_in(text: str) -> Named:
    """The names of the full-width characters in text that YAML would have read as punctuation, in order."""
    codes: list[str] = []
    for c in text:
        if c in WIDE and WIDE[c][1] not in codes:
            codes.append(WIDE[c][1])
    return Named(codes)


def narrow(text: str) -> str:
    """text with YAML's own punctuation in place of the full-width one (a comma or colon gets its space)."""
    text = re.sub(r"[ \t]*[，、][ \t]*", ", ", text)
    text = re.sub(r"[ \t]*：[ \t]*", ": ", text)
    return "".join(WIDE[c][0] if c in WIDE else c for c in text)


# --- where the parser stopped ---------------------------------------------------------------------------

def diagnose(text: str, context: str, problem: str, context_at: tuple | None, problem_at: tuple | None):
    """(code, 0-based line, args) for a parse error caused by one of the mistakes, or None. `context_at` and
    `problem_at` are the (line, column) of the parser's marks."""
    lines = text.split("\n")

    def line(at):
        return lines[at[0]] if at is not None and 0 <= at[0] < len(lines) else None

    if problem_at is not None and (("tab" in problem) or (line(problem_at) or "")[problem_at[1]:problem_at[1] + 1] == "\t"):
        return "yaml-tab", problem_at[0], {}
    if "quoted scalar" in context and line(context_at) is not None:
        return _unclosed_quote(line(context_at), context_at)
    above = None  # a key without its colon is often noticed on the next line
    if problem_at is not None:
        above = next(((i, 0) for i in range(min(problem_at[0], len(lines)) - 1, -1, -1) if lines[i].strip()), None)
    candidates = [at for at in (context_at if context.endswith("simple key") else None, problem_at, context_at, above)
                  if line(at) is not None]
    for at in candidates:
        found = _punctuation(line(at))
        if found:
            return found[0], at[0], found[1]
    for at in candidates:
        fix = _missing_dash(lines, at[0])
        if fix:
            return "yaml-list-dash", at[0], {"fix": fix}
    return None


def first_mistake(text: str):
    """(code, 0-based line, args) of the first line that fixing a mistake makes a `key: value`: for a front
    matter that parsed as something else (`recorder：wuhaitao` alone is one piece of text)."""
    for i, line in enumerate(text.split("\n")):
        found = _punctuation(line)
        if found:
            return found[0], i, found[1]
    return None


def _parses(line: str) -> bool:
    """Whether one line, alone (its indentation and a list item's `- ` taken off), is a `key: value`."""
    text = re.sub(r"^-\s+", "", line.strip())
    try:
        return isinstance(yaml.safe_load(text), dict)
    except yaml.YAMLError:
        return False


def _punctuation(line: str):
    """The mistake that makes this line fail, when fixing it makes the line a `key: value`."""
    fixed = _KEY_NO_SPACE.sub(r"\1\2: ", narrow(line), count=1)
    if fixed == line or _parses(line) or not _parses(fixed):
        return None
    fix = fixed.strip()
    m = _KEY_WIDE_COLON.match(line)
    if m:
        return "yaml-fullwidth-colon", {"key": m.group(2), "what": Named(("yaml-char-colon",)), "fix": fix}
    what = wide_in(line)
    if what:
        return "yaml-fullwidth", {"what": what, "fix": fix}
    return "yaml-colon-space", {"key": _KEY_NO_SPACE.match(line).group(2), "fix": fix}


def _unclosed_quote(line: str, at: tuple):
    quote = line[at[1]:at[1] + 1]
    if quote not in ("'", '"'):
        return None
    rest = line[at[1] + 1:].rstrip()
    wide = rest[-1:] if rest[-1:] in WIDE and WIDE[rest[-1]][0] == quote else ""
    fixed = (line[:at[1] + 1] + rest[:len(rest) - len(wide)] + quote).strip()
    if wide:                      # closed with a full-width quote, which YAML does not see
        return "yaml-unclosed-quote-wide", at[0], {"quote": quote, "what": wide_in(wide), "fix": fixed}
    return "yaml-unclosed-quote", at[0], {"quote": quote, "fix": fixed}


def _missing_dash(lines: list[str], i: int) -> str | None:
    """The line with `- ` in front, when the lines above at its indentation are list items."""
    line = lines[i]
    if not line.strip() or line.lstrip().startswith(("-", "#")):
        return None
    indent = len(line) - len(line.lstrip(" "))
    for above in reversed(lines[:i]):
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        depth = len(above) - len(above.lstrip(" "))
        if depth < indent:
            return None
        if depth == indent:
            return "- " + line.strip() if re.match(r"-(\s|$)", above.lstrip()) else None
    return None


# --- a value that parsed, but names nothing ------------------------------------------------------------

def hint(value, within: list | None = None) -> Phrase | str:
    """For a code (person, department, record ID …) that holds full-width punctuation: what it uses and
    how to write it (a list item: the whole list, `[zhouqiang, wuhaitao]`); else ''."""
    if not isinstance(value, str) or not wide_in(value):
        return ""
    if within is not None:
        fix = "[" + ", ".join(narrow(str(v)).strip() for v in within) + "]"
    else:
        fix = narrow(value).strip()
    return Phrase("yaml-hint-fullwidth", what=wide_in(value), fix=fix)


_RUN_TOGETHER = re.compile(rf"^({KEY})[ \t]*([：:])[ \t]*(\S.*)$")


def key_of(key) -> str | None:
    """The key of a key and its value run together into one key (`owner：a` -> owner), else None."""
    m = _RUN_TOGETHER.match(key) if isinstance(key, str) else None
    return m.group(1) if m else None


def key_hint(key) -> Phrase | str:
    """For an unknown key that is a key and its value run together (`verified_by：a`, `verified_by:a`, as
    YAML reads them inside { }): how to write them; else ''."""
    if not isinstance(key, str):
        return ""
    m = _RUN_TOGETHER.match(key)
    if not m:
        return hint(key)
    fix = f"{m.group(1)}: {narrow(m.group(3))}"
    if m.group(2) == "：":
        return Phrase("yaml-hint-fullwidth", what=wide_in(key), fix=fix)
    return Phrase("yaml-hint-colon-space", fix=fix)


def list_as_text(value: str, codes: bool):
    """For a list written as text (`［a, b］`, `a，b`, or items on their own lines without `- `, which YAML joins
    into one line): (why, fix), or None when the text does not look like several items. `codes`: the items are
    codes without spaces (people, departments, IDs), so words separated by spaces are items too."""
    what = wide_in(value)
    inner = narrow(value).strip()
    if inner[:1] == "[" and inner[-1:] == "]":
        inner = inner[1:-1]
    parts = [p.strip() for p in inner.split(",")]
    if codes and len(parts) == 1:
        parts = inner.split()
    if not what and len(parts) < 2:
        return None
    return (Phrase("yaml-why-fullwidth", what=what) if what else ""), "[" + ", ".join(p for p in parts if p) + "]"
