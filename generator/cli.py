"""The `bulletin` command: a thin shell over the library. Exit 0 ok, 1 problems, 2 cannot run."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import __version__
from .config import ConfigError, load_config, today_in
from .messages import render
from .problems import FORMATS, count

HELP = {
    "validate": """Check every record and the registries; print each problem as path:line: error: message.

Exit 0 when there are no errors, 1 when there are, 2 when it cannot run.
Example:  bulletin validate                 (the whole repository)
          bulletin validate records/capa    (only problems of these files)""",
    "build": """Validate, then build the bulletin site with MkDocs into a temporary folder and swap it
into place only on success: a failed build leaves the previous site untouched.

Example:  bulletin build --out site --today 2026-11-24
          bulletin build --out site-mgmt --audience management""",
    "serve": """Build the site, serve it, and build it again after every saved change (only what the
change touches: seconds, even at 10,000 records). Open pages reload by themselves. Records with
errors never replace the site: the output folder keeps the last good site, and until a save fixes them
every page the browser loads lists the errors (file, line, message) and returns to the site by itself.

Example:  bulletin serve                      (then open http://127.0.0.1:8000)
          bulletin serve --port 8001 --audience management""",
    "status": """Print what is owed, grouped by owner: by default the overdue CAPAs and action items and the
missing reports; with --person or --department, everything that person or department owes (open action
items, overdue CAPAs they own, reports owed), due or not.

Only records the audience may see are counted, and the output names the audience: all-staff unless
--audience says otherwise, so the default output is safe to post to a company-wide group.
--format wecom / dingtalk prints the exact JSON a WeCom / DingTalk group robot's webhook takes
(Markdown within 4096 bytes; items that do not fit are counted in a last line).

Example:  bulletin status --today 2026-11-24
          bulletin status --person wuhaitao
          bulletin status --format wecom | curl -H 'Content-Type: application/json' --data @- "$WEBHOOK"
          bulletin status --audience management --format markdown    (for the management group only)""",
    "init": """Create a new company's records repository in DIR (missing or empty): site_config/ with example
departments and people, records/ folders for every type, mkdocs.yml, CI for GitHub, Gitea and GitLab,
pre-commit, CODEOWNERS, a README for staff, and requirements.txt pinning this Bulletin by hash.

Example:  bulletin init hengrui-records --company "苏州恒锐汽车零部件有限公司"
          bulletin init acme-records --company "ACME Brakes" --lang en""",
    "new": """Write a new record with the next free ID for the year and print its path.

Example:  bulletin new capa --title "卡钳毛刺客诉" --department QA --person zhangwei""",
}


def find_root(start: Path) -> Path:
    """The nearest folder, from start upwards, that holds site_config/ or records/."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / "site_config").is_dir() or (folder / "records").is_dir():
            return folder
    return here


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text}") from None


def _root(args, paths=()) -> Path:
    if args.root:
        return Path(args.root).resolve()
    if len(paths) == 1 and (Path(paths[0]) / "site_config").is_dir():
        return Path(paths[0]).resolve()
    return find_root(Path.cwd())


def cmd_validate(args) -> int:
    from .validate import load_repository, select

    root = _root(args, args.paths)
    cfg = load_config(root)
    lang = args.lang or cfg.language
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"bulletin validate: {render('path-missing', lang, path=missing[0])}", file=sys.stderr)
        return 2
    result = load_repository(root, cfg)
    paths = [] if (len(args.paths) == 1 and Path(args.paths[0]).resolve() == root) else args.paths
    problems = select(result.problems, paths, root)
    checked = len(result.tree.record_files)
    print(FORMATS[args.format](problems, lang, checked))
    errors, _ = count(problems)
    return 1 if errors else 0


