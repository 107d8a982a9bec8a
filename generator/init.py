"""`bulletin init DIR`: a new company's records repository that validates, builds and serves on the first try.

Everything comes from Bulletin's own files (resources.py): templates/init/ (site_config examples, CI for
GitHub, Gitea and GitLab, pre-commit, a README for staff), mkdocs.yml with the `bulletin` plugin in place of
the hook file, and requirements.txt: the runtime lock plus this Bulletin's wheel, pinned by its hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2

from .config import load_config
from .records import RECORDS_DIR
from .resources import PACKAGE, RUNTIME_LOCK, TEMPLATES, bulletin_mkdocs_yml

DOT = "dot-"              # templates/init/dot-github/ lands as .github/: no hidden files in the templates
VENDOR = "vendor"


class InitError(Exception):
    """DIR cannot become a records repository (not empty, not a folder): code and message arguments."""

    def __init__(self, code: str, **args):
        super().__init__(code)
        self.code, self.args_ = code, args


def installed_wheel() -> Path | None:
    """The wheel this Bulletin was installed from, as pip recorded it (None for a checkout or an index)."""
    try:
        direct = json.loads(metadata.distribution("bulletin").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    if not direct or "archive_info" not in direct:
        return None
    url = urlsplit(direct.get("url", ""))
    path = Path(unquote(url.path))
    return path if url.scheme == "file" and path.suffix == ".whl" and path.is_file() else None


def requirements(wheel: Path | None, target: Path) -> str:
    """The runtime lock, then Bulletin itself: the wheel copied into vendor/, pinned by its hash."""
    lock = RUNTIME_LOCK.read_text("utf-8") if RUNTIME_LOCK.is_file() else ""
    head = ("# Bulletin and everything it needs, pinned by hash: pip install --require-hashes -r requirements.txt\n"
            "# To upgrade Bulletin: put its new wheel in vendor/ and write its name and sha256 on the last line.\n")
    if wheel is None:
        return head + lock + "# bulletin: no wheel was found; add its line (path or index URL) with --hash=sha256:…\n"
    (target / VENDOR).mkdir(exist_ok=True)
    shutil.copyfile(wheel, target / VENDOR / wheel.name)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return head + lock + f"./{VENDOR}/{wheel.name} \\\n    --hash=sha256:{digest}\n"


def init(target: Path, *, company: str, lang: str, today: dt.date, wheel: Path | None = None) -> list[str]:
    """Write the new repository into `target` (missing or empty); return the files written, sorted."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError("init-not-empty", path=str(target))
    target.mkdir(parents=True, exist_ok=True)
    zh = lang != "en"
    context = {"company": company, "lang": lang, "zh": zh, "gm_person": "wangzong" if zh else "awang",
               "qa_person": "ligong" if zh else "jli", "prd_person": "zhangbz" if zh else "szhang",
               "first_month": today.strftime("%Y-%m")}
    source = TEMPLATES / "init"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(source)), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["yaml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        dest = target / Path(*("." + part[len(DOT):] if part.startswith(DOT) else part for part in rel.parts))
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.suffix == ".j2":
            dest.with_suffix("").write_text(env.get_template(rel.as_posix()).render(context), "utf-8")
        else:
            shutil.copyfile(path, dest)
    (target / "mkdocs.yml").write_text(bulletin_mkdocs_yml(docs_dir="docs", plugin=True), "utf-8")
    (target / "docs").mkdir(exist_ok=True)       # pages written by hand (docs/contributing.md); no records
    (target / "docs" / ".keep").write_bytes((PACKAGE / "site_docs" / ".keep").read_bytes())
    (target / "requirements.txt").write_text(requirements(wheel or installed_wheel(), target), "utf-8")
    cfg = load_config(target)
    for rtype in cfg.types.values():
        folder = target / RECORDS_DIR / rtype.folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".gitkeep").touch()
    from .codeowners import write as write_codeowners

    write_codeowners(target, cfg)
    return sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
