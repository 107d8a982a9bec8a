"""site_config/: settings, registries (departments, people), report schedule and record types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import yamlsafe
from .messages import render
from .problems import Problem, error
from .schema import RecordType, build_types, merge_types

CONFIG_DIR = "site_config"
KNOWN_ROLES = ("gm", "management-rep", "auditor", "qa")
DEPT_CODE = re.compile(r"^[A-Z][A-Z0-9]*$")
PERSON_ID = re.compile(r"^[a-z][a-z0-9._-]*$")


class ConfigError(Exception):
    """The configuration cannot be read at all: exit 2."""

    def __init__(self, path: str, line: int | None, problem: str):
        super().__init__(f"{path}:{line or 0}: {problem}")
        self.path, self.line, self.problem = path, line, problem


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    department: str
    roles: tuple[str, ...] = ()
    git_user: str = ""
    email: str = ""


@dataclass(frozen=True)
class ScheduleEntry:
    department: str
    kind: str
    due_days: int
    start: str
    until: str | None = None


@dataclass
class Config:
    root: Path
    language: str = "zh"
    time_zone: str = "Asia/Shanghai"
    site_name: str = "Bulletin"
    company: str = ""
    site_url: str = ""
    departments: dict[str, Department] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    schedule: list[ScheduleEntry] = field(default_factory=list)
    types: dict[str, RecordType] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def type_for_prefix(self, prefix: str) -> RecordType | None:
        return next((t for t in self.types.values() if t.prefix == prefix), None)

    def type_for_folder(self, folder: str) -> RecordType | None:
        return next((t for t in self.types.values() if t.folder == folder), None)


def mkdocs_file(root: Path) -> Path:
    """The mkdocs.yml a build of this repository uses: its own, else the one beside the generator."""
    own = Path(root) / "mkdocs.yml"
    return own if own.is_file() else Path(__file__).resolve().parent.parent / "mkdocs.yml"


def _read(root: Path, name: str, required: bool, default=None):
    rel = f"{CONFIG_DIR}/{name}"
    path = root / CONFIG_DIR / name
    if not path.is_file():
        if required:
            raise ConfigError(rel, None, "file not found / 文件不存在")
        return default, None
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(rel, None, f"cannot read as UTF-8: {exc}") from None
    try:
        data, dups = yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        raise ConfigError(rel, (exc.line or 0) + 1, f"{render(exc.code, 'en', **exc.params)} / {render(exc.code, 'zh', **exc.params)}") from None
    if dups:
        key, line, _ = dups[0]
        raise ConfigError(rel, line + 1, f"duplicate key {key}")
    return (default if data is None else data), text


def _item_lines(text: str | None) -> list[int]:
    root = yamlsafe.compose(text) if text else None
    if root is None or not hasattr(root, "value") or not isinstance(root.value, list):
        return []
    return [n.start_mark.line + 1 for n in root.value]


def _entries(data, rel: str, text):
    if not isinstance(data, list):
        raise ConfigError(rel, 1, "expected a list of entries / 应为条目列表")
    lines = _item_lines(text)
    for i, entry in enumerate(data):
        yield (lines[i] if i < len(lines) else None), entry


def load_config(root: Path) -> Config:
    root = Path(root)
    site, _ = _read(root, "site.yml", required=False, default={})
    if not isinstance(site, dict):
        raise ConfigError(f"{CONFIG_DIR}/site.yml", 1, "expected key: value settings")
    cfg = Config(
        root=root,
        language=str(site.get("language", "zh")),
        time_zone=str(site.get("time_zone", "Asia/Shanghai")),
        site_name=str(site.get("site_name", "Bulletin")),
        company=str(site.get("company", "")),
        site_url=str(site.get("site_url") or ""),
    )
    if cfg.language not in ("zh", "en"):
        raise ConfigError(f"{CONFIG_DIR}/site.yml", None, f"language must be zh or en, not {cfg.language}")

    overlay, _ = _read(root, "types.yml", required=False, default={})
    default, _ = yamlsafe.load((Path(__file__).parent / "default_types.yml").read_text("utf-8"))
    try:
        cfg.types = build_types(merge_types(default, overlay))
    except ValueError as exc:
        raise ConfigError(f"{CONFIG_DIR}/types.yml", None, str(exc)) from None

    _load_departments(cfg, root)
    _load_people(cfg, root)
    _load_schedule(cfg, root)
    return cfg


def _bad(cfg: Config, rel: str, line, problem: str):
    cfg.problems.append(error(rel, "config-bad-entry", line=line, file=rel, problem=problem))


def _load_departments(cfg: Config, root: Path) -> None:
    rel = f"{CONFIG_DIR}/departments.yml"
    data, text = _read(root, "departments.yml", required=True)
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            _bad(cfg, rel, line, "each department needs code and name / 每个部门需要 code 和 name")
            continue
        code = str(entry["code"])
        if not DEPT_CODE.match(code):
            _bad(cfg, rel, line, f"code {code}: upper-case letters and digits / 只用大写字母和数字")
        if code in cfg.departments:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=code))
        cfg.departments[code] = Department(code, str(entry["name"]), str(entry.get("name_en") or ""))


def _load_people(cfg: Config, root: Path) -> None:
    rel = f"{CONFIG_DIR}/people.yml"
    data, text = _read(root, "people.yml", required=True)
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            _bad(cfg, rel, line, "each person needs id, name and department / 每人需要 id、name、department")
            continue
        pid = str(entry["id"])
        if not PERSON_ID.match(pid):
            _bad(cfg, rel, line, f"id {pid}: lower-case login / 应为小写登录名")
        dept = str(entry.get("department") or "")
        if dept not in cfg.departments:
            _bad(cfg, rel, line, f"{pid}: department {dept or '?'} is not in departments.yml / 部门不存在")
        roles = entry.get("roles") or []
        if not isinstance(roles, list):
            roles = [roles]
        for role in roles:
            if role not in KNOWN_ROLES:
                _bad(cfg, rel, line, f"{pid}: unknown role {role}; known: {', '.join(KNOWN_ROLES)}")
        extra = set(entry) - {"id", "name", "department", "roles", "git_user", "email", "name_en"}
        if extra:
            _bad(cfg, rel, line, f"{pid}: unknown keys {', '.join(sorted(map(str, extra)))}")
        if pid in cfg.people:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=pid))
        cfg.people[pid] = Person(
            pid, str(entry["name"]), dept, tuple(map(str, roles)),
            str(entry.get("git_user") or ""), str(entry.get("email") or ""),
        )


def _load_schedule(cfg: Config, root: Path) -> None:
    from .schema import period_kind

    rel = f"{CONFIG_DIR}/schedule.yml"
    data, text = _read(root, "schedule.yml", required=False, default=[])
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict):
            _bad(cfg, rel, line, "each entry needs department, kind, due_days, start")
            continue
        dept, kind = str(entry.get("department", "")), str(entry.get("kind", ""))
        start, until = entry.get("start"), entry.get("until")
        due_days = entry.get("due_days", 0)
        problems = []
        if dept not in cfg.departments:
            problems.append(f"department {dept or '?'} is not in departments.yml")
        if kind not in ("monthly", "quarterly", "annual"):
            problems.append(f"kind must be monthly, quarterly or annual, not {kind or '?'}")
        if not isinstance(due_days, int) or isinstance(due_days, bool) or due_days < 0:
            problems.append("due_days must be a whole number of days")
        for name, value in (("start", start), ("until", until)):
            if value is not None and period_kind(str(value)) != kind:
                problems.append(f"{name} {value} is not a {kind} period")
        if start is None:
            problems.append("start (the first period owed) is missing")
        if problems:
            _bad(cfg, rel, line, "; ".join(problems))
            continue
        cfg.schedule.append(ScheduleEntry(dept, kind, due_days, str(start), None if until is None else str(until)))
