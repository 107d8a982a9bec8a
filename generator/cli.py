"""The `bulletin` command: a thin shell over the library. Exit 0 ok, 1 problems, 2 cannot run."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from . import __version__
from .config import ConfigError, load_config
from .messages import render
from .problems import FORMATS, count

HELP = {
    "validate": """Check every record and the registries; print each problem as path:line: error: message.

Exit 0 when there are no errors, 1 when there are, 2 when it cannot run.
Example:  bulletin validate                 (the whole repository)
          bulletin validate records/capa    (only problems of these files)""",
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


def today_in(time_zone: str) -> dt.date:
    """Today in the site's time zone, used only when no --today is given."""
    from zoneinfo import ZoneInfo

    try:
        return dt.datetime.now(ZoneInfo(time_zone)).date()
    except Exception:
        return dt.date.today()


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
    result = load_repository(root, cfg)
    paths = [] if (len(args.paths) == 1 and Path(args.paths[0]).resolve() == root) else args.paths
    problems = select(result.problems, paths, root)
    checked = len(result.tree.record_files)
    print(FORMATS[args.format](problems, lang, checked))
    errors, _ = count(problems)
    return 1 if errors else 0


def cmd_new(args) -> int:
    from .new import create

    root = _root(args)
    cfg = load_config(root)
    if args.type not in cfg.types:
        print(f"bulletin new: unknown type {args.type}; choose one of: {', '.join(cfg.types)}", file=sys.stderr)
        return 2
    today = args.today or today_in(cfg.time_zone)
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    path = create(root, cfg, args.type, args.title, today, department=args.department, person=args.person,
                  kind=args.kind, category=args.category, source=args.source, period=args.period or last_month)
    print(path.relative_to(root).as_posix())
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigError as exc:
        lang = getattr(args, "lang", None) or "zh"
        print(f"{exc.path}:{exc.line or 1}: error: {render('config-unreadable', lang, problem=exc.problem)}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug of ours: say so briefly, never a traceback for the writer
        if os.environ.get("BULLETIN_DEBUG"):
            raise
        print(f"bulletin: internal error: {type(exc).__name__}: {exc} (set BULLETIN_DEBUG=1 for details)",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
