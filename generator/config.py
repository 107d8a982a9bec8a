"""site_config/: settings, registries (departments, people), report schedule and record types."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import yaml

from . import yamlsafe
from .meetings_owed import EXAMPLE, valid_period
from .messages import Text, join_text, say
from .problems import Problem, error
from .schema import RecordType, TypesError, as_date, build_types, merge_types, shown

CONFIG_DIR = "site_config"
KNOWN_ROLES = ("gm", "management-rep", "auditor", "qa")
APPROVAL_MODES = ("declared", "authored", "signed")      # how strictly CI checks who committed an approval
SSH_KEY = re.compile(r"^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)"
                     r"\s+[A-Za-z0-9+/]+={0,3}(?:\s.*)?$", re.S)
GPG_KEY = re.compile(r"^-----BEGIN PGP PUBLIC KEY BLOCK-----\n.*\n-----END PGP PUBLIC KEY BLOCK-----$", re.S)
DEPT_CODE = re.compile(r"^[A-Z][A-Z0-9]*$")
PERSON_ID = re.compile(r"^[a-z][a-z0-9._-]*$")


def key_kind(text: str) -> str | None:
    """"ssh" for an OpenSSH public-key line, "gpg" for an armoured GPG public key, None otherwise."""
    text = text.strip()
    if SSH_KEY.match(text) and "\n" not in text:
        return "ssh"
    if GPG_KEY.match(text):
        return "gpg"
    return None


class ConfigError(Exception):
    """The configuration cannot be read at all: exit 2."""

    def __init__(self, path: str, line: int | None, problem: str, key: str | None = None):
        super().__init__(f"{path}:{line or 0}: {problem}")
        self.path, self.line, self.problem = path, line, problem   # problem: a Text, shown in the reader's language
        self.key = key                                             # the site.yml key it is about: its line

    def message(self, lang: str) -> str:
        return self.problem.localize(lang) if hasattr(self.problem, "localize") else str(self.problem)


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str = ""
    head: str = ""             # a person id: escalation goes to the head


@dataclass(frozen=True)
class Role:
    """A role held for a time; since and until inclusive, None = open-ended."""
    role: str
    since: dt.date | None = None
    until: dt.date | None = None

    def held_on(self, day: dt.date | None) -> bool:
        """True on that day; any role counts when the day is unknown (None)."""
        return day is None or ((self.since is None or self.since <= day) and (self.until is None or day <= self.until))

    @property
    def period(self) -> str:
        return f"{self.since or '…'} – {self.until or '…'}"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    department: str
    roles: tuple[str, ...] = ()          # every role named in people.yml, whatever its dates
    git_user: str = ""
    email: str = ""
    grants: tuple[Role, ...] = ()        # the roles with their dates (empty: `roles`, held always)
    signing_keys: tuple[str, ...] = ()

    def held(self, role: str) -> tuple[Role, ...]:
        return tuple(g for g in self.grants or (Role(r) for r in self.roles) if g.role == role)

    def holds(self, role: str, on: dt.date | None = None) -> bool:
        """True when the person held role on that day (at any time, when the day is unknown)."""
        return any(g.held_on(on) for g in self.held(role))

    def roles_on(self, day: dt.date | None) -> tuple[str, ...]:
        """The roles held on that day, in people.yml's order."""
        return tuple(r for r in self.roles if self.holds(r, day))


@dataclass(frozen=True)
class ScheduleEntry:
    department: str
    kind: str
    due_days: int
    start: str
    until: str | None = None


# v2 registries: customers, quality objectives, meetings owed

@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    name_en: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Objective:
    id: str
    name: str
    department: str
    unit: str
    target: float
    better: str  # lower | higher
    kind: str  # the report kind that carries it


@dataclass(frozen=True)
class MeetingScheduleEntry:
    department: str
    kind: str  # a meeting kind
    every: str  # week | month | quarter | year
    start: str | None = None  # the first period owed; None: the period of the first such meeting


