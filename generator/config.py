"""site_config/: settings, registries (departments, people), report schedule and record types."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from . import yamlsafe
from .meetings_owed import EXAMPLE, valid_period
from .messages import render
from .problems import Problem, error
from .schema import RecordType, as_date, build_types, merge_types, shown

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

    def __init__(self, path: str, line: int | None, problem: str):
        super().__init__(f"{path}:{line or 0}: {problem}")
        self.path, self.line, self.problem = path, line, problem


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
        raise ConfigError(rel, None, "repository: a mapping {host, url, branch} / repository 应为 {host, url, branch}")
    host, url, branch = raw.get("host"), raw.get("url"), raw.get("branch", "main")
    if host not in GIT_HOSTS:
        raise ConfigError(rel, None, f"repository.host must be github, gitlab or gitea, not {host}"
                                     f" / repository.host 只能是 github、gitlab 或 gitea")
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>]+", url.strip()):
        raise ConfigError(rel, None, f"repository.url must be an http(s) address, not {url}"
                                     f" / repository.url 应为 http(s) 地址")
    if not isinstance(branch, str) or not branch.strip():
        raise ConfigError(rel, None, "repository.branch must be a branch name / repository.branch 应为分支名")
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
            raise ConfigError(rel, None, "file not found / 文件不存在")
        return default, None
    try:
        text = (files[rel] if files is not None else path.read_bytes()).decode("utf-8-sig")
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
    site, _ = _read(root, "site.yml", required=False, default={}, files=files)
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
    _approval_settings(cfg, site)
    cfg.repository = _repository(site)
    cfg.escalate_after_days = _escalation_settings(site)

    overlay, _ = _read(root, "types.yml", required=False, default={}, files=files)
    default, _ = yamlsafe.load((Path(__file__).parent / "default_types.yml").read_text("utf-8"))
    try:
        cfg.types = build_types(merge_types(default, overlay))
    except ValueError as exc:
        raise ConfigError(f"{CONFIG_DIR}/types.yml", None, str(exc)) from None

    heads = _load_departments(cfg, root, files)
    _load_people(cfg, root, files)
    for line, code, head in heads:
        if head not in cfg.people:
            _bad(cfg, f"{CONFIG_DIR}/departments.yml", line,
                 f"{code}: head {head} is not in people.yml / 部门负责人不在 people.yml 中")
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
            _bad(cfg, rel, line, "each department needs code and name / 每个部门需要 code 和 name")
            continue
        code = str(entry["code"])
        if not DEPT_CODE.match(code):
            _bad(cfg, rel, line, f"code {code}: upper-case letters and digits / 只用大写字母和数字")
        if code in cfg.departments:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=code))
        head = entry.get("head")
        if head is not None and not isinstance(head, str):
            _bad(cfg, rel, line, f"{code}: head must be a person id / head 应为人员 id")
            head = None
        if head:
            heads.append((line, code, head))
        cfg.departments[code] = Department(code, str(entry["name"]), str(entry.get("name_en") or ""), head or "")
    return heads


def _load_people(cfg: Config, root: Path, files=None) -> None:
    rel = f"{CONFIG_DIR}/people.yml"
    data, text = _read(root, "people.yml", required=True, files=files)
    if not isinstance(data, list):
        raise ConfigError(rel, 1, "expected a list of entries / 应为条目列表")
    tree = []

    def line_of(*ypath) -> int | None:
        # 1-based line of an entry or a key in it: the text is composed again only when a problem needs one
        if not tree:
            tree.append(yamlsafe.compose(text) if text else None)
        return _line_in(tree[0], ypath, None)

    for i, entry in enumerate(data):
        at = lambda *ypath: line_of(i, *ypath)      # noqa: E731 (a key's line in this entry)
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            _bad(cfg, rel, at(), "each person needs id, name and department / 每人需要 id、name、department")
            continue
        pid = str(entry["id"])
        if not PERSON_ID.match(pid):
            _bad(cfg, rel, at(), f"id {pid}: lower-case login / 应为小写登录名")
        dept = str(entry.get("department") or "")
        if dept not in cfg.departments:
            _bad(cfg, rel, at(), f"{pid}: department {dept or '?'} is not in departments.yml / 部门不存在")
        roles = entry.get("roles") or []
        if not isinstance(roles, list):
            roles = [roles]
        grants = []
        for j, raw in enumerate(roles):
            grant, problem = _role(raw)
            if problem:
                _bad(cfg, rel, at("roles", j), f"{pid}: {problem}")
            if grant is not None:
                grants.append(grant)
        accounts = {}
        for key in ("git_user", "email"):
            value = entry.get(key)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                _bad(cfg, rel, at(key), f"{pid}: {key} must be text / {key} 应为文本")
            elif key == "email" and value is not None and value.count("@") != 1:
                _bad(cfg, rel, at(key), f"{pid}: email {value} is not an e-mail address / 不是电子邮件地址")
            accounts[key] = value.strip() if isinstance(value, str) else ""
        keys = entry.get("signing_keys") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) and k.strip() for k in keys):
            _bad(cfg, rel, at("signing_keys"), f"{pid}: signing_keys must be a list of public keys (text) / 应为公钥文本列表")
            keys = []
        for j, key in enumerate(keys):
            if key_kind(key) is None:
                _bad(cfg, rel, at("signing_keys", j), f"{pid}: {_NOT_A_KEY}")
        keys = [k for k in keys if key_kind(k)]
        extra = set(entry) - {"id", "name", "department", "roles", "git_user", "email", "name_en", "signing_keys"}
        if extra:
            _bad(cfg, rel, at(), f"{pid}: unknown keys {', '.join(sorted(map(str, extra)))}")
        if pid in cfg.people:
            cfg.problems.append(error(rel, "config-duplicate", line=at(), key=pid))
        cfg.people[pid] = Person(
            pid, str(entry["name"]), dept, tuple(dict.fromkeys(g.role for g in grants)),
            accounts["git_user"], accounts["email"], tuple(grants), tuple(k.strip() for k in keys),
        )


_NOT_A_KEY = ("a signing key is one OpenSSH public-key line (ssh-ed25519 AAAA… as in ~/.ssh/id_ed25519.pub) or an "
              "armoured GPG public key (-----BEGIN PGP PUBLIC KEY BLOCK----- …, from gpg --armor --export) / "
              "签名公钥应为一行 OpenSSH 公钥（~/.ssh/id_ed25519.pub 的内容）或 ASCII 格式的 GPG 公钥（gpg --armor --export）")


ESCALATE_AFTER_DAYS = {"head": 14, "management-rep": 30}   # audit14b: site.yml `escalate_after_days`


def _escalation_settings(site: dict) -> dict[str, int]:
    """site.yml's `escalate_after_days: {head: 14, management-rep: 30}` (each optional): whole days late."""
    raw = site.get("escalate_after_days")
    if raw is None:
        return dict(ESCALATE_AFTER_DAYS)
    rel = f"{CONFIG_DIR}/site.yml"
    if not isinstance(raw, dict) or not set(raw) <= set(ESCALATE_AFTER_DAYS) or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in raw.values()):
        raise ConfigError(rel, None, "escalate_after_days is {head: days, management-rep: days} (whole days, 0 or more)"
                                     " / escalate_after_days 应为 {head: 天数, management-rep: 天数}（不小于 0 的整数）")
    return {**ESCALATE_AFTER_DAYS, **raw}