def cmd_new(args) -> int:
    from .new import create, default_period

    root = _root(args)
    cfg = load_config(root)
    if args.type not in cfg.types:
        print(f"bulletin new: unknown type {args.type}; choose one of: {', '.join(cfg.types)}", file=sys.stderr)
        return 2
    today = args.today or today_in(cfg.time_zone)
    path = create(root, cfg, args.type, args.title, today, department=args.department, person=args.person,
                  kind=args.kind, category=args.category, source=args.source, period=args.period or default_period(args.kind, today))
    print(path.relative_to(root).as_posix())
    return 0


def cmd_init(args) -> int:
    from .init import InitError, init, installed_wheel

    lang = args.lang or "zh"
    wheel = Path(args.wheel) if args.wheel else installed_wheel()
    if args.wheel and not wheel.is_file():
        print(f"bulletin init: {render('path-missing', lang, path=args.wheel)}", file=sys.stderr)
        return 2
    target = Path(args.dir)
    try:
        files = init(target, company=args.company, lang=lang, today=args.today or dt.date.today(), wheel=wheel)
    except InitError as exc:
        print(f"bulletin init: {render(exc.code, lang, **exc.args_)}", file=sys.stderr)
        return 2
    if wheel is None:
        print(f"bulletin init: {render('init-no-wheel', lang)}", file=sys.stderr)
    print(render("init-done", lang, path=args.dir, files=len(files)))
    return 0


def _repository(args):
    """(root, configuration, language, validated records) for the commands that read every record."""
    from .validate import load_repository

    root = _root(args)
    cfg = load_config(root)
    return root, cfg, args.lang or cfg.language, load_repository(root, cfg)


def cmd_build(args) -> int:
    out = Path(args.out) if Path(args.out).is_absolute() else Path.cwd() / args.out
    show = args.progress if args.progress is not None else (sys.stderr.isatty() and not os.environ.get("CI"))
    progress = (lambda text: print(f"\r{text}", end="", file=sys.stderr, flush=True)) if show else None
    return 2 if _out_refused(args, out) else _build_into(args, out, progress)


def _out_refused(args, out: Path) -> bool:
    """Say why, and True, when `out` is not a folder a build may replace (build.check_out)."""
    from .build import Refused, check_out

    root = _root(args)
    try:
        check_out(root, out)
    except Refused as exc:
        _say_refused(args, exc, args.lang or load_config(root).language)
        return True
    return False


def _say_refused(args, exc, lang: str) -> None:
    print(f"bulletin {args.command}: {exc.message(lang)}", file=sys.stderr, flush=True)


def _build_into(args, out: Path, progress=None, failed=None) -> int:
    """Validate, then build into `out`: 0 when built, 1 when problems (printed) leave `out` as it was,
    2 when the build is refused (build.Refused, printed). `failed(errors, lang)`, when given, also receives
    the errors as (path, line, message)."""
    from .build import Refused, build

    root, cfg, lang, result = _repository(args)
    if result.errors:
        print(FORMATS["text"](result.problems, lang, len(result.tree.record_files)), file=sys.stderr)
        print(render("build-refused", lang, out=args.out), file=sys.stderr)
        if failed:
            failed([(p.path, p.line, p.message(lang)) for p in result.problems if p.severity == "error"], lang)
        return 1
    today = args.today or today_in(cfg.time_zone)
    if progress:
        progress(f"records read: {len(result.records)}\n")
    try:
        build(root, result, out, audience=args.audience, today=today, strict=args.strict, progress=progress)
    except Refused as exc:
        _say_refused(args, exc, lang)
        if failed:
            failed([("", None, exc.message(lang))], lang)
        return 2
    if progress:
        print(file=sys.stderr)
    print(render("build-done", lang, out=args.out, records=len(result.records), audience=args.audience), flush=True)
    if not cfg.site_url:
        print(render("build-no-site-url", lang), file=sys.stderr, flush=True)
    return 0


