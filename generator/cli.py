"""The `bulletin` command: a thin shell over the library. Exit 0 ok, 1 problems, 2 cannot run."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import re
import sys
from pathlib import Path

from . import __version__
from .cli_help import help_text
from .config import ConfigError, load_config, site_language, today_in
from .messages import LANGS, render
from .problems import FORMATS, count


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
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


# argparse's own complaints (English, from its source) -> our messages, in the reader's language
_ARG_ERRORS = (
    (re.compile(r"argument (?P<option>\S+?): invalid choice: '(?P<value>.*)' \(choose from (?P<choices>.*)\)$"),
     "arg-bad-choice"),
    (re.compile(r"argument (?P<option>\S+?): not a date YYYY-MM-DD: '(?P<value>.*)'$"), "arg-not-a-date"),
    (re.compile(r"argument (?P<option>\S+?): invalid \w+ value: '(?P<value>.*)'$"), "arg-bad-value"),
    (re.compile(r"argument (?P<option>\S+?): expected one argument$"), "arg-expected-one"),
    (re.compile(r"argument (?P<option>\S+?): not allowed with argument (?P<other>\S+)$"), "arg-not-with"),
    (re.compile(r"the following arguments are required: (?P<names>.*)$"), "arg-required"),
    (re.compile(r"unrecognized arguments: (?P<names>.*)$"), "arg-unrecognized"),
)


class _Parser(argparse.ArgumentParser):
    """argparse, its errors in the reader's language (`lang`, set by build_parser)."""
    lang = "zh"

    def error(self, message: str):
        for pattern, code in _ARG_ERRORS:
            found = pattern.match(message)
            if found:
                args = found.groupdict()
                if "choices" in args:
                    args["choices"] = args["choices"].replace("'", "")
                message = render(code, self.lang, prog=self.prog, **args)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


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
    lang = args.lang or cfg.language
    if args.type not in cfg.types:
        print(f"bulletin new: {render('new-unknown-type', lang, found=args.type, known=', '.join(cfg.types))}",
              file=sys.stderr)
        return 2
    if not args.title.strip():
        print(f"bulletin new: {render('new-empty-title', lang)}", file=sys.stderr)
        return 2
    if not _known_names("new", args, cfg, lang):
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
    code = 2 if _out_refused(args, out) else _build_into(args, out, progress)
    gc.freeze()     # the process ends: Python's last collection need not visit the records and pages it holds
    return code


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
    except OSError as exc:      # the disk, not the records: build() has left the previous site as it was
        message = render("build-write-failed", lang, out=args.out, reason=exc.strerror or str(exc))
        print(f"bulletin {args.command}: {message}", file=sys.stderr, flush=True)
        if failed:
            failed([("", None, message)], lang)
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
        where = f"{args.host}:{args.port}"
        print(f"bulletin serve: {render('serve-cannot-listen', args.lang or 'zh', at=where, problem=exc.strerror or exc)}",
              file=sys.stderr)
        return 2
    return 0


def _known_names(command: str, args, cfg, lang: str) -> bool:
    """Whether --person and --department (where given) name a registered person and department; else says
    which one does not, with the closest name, and returns False."""
    from .schema import DidYouMean, hint

    for found, known, code in ((args.person, cfg.people, "status-unknown-person"),
                               (args.department, cfg.departments, "status-unknown-dept")):
        if found is not None and found not in known:
            print(f"bulletin {command}: {render(code, lang, found=found, hint=DidYouMean(hint(found, known)))}",
                  file=sys.stderr)
            return False
    return True


def cmd_status(args) -> int:
    from .status import render_status, status

    root, cfg, lang, result = _repository(args)
    if not _known_names("status", args, cfg, lang):
        return 2
    today = args.today or today_in(cfg.time_zone)
    st = status(result.records, cfg, today, args.audience, person=args.person, department=args.department)
    print(render_status(st, cfg, lang, args.format))
    return 0


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
            lang = args.lang or cfg.language
            print(f"bulletin codeowners: {render('codeowners-stale', lang, path=OUTPUT)}", file=sys.stderr)
            return 1
        return 0
    if args.write:
        print(write(root, cfg).relative_to(root).as_posix())
        return 0
    sys.stdout.write(text)
    return 0


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


def help_language(argv: list[str]) -> str:
    """The language of the help texts, chosen as messages' is: --lang anywhere in argv, else site.yml's
    language of the repository (--root, else found from the current folder), else zh."""
    lang, root = None, None
    for i, word in enumerate(argv):
        name, eq, value = word.partition("=")
        if not eq:
            value = argv[i + 1] if i + 1 < len(argv) else ""
        if name == "--lang" and value in LANGS:
            lang = value
        elif name == "--root" and value:
            root = value
    if lang:
        return lang
    return site_language(Path(root).resolve() if root else find_root(Path.cwd()))