def _approval_settings(cfg: Config, site: dict) -> None:
    """site.yml's `approvals` (a wrong value stops every command: CI must not fall back to a weaker check)
    and `trusted_commit_keys`."""
    rel = f"{CONFIG_DIR}/site.yml"
    mode = site.get("approvals", "declared")
    if mode not in APPROVAL_MODES:
        raise ConfigError(rel, None, f"approvals must be declared, authored or signed, not {mode}"
                                     f" / approvals 只能是 declared、authored 或 signed")
    cfg.approvals = mode
    keys = site.get("trusted_commit_keys") or []
    if not isinstance(keys, list):
        keys = [keys]
    for key in keys:
        if not isinstance(key, str) or key_kind(key) is None:
            _bad(cfg, rel, None, f"trusted_commit_keys: {_NOT_A_KEY}")
    cfg.trusted_commit_keys = tuple(k.strip() for k in keys if isinstance(k, str) and key_kind(k))


def _line_in(tree, ypath: tuple, default: int | None) -> int | None:
    """1-based line of a key or list item in a registry, default when not found."""
    found = yamlsafe.line_of(tree, ypath) if tree is not None else None
    return default if found is None else found + 1


def _role(raw) -> tuple[Role | None, str]:
    """One entry of `roles`: a role name, or {role, since, until}; (the role or None, what is wrong or "")."""
    known = ", ".join(KNOWN_ROLES)
    if isinstance(raw, str):
        if raw not in KNOWN_ROLES:
            return None, f"unknown role {raw}; known: {known}"
        return Role(raw), ""
    if not isinstance(raw, dict):
        return None, (f"a role is a name or {{role: gm, since: YYYY-MM-DD, until: YYYY-MM-DD}}, not {shown(raw)}"
                      " / 角色应写成名称或 {role, since, until}")
    extra = sorted(map(str, set(raw) - {"role", "since", "until"}))
    if extra:
        return None, (f"unknown key {', '.join(extra)} in a role; a role has role, since, until"
                      " / 角色只能有 role、since、until")
    role = raw.get("role")
    if role is None:
        return None, "a role entry needs role, e.g. {role: gm, since: 2024-01-01} / 缺少 role"
    if role not in KNOWN_ROLES:
        return None, f"unknown role {role}; known: {known}"
    dates = {}
    for key in ("since", "until"):
        value = raw.get(key)
        dates[key] = as_date(value) if value is not None else None
        if value is not None and dates[key] is None:
            return None, f"{role}: {key} {value} is not a date (YYYY-MM-DD) / {key} 不是有效日期"
    if dates["since"] and dates["until"] and dates["until"] < dates["since"]:
        return None, (f"{role}: until {dates['until']} is before since {dates['since']}"
                      " / until 早于 since")
    return Role(str(role), dates["since"], dates["until"]), ""