MEETING_EVERY = ("week", "month", "quarter", "year")
OBJECTIVE_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


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
    customers: dict[str, Customer] = field(default_factory=dict)  # empty: no customers.yml
    approvals: str = "declared"                    # APPROVAL_MODES: what check-changes asks of an approval's commit
    trusted_commit_keys: tuple[str, ...] = ()      # a Git host's public keys: its web commits count as signed
    objectives: dict[str, Objective] = field(default_factory=dict)
    meeting_schedule: list[MeetingScheduleEntry] = field(default_factory=list)
    repository: "Repository | None" = None         # the Git host's web editor (site.yml `repository:`)
    # audit14b: days late after which an overdue item goes to the owner's department head, then the management-rep
    escalate_after_days: dict[str, int] = field(default_factory=lambda: dict(ESCALATE_AFTER_DAYS))

    def type_for_prefix(self, prefix: str) -> RecordType | None:
        return next((t for t in self.types.values() if t.prefix == prefix), None)

    def type_for_folder(self, folder: str) -> RecordType | None:
        return next((t for t in self.types.values() if t.folder == folder), None)

    def holders(self, role: str, on: dt.date | None) -> list[Person]:
        """Who holds role on that day (e.g. who is the gm as of --today)."""
        return [p for p in self.people.values() if p.holds(role, on)]


# form13: the Git host whose web editor the site's "new record" and "edit" buttons open

GIT_HOSTS = ("github", "gitlab", "gitea")


@dataclass(frozen=True)
class Repository:
    """The records repository on a Git host: its web address and the branch records are written on."""
    host: str
    url: str
    branch: str = "main"

    def _at(self, verb: str, path: str) -> str:
        """{url}/<verb>/<branch>/<path>, each segment percent-encoded; verb as the host names it."""
        segments = "/".join(quote(p, safe="") for p in [*self.branch.split("/"), *path.split("/")] if p)
        return f"{self.url}/{verb}/{segments}"

    def edit_url(self, path: str) -> str:
        """The host's editor of the file at path (records/capa/2026/CAPA-2026-001-x.md)."""
        return self._at({"github": "edit", "gitlab": "-/edit", "gitea": "_edit"}[self.host], path)

    def new_file(self, folder: str) -> dict:
        """The host's new-file page in folder, and the query parameters that fill in the file's name and
        text: GitHub and Gitea (since 1.16) take `filename` and `value`; GitLab fills in `file_name` only,
        so its text is copied to be pasted (value None)."""
        verb = {"github": "new", "gitlab": "-/new", "gitea": "_new"}[self.host]
        name, value = ("file_name", None) if self.host == "gitlab" else ("filename", "value")
        return {"host": self.host, "page": self._at(verb, folder), "name": name, "value": value}


def _repository(site: dict):
    """site.yml's `repository: {host, url, branch}`; None without it. A wrong value stops every command."""
    raw = site.get("repository")
    if raw is None:
        return None
    rel = f"{CONFIG_DIR}/site.yml"
    if not isinstance(raw, dict):
        raise ConfigError(rel, None, say("cfg-repository"), "repository")
    host, url, branch = raw.get("host"), raw.get("url"), raw.get("branch", "main")
    if host not in GIT_HOSTS:
        raise ConfigError(rel, None, say("cfg-repository-host", value=shown(host)), "repository")
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>]+", url.strip()):
        raise ConfigError(rel, None, say("cfg-repository-url", value=shown(url)), "repository")
    if not isinstance(branch, str) or not branch.strip():
        raise ConfigError(rel, None, say("cfg-repository-branch"), "repository")
    return Repository(host, url.strip().rstrip("/"), branch.strip())


def today_in(time_zone: str) -> dt.date:
    """Today in the site's time zone, used only when no --today is given."""
    from zoneinfo import ZoneInfo

    try:
        return dt.datetime.now(ZoneInfo(time_zone)).date()
    except Exception:
        return dt.date.today()


def mkdocs_file(root: Path) -> Path | None:
    """The repository's own mkdocs.yml; None where it has none (a build then uses Bulletin's, with its plugin)."""
    own = Path(root) / "mkdocs.yml"
    return own if own.is_file() else None


def _read(root: Path, name: str, required: bool, default=None, files: dict | None = None):
    """(data, text) of site_config/<name>: from the folder, or from files ({path: bytes}) when given."""
    rel = f"{CONFIG_DIR}/{name}"
    path = root / CONFIG_DIR / name
    missing = rel not in files if files is not None else not path.is_file()
    if missing:
        if required:
            raise ConfigError(rel, None, say("cfg-not-found"))
        return default, None
    try:
        text = (files[rel] if files is not None else path.read_bytes()).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(rel, None, say("cfg-not-utf8", problem=exc)) from None
    try:
        data, dups = yamlsafe.load(text)
    except yamlsafe.YamlProblem as exc:
        raise ConfigError(rel, (exc.line or 0) + 1, say(exc.code, **exc.params)) from None
    if dups:
        key, line, _ = dups[0]
        raise ConfigError(rel, line + 1, say("cfg-duplicate-key", key=key))
    return (default if data is None else data), text


