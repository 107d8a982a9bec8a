"""`bulletin new`: the next free ID for the year, and a new record from templates/new/<type>.md.j2."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jinja2

from .config import Config
from .records import ID_IN_NAME, RECORDS_DIR, scan
from .resources import template_dirs
from . import yamlsafe
from .schema import ID_RE

FORMER = re.compile(r"\b([A-Z][A-Z0-9]*-\d{4}-\d{3,})\b")


def used_numbers(root: Path, cfg: Config, prefix: str, year: int) -> set[int]:
    """Numbers taken for PREFIX-YEAR: by file names, and by former IDs (kept so they are never reused)."""
    taken = set()
    for rel in scan(root, cfg).record_files:
        name = rel.rsplit("/", 1)[-1]
        m = ID_IN_NAME.match(name)
        if m:
            taken.add(m.group(1))
        text = (root / rel).read_bytes()
        if b"former_ids" in text:
            taken.update(FORMER.findall(text.decode("utf-8", "replace")))
    numbers = set()
    for rid in taken:
        m = ID_RE.match(rid)
        if m and m.group(1) == prefix and int(m.group(2)) == year:
            numbers.add(int(m.group(3)))
    return numbers


def next_id(root: Path, cfg: Config, rtype: str, today: dt.date) -> str:
    prefix = cfg.types[rtype].prefix
    numbers = used_numbers(root, cfg, prefix, today.year)
    return f"{prefix}-{today.year}-{max(numbers, default=0) + 1:03d}"


def slug(title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "-".join(w.lower() for w in words)[:40].strip("-")


def environment(root: Path) -> jinja2.Environment:
    """Templates under new/: the repository's own templates/new/ first, file by file, then Bulletin's."""
    loader = jinja2.PrefixLoader({"new": jinja2.FileSystemLoader([str(d) for d in template_dirs(root, "new")])})
    env = jinja2.Environment(loader=loader, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["yaml"] = yaml_text
    return env


def yaml_text(value) -> str:
    """A YAML double-quoted string: quotes, backslashes, # and : in a title stay text."""
    return json.dumps(str(value), ensure_ascii=False)


def _v2_type_names() -> set[str]:
    """The names of the default types added in v2 (`added_in: 2` in default_types.yml)."""
    data, _ = yamlsafe.load((Path(__file__).parent / "default_types.yml").read_text("utf-8"))
    return {name for name, t in data["types"].items() if (t.get("added_in") or 1) >= 2}


def default_period(kind: str | None, today: dt.date) -> str:
    """The period that ended last before today, for a report of this kind (monthly by default)."""
    if kind == "annual":
        return str(today.year - 1)
    if kind == "quarterly":
        q = (today.month - 1) // 3  # the current quarter's index, 0..3; the last ended one is q
        return f"{today.year - 1}-Q4" if q == 0 else f"{today.year}-Q{q}"
    return (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def create(root: Path, cfg: Config, rtype: str, title: str, today: dt.date, **values) -> Path:
    """Write the new record and return its path. Refuses to overwrite."""
    rid = next_id(root, cfg, rtype, today)
    name = f"{rid}-{slug(title)}.md" if slug(title) else f"{rid}.md"
    path = root / RECORDS_DIR / cfg.types[rtype].folder / str(today.year) / name
    # a type added in site_config/types.yml without its own template gets the generic one; so does a company's
    # own type that took a v2 type's name (its fields are not those of our template for that name)
    names = [f"new/{rtype}.md.j2", "new/record.md.j2"]
    if rtype in _v2_type_names() and cfg.types[rtype].added_in < 2 \
            and not (root / "templates" / names[0]).is_file():
        names = names[1:]
    template = environment(root).select_template(names)
    text = template.render(
        id=rid, title=title, today=today.isoformat(), year=today.year, fields=cfg.types[rtype].fields,
        **{k: (v or "") for k, v in values.items()},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path