def _load_schedule(cfg: Config, root: Path, files=None) -> None:
    from .schema import period_kind

    rel = f"{CONFIG_DIR}/schedule.yml"
    data, text = _read(root, "schedule.yml", required=False, default=[], files=files)
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict):
            _bad(cfg, rel, line, "each entry needs department, kind, due_days, start")
            continue
        if entry.get("record", "report") != "report":
            _meeting_entry(cfg, rel, line, entry)
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


# --- v2 registries -----------------------------------------------------------------------

def _unknown_keys(entry: dict, known: set) -> list[str]:
    extra = sorted(map(str, set(entry) - known))
    return [f"unknown keys {', '.join(extra)} / 未知字段"] if extra else []


def _meeting_entry(cfg: Config, rel: str, line, entry: dict) -> None:
    """A recurring meeting owed: {record: meeting, kind, department, every, start?}."""
    record, dept, kind, every = (entry.get(k) for k in ("record", "department", "kind", "every"))
    start = entry.get("start")
    meeting = cfg.types.get("meeting")
    kinds = meeting.fields["kind"].values if meeting and "kind" in meeting.fields else ()
    problems = []
    if record != "meeting":
        problems.append(f"record must be meeting, or left out for a report, not {record} / record 只能是 meeting（报告不写 record）")
    else:
        if dept not in cfg.departments:
            problems.append(f"department {dept or '?'} is not in departments.yml / 部门不存在")
        if kind not in kinds:
            problems.append(f"kind must be a meeting kind ({', '.join(kinds)}), not {kind or '?'} / 会议类型无效")
        if every not in MEETING_EVERY:
            problems.append(f"every must be week, month, quarter or year, not {every or '?'} / every 应为 week、month、quarter 或 year")
        elif start is not None and not valid_period(str(start), every):
            problems.append(f"start {start} is not a {every} period, e.g. {EXAMPLE[every]} / start 的期间格式不对")
        problems += _unknown_keys(entry, {"record", "department", "kind", "every", "start"})
    if problems:
        _bad(cfg, rel, line, "; ".join(problems))
        return
    cfg.meeting_schedule.append(MeetingScheduleEntry(dept, kind, every, None if start is None else str(start)))


def _load_customers(cfg: Config, root: Path, files=None) -> None:
    """site_config/customers.yml (optional): [{id, name, name_en?, contact?}]."""
    rel = f"{CONFIG_DIR}/customers.yml"
    data, text = _read(root, "customers.yml", required=False, default=[], files=files)
    names: dict[str, str] = {}
    for line, entry in _entries(data, rel, text):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
            _bad(cfg, rel, line, "each customer needs id and name / 每个客户需要 id 和 name")
            continue
        cid, name = str(entry["id"]), str(entry["name"])
        problems = _unknown_keys(entry, {"id", "name", "name_en", "contact"})
        if not PERSON_ID.match(cid):
            problems.append(f"id {cid}: lower-case letters, digits, . _ - / id 只用小写字母、数字")
        if name in names and names[name] != cid:
            problems.append(f"the name {name} is also customer {names[name]}'s / 名称与客户 {names[name]} 重复")
        if problems:
            _bad(cfg, rel, line, "; ".join(problems))
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
            _bad(cfg, rel, line, "each objective needs id, name, department, target, better and kind / "
                                 "每个质量目标需要 id、name、department、target、better、kind")
            continue
        oid = str(entry["id"])
        dept, target, better, kind = (entry.get(k) for k in ("department", "target", "better", "kind"))
        problems = []
        if not OBJECTIVE_ID.match(oid):
            problems.append(f"id {oid}: lower-case letters, digits, _ - / id 只用小写字母、数字")
        if not entry.get("name"):
            problems.append("name is missing / 缺少 name")
        if dept not in cfg.departments:
            problems.append(f"department {dept or '?'} is not in departments.yml / 部门不存在")
        if isinstance(target, bool) or not isinstance(target, (int, float)):
            problems.append(f"target must be a number, not {target if target is not None else '?'} / target 应为数字")
        if better not in ("lower", "higher"):
            problems.append(f"better must be lower or higher, not {better or '?'} / better 应为 lower 或 higher")
        if kind not in ("monthly", "quarterly", "annual"):
            problems.append(f"kind must be monthly, quarterly or annual, not {kind or '?'} / kind 应为 monthly、quarterly 或 annual")
        if "unit" in entry and not isinstance(entry["unit"], str):
            problems.append("unit must be text / unit 应为文本")
        problems += _unknown_keys(entry, {"id", "name", "department", "unit", "target", "better", "kind"})
        if oid in cfg.objectives:
            cfg.problems.append(error(rel, "config-duplicate", line=line, key=oid))
        if problems:
            _bad(cfg, rel, line, f"{oid}: " + "; ".join(problems))
            continue
        cfg.objectives[oid] = Objective(oid, str(entry["name"]), dept, str(entry.get("unit") or ""),
                                        target, better, kind)