def _item_lines(text: str | None) -> list[int]:
    root = yamlsafe.compose(text) if text else None
    if root is None or not hasattr(root, "value") or not isinstance(root.value, list):
        return []
    return [n.start_mark.line + 1 for n in root.value]


def _entries(data, rel: str, text):
    if not isinstance(data, list):
        raise ConfigError(rel, 1, say("cfg-not-list"))
    lines = _item_lines(text)
    for i, entry in enumerate(data):
        yield (lines[i] if i < len(lines) else None), entry


def site_language(root: Path) -> str:
    """site.yml's language, read alone (for --help, which must work in any repository): zh when site.yml is
    missing, unreadable or names no language Bulletin speaks."""
    try:
        site, _ = _read(Path(root), "site.yml", required=False, default={})
    except (ConfigError, OSError):
        return "zh"
    language = site.get("language") if isinstance(site, dict) else None
    return language if language in ("zh", "en") else "zh"


def load_config(root: Path, files: dict[str, bytes] | None = None) -> Config:
    """site_config/ under root; or, given files ({"site_config/x.yml": bytes}, e.g. at a Git revision), from those."""
    root = Path(root)
    site, site_text = _read(root, "site.yml", required=False, default={}, files=files)
    try:
        return _load_config(root, files, site)
    except ConfigError as exc:
        if exc.path == f"{CONFIG_DIR}/site.yml" and exc.line is None and exc.key and site_text:
            exc.line = _step_line(yamlsafe.compose(site_text), [exc.key])
        raise


def _load_config(root: Path, files, site) -> Config:
    if not isinstance(site, dict):
        raise ConfigError(f"{CONFIG_DIR}/site.yml", 1, say("cfg-not-mapping"))
    cfg = Config(
        root=root,
        language=str(site.get("language", "zh")),
        time_zone=str(site.get("time_zone", "Asia/Shanghai")),
        site_name=str(site.get("site_name", "Bulletin")),
        company=str(site.get("company", "")),
        site_url=str(site.get("site_url") or ""),
    )
    if cfg.language not in ("zh", "en"):
        raise ConfigError(f"{CONFIG_DIR}/site.yml", None, say("cfg-language", value=cfg.language), "language")
    _approval_settings(cfg, site)
    cfg.repository = _repository(site)
    cfg.escalate_after_days = _escalation_settings(site)

    overlay, overlay_text = _read(root, "types.yml", required=False, default={}, files=files)
    default, _ = yamlsafe.load((Path(__file__).parent / "default_types.yml").read_text("utf-8"))
    try:
        cfg.types = build_types(merge_types(default, overlay))
    except TypesError as exc:
        line = _step_line(yamlsafe.compose(overlay_text) if overlay_text else None, exc.steps())
        raise ConfigError(f"{CONFIG_DIR}/types.yml", line, exc.text) from None

    heads = _load_departments(cfg, root, files)
    _load_people(cfg, root, files)
    for line, code, head in heads:
        if head not in cfg.people:
            _bad(cfg, f"{CONFIG_DIR}/departments.yml", line,
                 say("cfg-head-unknown", dept=code, head=head))
    _load_schedule(cfg, root, files)
    _load_customers(cfg, root, files)
    _load_objectives(cfg, root, files)
    return cfg


def _bad(cfg: Config, rel: str, line, problem: str):
    cfg.problems.append(error(rel, "config-bad-entry", line=line, file=rel, problem=problem))


def _load_departments(cfg: Config, root: Path, files=None) -> list[tuple]:
    """Reads the departments; returns (line, code, head) of each head named, checked once people are read."""
    rel = f"{CONFIG_DIR}/departments.yml"
    data, text = _read(root, "departments.yml", required=True, files=files)
    heads = []
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            _bad(cfg, rel, line, say("cfg-dept-needs"))
            continue
        code = str(entry["code"])
        if not DEPT_CODE.match(code):
            _bad(cfg, rel, line, say("cfg-dept-code", dept=code))
        if code in cfg.departments:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=code))
        head = entry.get("head")
        if head is not None and not isinstance(head, str):
            _bad(cfg, rel, line, say("cfg-dept-head", dept=code, value=shown(head)))
            head = None
        if head:
            heads.append((line, code, head))
        cfg.departments[code] = Department(code, str(entry["name"]), str(entry.get("name_en") or ""), head or "")
    return heads