def cmd_serve(args) -> int:
    from .serve import Failure, serve

    out = Path(args.out) if Path(args.out).is_absolute() else Path.cwd() / args.out
    if _out_refused(args, out):
        return 2

    def build_once():
        """True when built, else a Failure: what the browser is shown until a save builds."""
        lang = args.lang or "zh"
        failure = Failure(lang=lang)

        def failed(errors, language):
            failure.errors[:], failure.lang = errors, language

        try:
            if _build_into(args, out, failed=failed) == 0:
                return True
        except ConfigError as exc:
            print(_config_error(exc, lang), file=sys.stderr, flush=True)
            failure.errors.append((exc.path, exc.line or 1, render("config-unreadable", lang, problem=exc.problem)))
        except Exception as exc:  # MkDocs' own errors; the previous site stays and the next save is tried
            print(f"bulletin serve: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            failure.errors.append(("", None, render("serve-build-failed", lang, problem=f"{type(exc).__name__}: {exc}")))
        return failure

    try:
        serve(_root(args), out, build_once=build_once, host=args.host, port=args.port,
              say=lambda text: print(text, flush=True))
    except OSError as exc:
        print(f"bulletin serve: cannot serve at {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def cmd_status(args) -> int:
    from .schema import DidYouMean, hint
    from .status import render_status, status

    root, cfg, lang, result = _repository(args)
    for found, known, code in ((args.person, cfg.people, "status-unknown-person"),
                               (args.department, cfg.departments, "status-unknown-dept")):
        if found is not None and found not in known:
            print(f"bulletin status: {render(code, lang, found=found, hint=DidYouMean(hint(found, known)))}",
                  file=sys.stderr)
            return 2
    today = args.today or today_in(cfg.time_zone)
    st = status(result.records, cfg, today, args.audience, person=args.person, department=args.department)
    print(render_status(st, cfg, lang, args.format))
    return 0


HELP["check-changes"] = """Change control for a pull request: compare the working tree with the merge base of
--base REF and HEAD (as the pull request's diff does) and with REF's tip.

Refuses (exit 1), naming the file and the fix: a deleted record (mark it withdrawn instead);
a changed ID (unless the record lists the old one in former_ids); an edit of a closed CAPA or
an approved meeting without a new amendments entry; a new record whose ID REF already uses.
Exit 2 when REF is unknown or the folder is not a Git repository.
Example:  bulletin check-changes --base origin/main --format github"""

HELP["codeowners"] = """Print the CODEOWNERS file made from site_config/ (people.yml roles and git_user,
optional codeowners.yml): records/capa/ -> role qa, records/meetings/management-review/ -> management-rep.

Example:  bulletin codeowners --write     (writes .github/CODEOWNERS)
          bulletin codeowners --check     (exit 1 when .github/CODEOWNERS is out of date)"""


def cmd_check_changes(args) -> int:
    from .changes import ChangesError, check_changes

    root = _root(args)
    cfg = load_config(root)
    lang = args.lang or cfg.language
    try:
        result = check_changes(root, args.base, cfg)
    except ChangesError as exc:
        print(f"bulletin check-changes: {render(exc.code, lang, **exc.args_)}", file=sys.stderr)
        return 2
    print(render("changes-compared", lang, ref=args.base, base=result.base[:12]), file=sys.stderr)
    print(FORMATS[args.format](result.problems, lang, result.compared))
    return 1 if result.errors else 0


def cmd_codeowners(args) -> int:
    from .codeowners import OUTPUT, render as render_codeowners, write

    root = _root(args)
    cfg = load_config(root)
    text = render_codeowners(root, cfg)
    if args.check:
        current = root / OUTPUT
        if not current.is_file() or current.read_text("utf-8") != text:
            print(f"{OUTPUT} is out of date; run: bulletin codeowners --write", file=sys.stderr)
            return 1
        return 0
    if args.write:
        print(write(root, cfg).relative_to(root).as_posix())
        return 0
    sys.stdout.write(text)
    return 0


HELP["audit-pack"] = """Write a zip an auditor opens offline (from a USB stick, no server, no network): the site for
--audience (all-staff unless told otherwise, printed on its cover) holding the records of the period --from
to --to (a record belongs when its life overlaps the period: from its own date to its closing, approval or
submission; open records run to --today), every audit page (auditor's index, document register …) and each
record's history. Search and table filters work from file://. The same records, period, audience and
--today give a byte-identical zip.

Example:  bulletin audit-pack --from 2026-01-01 --to 2026-11-24 --out audit-2026.zip --today 2026-11-24"""


def cmd_audit_pack(args) -> int:
    from .auditpack import PackError, check_request, make_pack
    from .build import Refused

    root = _root(args)
    cfg = load_config(root)
    lang = args.lang or cfg.language
    out = Path(args.out) if Path(args.out).is_absolute() else Path.cwd() / args.out

    def refuse(code, **kw) -> int:
        print(f"bulletin audit-pack: error: {render(code, lang, **kw)}", file=sys.stderr)
        return 2

    dates = {}
    for option, text in (("--from", args.start), ("--to", args.end), ("--today", args.today)):
        if text is None:
            continue
        try:
            dates[option] = dt.date.fromisoformat(text)
        except ValueError:
            return refuse("pack-bad-date", option=option, value=text)
    start, end = dates["--from"], dates["--to"]
    try:
        check_request(root, out, start, end)
    except PackError as exc:
        return refuse(exc.code, **exc.args_)
    root, cfg, lang, result = _repository(args)
    if result.errors:
        print(FORMATS["text"](result.problems, lang, len(result.tree.record_files)), file=sys.stderr)
        print(render("build-refused", lang, out=args.out), file=sys.stderr)
        return 1
    today = dates.get("--today") or today_in(cfg.time_zone)
    try:
        pack = make_pack(root, result, out, start=start, end=end, audience=args.audience, today=today)
    except PackError as exc:
        return refuse(exc.code, **exc.args_)
    except Refused as exc:
        print(f"bulletin audit-pack: error: {exc.message(lang)}", file=sys.stderr)
        return 2
    print(render("pack-done", lang, out=args.out, start=start, end=end, records=pack.records, files=pack.files,
                 audience=args.audience))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulletin",
        description="Records-as-code: meeting minutes, notices, CAPAs and reports kept in Git. "
                    "记录即代码：会议纪要、通知公告、纠正预防措施和部门报告。",
    )
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, summary):
        p = sub.add_parser(name, help=summary, description=HELP.get(name, summary),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--root", help="the repository (default: the nearest folder with site_config/ or records/)")
        p.add_argument("--lang", choices=["zh", "en"], help="language of messages (default: site_config/site.yml)")
        return p

    p = command("validate", "check every record and the registries")
    p.add_argument("paths", nargs="*", metavar="PATH", help="report only problems of these files or folders")
    p.add_argument("--format", choices=list(FORMATS), default="text", help="text (default), json or github")
    p.add_argument("--today", type=parse_date, help="the date to judge against, YYYY-MM-DD")
    p.set_defaults(func=cmd_validate)

    p = command("init", "create a new company's records repository in DIR")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.add_argument("--company", required=True, help="the company's name (site name, README, printed copies)")
    p.add_argument("--today", type=parse_date, help="the first month owed in the example report schedule")
    p.add_argument("--wheel", help="the Bulletin wheel to pin (default: the one this Bulletin was installed from)")
    p.set_defaults(func=cmd_init)

    p = command("new", "write a new record with the next free ID; prints its path")
    p.add_argument("type", metavar="TYPE", help="meeting, notice, capa or report")
    p.add_argument("--title", required=True, help="the record's title")
    p.add_argument("--today", type=parse_date, help="the date of the new record (default: today)")
    p.add_argument("--department", help="department code (site_config/departments.yml)")
    p.add_argument("--person", help="person id for chair/recorder/owner/author (site_config/people.yml)")
    p.add_argument("--kind", help="meeting kind or report kind")
    p.add_argument("--category", help="notice category")
    p.add_argument("--source", help="CAPA source")
    p.add_argument("--period", help="report period, e.g. 2026-10 (default: last month)")
    p.set_defaults(func=cmd_new)

    def site_options(p):
        p.add_argument("--out", default="site", help="output folder (default: site)")
        p.add_argument("--audience", choices=["all-staff", "management", "restricted"], default="all-staff",
                       help="who the site is for (default: all-staff; hidden records leave no trace)")
        p.add_argument("--today", type=parse_date, help="judge overdue/active/expired against this date, YYYY-MM-DD")

    p = command("build", "validate, then build the bulletin site into a folder (swapped in only on success)")
    site_options(p)
    p.add_argument("--strict", action="store_true", help="fail on any MkDocs warning (broken links, anchors)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="a progress line (default: on a terminal, off in CI)")
    p.set_defaults(func=cmd_build)

    p = command("serve", "build, serve at http://127.0.0.1:8000, and rebuild (incrementally) on every save")
    site_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.set_defaults(func=cmd_serve, strict=False)

    p = command("status", "what is owed (overdue items by default), grouped by owner, for one audience")
    p.add_argument("--today", type=parse_date, help="the date to judge against, YYYY-MM-DD")
    p.add_argument("--format", choices=["text", "json", "markdown", "wecom", "dingtalk"], default="text",
                   help="text (e-mail), json, markdown, or the JSON payload of a WeCom / DingTalk group robot")
    p.add_argument("--audience", choices=["all-staff", "management", "restricted"], default="all-staff",
                   help="whose records to count (default: all-staff; management and restricted records are left out)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--person", metavar="ID", help="everything this person owes (an id from site_config/people.yml)")
    who.add_argument("--department", metavar="CODE", help="everything this department and its people owe")
    p.set_defaults(func=cmd_status)

    p = command("check-changes", "change control for a pull request: deleted records, changed IDs, unamended edits")
    p.add_argument("--base", required=True, metavar="REF", help="the pull request's target, e.g. origin/main")
    p.add_argument("--format", choices=list(FORMATS), default="text", help="text (default), json or github")
    p.set_defaults(func=cmd_check_changes)

    p = command("codeowners", "print (or --write) .github/CODEOWNERS from site_config/")
    p.add_argument("--write", action="store_true", help="write .github/CODEOWNERS instead of printing it")
    p.add_argument("--check", action="store_true", help="exit 1 when .github/CODEOWNERS is out of date")
    p.set_defaults(func=cmd_codeowners)

    p = command("audit-pack", "a zip of one period's records an auditor opens offline (file://)")
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help="first day of the period, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help="last day of the period, YYYY-MM-DD")
    p.add_argument("--out", required=True, metavar="FILE.zip", help="the zip to write (a new file, or an earlier pack)")
    p.add_argument("--audience", choices=["all-staff", "management", "restricted"], default="all-staff",
                   help="who the pack is for (default: all-staff, printed on its cover)")
    p.add_argument("--today", metavar="DATE", help="judge overdue/open against this date, YYYY-MM-DD")
    p.set_defaults(func=cmd_audit_pack)
    return parser


def _config_error(exc: ConfigError, lang: str) -> str:
    return f"{exc.path}:{exc.line or 1}: error: {render('config-unreadable', lang, problem=exc.problem)}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        lang = getattr(args, "lang", None) or "zh"
        print(_config_error(exc, lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:   # `bulletin status | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug of ours: say so briefly, never a traceback for the writer
        if os.environ.get("BULLETIN_DEBUG"):
            raise
        print(f"bulletin: internal error: {type(exc).__name__}: {exc} (set BULLETIN_DEBUG=1 for details)",
              file=sys.stderr)
        return 2


def run() -> None:
    """The console command: main(), then exit without tearing down the heap, which takes longer than
    an incremental build at 10,000 records. Everything is written and closed by then."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