def build_parser(lang: str = "zh") -> argparse.ArgumentParser:
    """The parser, its help texts in `lang` (cli_help.HELP_TEXTS); names, metavars and behaviour as in any language."""
    def t(code: str) -> str:
        return help_text(code, lang)

    parser = type("Parser", (_Parser,), {"lang": lang})(prog="bulletin", description=t("bulletin"))
    parser.add_argument("--version", action="version", version=f"bulletin {__version__}")
    parser.add_argument("--lang", dest="top_lang", choices=["zh", "en"], help=t("any:lang"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name):
        p = sub.add_parser(name, help=t(name), description=t(f"{name}:long"),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("--root", help=t("any:root"))
        p.add_argument("--lang", choices=["zh", "en"], help=t("any:lang"))
        return p

    p = command("validate")
    p.add_argument("paths", nargs="*", metavar="PATH", help=t("validate:paths"))
    p.add_argument("--format", choices=list(FORMATS), default="text", help=t("any:format-problems"))
    p.add_argument("--today", type=parse_date, help=t("any:today-judge"))
    p.set_defaults(func=cmd_validate)

    p = command("init")
    p.add_argument("dir", metavar="DIR", help=t("init:dir"))
    p.add_argument("--company", required=True, help=t("init:company"))
    p.add_argument("--today", type=parse_date, help=t("init:today"))
    p.add_argument("--wheel", help=t("init:wheel"))
    p.set_defaults(func=cmd_init)

    p = command("new")
    p.add_argument("type", metavar="TYPE", help=t("new:type"))
    p.add_argument("--title", required=True, help=t("new:title"))
    p.add_argument("--today", type=parse_date, help=t("new:today"))
    for option in ("department", "person", "kind", "category", "source", "period"):
        p.add_argument(f"--{option}", help=t(f"new:{option}"))
    p.set_defaults(func=cmd_new)

    def site_options(p):
        p.add_argument("--out", default="site", help=t("site:out"))
        p.add_argument("--audience", choices=["all-staff", "management", "restricted"], default="all-staff",
                       help=t("site:audience"))
        p.add_argument("--today", type=parse_date, help=t("site:today"))

    p = command("build")
    site_options(p)
    p.add_argument("--strict", action="store_true", help=t("build:strict"))
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help=t("build:progress"))
    p.set_defaults(func=cmd_build)

    p = command("serve")
    site_options(p)
    p.add_argument("--host", default="127.0.0.1", help=t("serve:host"))
    p.add_argument("--port", type=int, default=8000, help=t("serve:port"))
    p.set_defaults(func=cmd_serve, strict=False)

    p = command("status")
    p.add_argument("--today", type=parse_date, help=t("any:today-judge"))
    p.add_argument("--format", choices=["text", "json", "markdown", "wecom", "dingtalk"], default="text",
                   help=t("status:format"))
    p.add_argument("--audience", choices=["all-staff", "management", "restricted"], default="all-staff",
                   help=t("status:audience"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--person", metavar="ID", help=t("status:person"))
    who.add_argument("--department", metavar="CODE", help=t("status:department"))
    p.set_defaults(func=cmd_status)

    p = command("check-changes")
    p.add_argument("--base", required=True, metavar="REF", help=t("check-changes:base"))
    p.add_argument("--format", choices=list(FORMATS), default="text", help=t("any:format-problems"))
    p.set_defaults(func=cmd_check_changes)

    p = command("codeowners")
    p.add_argument("--write", action="store_true", help=t("codeowners:write"))
    p.add_argument("--check", action="store_true", help=t("codeowners:check"))
    p.set_defaults(func=cmd_codeowners)

    p = command("audit-pack")
    p.add_argument("--from", dest="start", required=True, metavar="DATE", help=t("audit-pack:from"))
    p.add_argument("--to", dest="end", required=True, metavar="DATE", help=t("audit-pack:to"))
    p.add_argument("--out", required=True, metavar="FILE.zip", help=t("audit-pack:out"))
    p.add_argument("--audience", choices=["all-staff", "management", "restricted"], default="all-staff",
                   help=t("audit-pack:audience"))
    p.add_argument("--today", metavar="DATE", help=t("audit-pack:today"))
    p.set_defaults(func=cmd_audit_pack)
    return parser


def _config_error(exc: ConfigError, lang: str) -> str:
    return f"{exc.path}:{exc.line or 1}: error: {render('config-unreadable', lang, problem=exc.problem)}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(help_language(argv)).parse_args(argv)
    args.lang = getattr(args, "lang", None) or args.top_lang
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