def _load_people(cfg: Config, root: Path, files=None) -> None:
    rel = f"{CONFIG_DIR}/people.yml"
    data, text = _read(root, "people.yml", required=True, files=files)
    if not isinstance(data, list):
        raise ConfigError(rel, 1, say("cfg-not-list"))
    tree = []

    def line_of(*ypath) -> int | None:
        # 1-based line of an entry or a key in it: the text is composed again only when a problem needs one
        if not tree:
            tree.append(yamlsafe.compose(text) if text else None)
        return _line_in(tree[0], ypath, None)

    for i, entry in enumerate(data):
        at = lambda *ypath: line_of(i, *ypath)      # noqa: E731 (a key's line in this entry)
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            _bad(cfg, rel, at(), say("cfg-person-needs"))
            continue
        pid = str(entry["id"])
        if not PERSON_ID.match(pid):
            _bad(cfg, rel, at("id"), say("cfg-person-id", value=pid))
        dept = str(entry.get("department") or "")
        if dept not in cfg.departments:
            _bad(cfg, rel, at("department"), say("cfg-no-department", who=pid, value=dept or "?"))
        roles = entry.get("roles") or []
        if not isinstance(roles, list):
            roles = [roles]
        grants = []
        for j, raw in enumerate(roles):
            grant, problem = _role(raw, pid)
            if problem:
                _bad(cfg, rel, at("roles", j), problem)
            if grant is not None:
                grants.append(grant)
        accounts = {}
        for key in ("git_user", "email"):
            value = entry.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                _bad(cfg, rel, at(key), say("cfg-not-text", who=pid, key=key))
            elif key == "email" and value is not None and value.count("@") != 1:
                _bad(cfg, rel, at(key), say("cfg-email", who=pid, value=value))
            accounts[key] = value.strip() if isinstance(value, str) else ""
        keys = entry.get("signing_keys") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) and k.strip() for k in keys):
            _bad(cfg, rel, at("signing_keys"), say("cfg-signing-keys-list", who=pid))
            keys = []
        for j, key in enumerate(keys):
            if key_kind(key) is None:
                _bad(cfg, rel, at("signing_keys", j), say("cfg-prefixed", who=pid, problem=say("cfg-signing-key")))
        keys = [k for k in keys if key_kind(k)]
        for problem in _unknown_keys(entry, PERSON_KEYS, f"{pid}: "):
            _bad(cfg, rel, at(), problem)
        if pid in cfg.people:
            cfg.problems.append(error(rel, "config-duplicate", line=at(), key=pid))
        cfg.people[pid] = Person(
            pid, str(entry["name"]), dept, tuple(dict.fromkeys(g.role for g in grants)),
            accounts["git_user"], accounts["email"], tuple(grants), tuple(k.strip() for k in keys),
        )


PERSON_KEYS = {"id", "name", "department", "roles", "git_user", "email", "name_en", "signing_keys"}


ESCALATE_AFTER_DAYS = {"head": 14, "management-rep": 30}   # audit14b: site.yml `escalate_after_days`


def _escalation_settings(site: dict) -> dict[str, int]:
    """site.yml's `escalate_after_days: {head: 14, management-rep: 30}` (each optional): whole days late."""
    raw = site.get("escalate_after_days")
    if raw is None:
        return dict(ESCALATE_AFTER_DAYS)
    rel = f"{CONFIG_DIR}/site.yml"
    if not isinstance(raw, dict) or not set(raw) <= set(ESCALATE_AFTER_DAYS) or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in raw.values()):
        raise ConfigError(rel, None, say("cfg-escalate", value=shown(raw)), "escalate_after_days")
    return {**ESCALATE_AFTER_DAYS, **raw}


def _approval_settings(cfg: Config, site: dict) -> None:
    """site.yml's `approvals` (a wrong value stops every command: CI must not fall back to a weaker check)
    and `trusted_commit_keys`."""
    rel = f"{CONFIG_DIR}/site.yml"
    mode = site.get("approvals", "declared")
    if mode not in APPROVAL_MODES:
        raise ConfigError(rel, None, say("cfg-approvals", value=shown(mode)), "approvals")
    cfg.approvals = mode
    keys = site.get("trusted_commit_keys") or []
    if not isinstance(keys, list):
        keys = [keys]
    for key in keys:
        if not isinstance(key, str) or key_kind(key) is None:
            _bad(cfg, rel, None, say("cfg-trusted-key", problem=say("cfg-signing-key")))
    cfg.trusted_commit_keys = tuple(k.strip() for k in keys if isinstance(k, str) and key_kind(k))


def _step_line(tree, steps: list[str]) -> int | None:
    """1-based line of the deepest key on a dotted path (types.capa.cost.min) in a YAML tree; a field's name
    is also looked up under `fields:`, which the dotted path leaves out."""
    def child(node, key):
        if isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return k, v
        return None

    if tree is None:
        return None
    node, line = tree, tree.start_mark.line
    for step in steps:
        found = child(node, step)
        if found is None and child(node, "fields"):
            found = child(child(node, "fields")[1], step)
        if found is None:
            break
        line, node = found[0].start_mark.line, found[1]
    return line + 1


def _line_in(tree, ypath: tuple, default: int | None) -> int | None:
    """1-based line of a key or list item in a registry, default when not found."""
    found = yamlsafe.line_of(tree, ypath) if tree is not None else None
    return default if found is None else found + 1


def _role(raw, who: str) -> tuple[Role | None, Text | None]:
    """One entry of `roles`: a role name, or {role, since, until}; (the role or None, what is wrong or None)."""
    known = ", ".join(KNOWN_ROLES)
    if isinstance(raw, str):
        if raw not in KNOWN_ROLES:
            return None, say("cfg-role-unknown", who=who, value=raw, known=known)
        return Role(raw), None
    if not isinstance(raw, dict):
        return None, say("cfg-role-form", who=who, value=shown(raw))
    extra = sorted(map(str, set(raw) - {"role", "since", "until"}))
    if extra:
        return None, say("cfg-role-keys", who=who, keys=", ".join(extra))
    role = raw.get("role")
    if role is None:
        return None, say("cfg-role-needs-role", who=who)
    if role not in KNOWN_ROLES:
        return None, say("cfg-role-unknown", who=who, value=shown(role), known=known)
    dates = {}
    for key in ("since", "until"):
        value = raw.get(key)
        dates[key] = as_date(value) if value is not None else None
        if value is not None and dates[key] is None:
            return None, say("cfg-role-date", who=who, role=role, key=key, value=shown(value))
    if dates["since"] and dates["until"] and dates["until"] < dates["since"]:
        return None, say("cfg-role-order", who=who, role=role, until=dates["until"], since=dates["since"])
    return Role(str(role), dates["since"], dates["until"]), None


def _load_schedule(cfg: Config, root: Path, files=None) -> None:
    from .schema import period_kind

    rel = f"{CONFIG_DIR}/schedule.yml"
    data, text = _read(root, "schedule.yml", required=False, default=[], files=files)
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict):
            _bad(cfg, rel, line, say("cfg-schedule-needs"))
            continue
        if entry.get("record", "report") != "report":
            _meeting_entry(cfg, rel, line, entry)
            continue
        dept, kind = str(entry.get("department", "")), str(entry.get("kind", ""))
        start, until = entry.get("start"), entry.get("until")
        due_days = entry.get("due_days", 0)
        problems = []
        if dept not in cfg.departments:
            problems.append(say("cfg-department-unknown", value=dept or "?"))
        if kind not in ("monthly", "quarterly", "annual"):
            problems.append(say("cfg-report-kind", value=kind or "?"))
        if not isinstance(due_days, int) or isinstance(due_days, bool) or due_days < 0:
            problems.append(say("cfg-due-days", value=shown(due_days)))
        for name, value in (("start", start), ("until", until)):
            if value is not None and kind in REPORT_EXAMPLE and period_kind(str(value)) != kind:
                problems.append(say("cfg-not-period", key=name, value=value, kind=kind, example=REPORT_EXAMPLE[kind]))
        if start is None:
            problems.append(say("cfg-start-missing"))
        if problems:
            _bad(cfg, rel, line, join_text(problems))
            continue
        cfg.schedule.append(ScheduleEntry(dept, kind, due_days, str(start), None if until is None else str(until)))


# --- v2 registries -----------------------------------------------------------------------

REPORT_EXAMPLE = {"monthly": "2026-01", "quarterly": "2026-Q1", "annual": "2026"}


def _unknown_keys(entry: dict, known: set, who: str = "") -> list[Text]:
    extra = sorted(map(str, set(entry) - known))
    return [say("cfg-unknown-keys", who=who, keys=", ".join(extra), known=", ".join(sorted(known)))] if extra else []


def _meeting_entry(cfg: Config, rel: str, line, entry: dict) -> None:
    """A recurring meeting owed: {record: meeting, kind, department, every, start?}."""
    record, dept, kind, every = (entry.get(k) for k in ("record", "department", "kind", "every"))
    start = entry.get("start")
    meeting = cfg.types.get("meeting")
    kinds = meeting.fields["kind"].values if meeting and "kind" in meeting.fields else ()
    problems = []
    if record != "meeting":
        problems.append(say("cfg-meeting-record", value=shown(record)))
    else:
        if dept not in cfg.departments:
            problems.append(say("cfg-department-unknown", value=dept or "?"))
        if kind not in kinds:
            problems.append(say("cfg-meeting-kind", known=", ".join(kinds), value=kind or "?"))
        if every not in MEETING_EVERY:
            problems.append(say("cfg-meeting-every", value=every or "?"))
        elif start is not None and not valid_period(str(start), every):
            problems.append(say("cfg-not-period", key="start", value=start, kind=every, example=EXAMPLE[every]))
        problems += _unknown_keys(entry, {"record", "department", "kind", "every", "start"})
    if problems:
        _bad(cfg, rel, line, join_text(problems))
        return
    cfg.meeting_schedule.append(MeetingScheduleEntry(dept, kind, every, None if start is None else str(start)))


def _load_customers(cfg: Config, root: Path, files=None) -> None:
    """site_config/customers.yml (optional): [{id, name, name_en?, contact?}]."""
    rel = f"{CONFIG_DIR}/customers.yml"
    data, text = _read(root, "customers.yml", required=False, default=[], files=files)
    names: dict[str, str] = {}
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            _bad(cfg, rel, line, say("cfg-customer-needs"))
            continue
        cid, name = str(entry["id"]), str(entry["name"])
        problems = _unknown_keys(entry, {"id", "name", "name_en", "contact"})
        if not PERSON_ID.match(cid):
            problems.append(say("cfg-plain-id", value=cid, extra=". _ -"))
        if name in names and names[name] != cid:
            problems.append(say("cfg-customer-name", value=name, other=names[name]))
        if problems:
            _bad(cfg, rel, line, join_text(problems))
        if cid in cfg.customers:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=cid))
        names.setdefault(name, cid)
        cfg.customers[cid] = Customer(cid, name, str(entry.get("name_en") or ""), str(entry.get("contact") or ""))


def _load_objectives(cfg: Config, root: Path, files=None) -> None:
    """site_config/objectives.yml (optional): quality objectives that reports carry in `metrics`."""
    rel = f"{CONFIG_DIR}/objectives.yml"
    data, text = _read(root, "objectives.yml", required=False, default=[], files=files)
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict) or not entry.get("id"):
            _bad(cfg, rel, line, say("cfg-objective-needs"))
            continue
        oid = str(entry["id"])
        dept, target, better, kind = (entry.get(k) for k in ("department", "target", "better", "kind"))
        problems = []
        if not OBJECTIVE_ID.match(oid):
            problems.append(say("cfg-plain-id", value=oid, extra="_ -"))
        if not entry.get("name"):
            problems.append(say("cfg-name-missing"))
        if dept not in cfg.departments:
            problems.append(say("cfg-department-unknown", value=dept or "?"))
        if isinstance(target, bool) or not isinstance(target, (int, float)):
            problems.append(say("cfg-target", value=shown(target) if target is not None else "?"))
        if better not in ("lower", "higher"):
            problems.append(say("cfg-better", value=better or "?"))
        if kind not in ("monthly", "quarterly", "annual"):
            problems.append(say("cfg-report-kind", value=kind or "?"))
        if "unit" in entry and not isinstance(entry["unit"], str):
            problems.append(say("cfg-unit"))
        problems += _unknown_keys(entry, {"id", "name", "department", "unit", "target", "better", "kind"})
        if oid in cfg.objectives:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=oid))
        if problems:
            _bad(cfg, rel, line, say("cfg-prefixed", who=oid, problem=join_text(problems)))
            continue
        cfg.objectives[oid] = Objective(oid, str(entry["name"]), dept, str(entry.get("unit") or ""),
                                        target, better, kind)
