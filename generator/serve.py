"""`bulletin serve`: a live preview. Builds the site, serves it, and after every change under the
repository builds it again incrementally (incremental.py: an edit of one record takes seconds at
10,000 records); open pages reload themselves when the new site is in place.

Records with errors never replace the site: the output folder keeps the last good site, the problems
are printed, and while they last every page the browser asks for is a page that lists them (file, line,
message, in the site's language), where the writer looks; the next save is tried again, and once it builds,
open pages return to the site by themselves. The reload script is added to pages as they are sent, never
to the files of the site, which stay exactly what `bulletin build` makes.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from .messages import render

WATCHED = ("records", "site_config", "docs", "mkdocs.yml", "templates")
DEFAULT_FILTER = watchfiles.DefaultFilter()
TICK_MS = 500         # how often the watched paths themselves are looked at (a few stats)
VERSION_PATH = "/__bulletin__/version"
RELOAD = (b"<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH.encode() +
          b"',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)"
          b"location.reload();v=t}).catch(function(){})},1000)})()</script>")


def saves(root: Path, stop: threading.Event, *, debounce: float, say=print):
    """Yields once watching has begun, then once per save (all that came within `debounce` seconds) until `stop`
    is set. watchfiles watches (inotify on Linux; it polls where that does not reach, or when told to by
    WATCHFILES_FORCE_POLLING=1) and keeps collecting while the caller builds, so a save made during a build is
    the next one. The watch is set up again, and that is a save, when a watched path appears, goes or is replaced
    (an editor saving mkdocs.yml by renaming over it ends a watch on the file; templates/ made later)."""
    root = Path(root).resolve()

    def watched() -> tuple[tuple[str, int], ...]:
        return tuple((str(root / name), (root / name).stat().st_ino) for name in WATCHED if (root / name).exists())

    def read_by_builds(change, path: str) -> bool:      # not hidden (the loader skips them), no editor's swap file
        return not any(part.startswith(".") for part in Path(os.path.relpath(path, root)).parts) \
            and DEFAULT_FILTER(change, path)

    force_polling, moved, armed = None, False, False
    while not stop.is_set():
        paths = watched()
        try:
            for changes in watchfiles.watch(
                    *(path for path, _ in paths), watch_filter=read_by_builds, debounce=max(50, int(debounce * 1000)),
                    step=50, rust_timeout=TICK_MS, yield_on_timeout=True, stop_event=stop,
                    force_polling=force_polling):
                if changes or moved or not armed:
                    yield
                    moved, armed = False, True
                if watched() != paths:
                    moved = True
                    break
        except FileNotFoundError:                     # a watched path went just now: look again
            moved = True
        except OSError as exc:                        # no inotify here, or its limit reached: poll
            if force_polling:
                raise
            say(f"watching by polling: {exc}")
            force_polling = True


@dataclass
class Failure:
    """A build that did not happen, and why: (path, line or None, message) per error, in the site's language.
    False as a truth value, as a failed build_once() is."""
    errors: list[tuple[str, int | None, str]] = field(default_factory=list)
    lang: str = "zh"

    def __bool__(self) -> bool:
        return False

    def page(self, out: str) -> bytes:
        """The page served in place of every page while the errors last (escaped; reloads when they are fixed)."""
        title = html.escape(render("serve-errors-title", self.lang))
        intro = html.escape(render("serve-errors-intro", self.lang, n=len(self.errors), out=out))
        items = "".join(
            (f'<li><code class="where">{html.escape(path)}{f":{line}" if line else ""}</code> ' if path else "<li>")
            + f'<span class="message">{html.escape(message)}</span></li>\n' for path, line, message in self.errors)
        lang = "en" if self.lang == "en" else "zh-CN"
        return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
                '<meta name="viewport" content="width=device-width, initial-scale=1">'
                "<style>body{font:16px/1.6 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;"
                "color:#222}h1{color:#b42318;font-size:1.4rem}li{margin:.6rem 0}code{background:#fef3f2;"
                "padding:.1rem .3rem;border-radius:3px}</style></head>\n"
                f'<body><h1 id="bulletin-errors">{title}</h1>\n<p>{intro}</p>\n<ol class="errors">\n{items}</ol>\n'
                ).encode("utf-8") + RELOAD + b"</body></html>\n"

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self.errors).encode("utf-8")).hexdigest()[:12]


class Preview:
    """The served folder and its version, which changes the moment a new site is in place (each build
    swaps in a new folder: its inode and time are the version), not when the build has done its bookkeeping,
    and when the errors of the last save change (`failure`: then every page is the page of errors)."""

    def __init__(self, out: Path):
        self.out = out
        self._version = "0"
        self.failure: Failure | None = None

    @property
    def version(self) -> str:
        try:
            st = os.stat(self.out)
            self._version = f"{st.st_ino}.{st.st_mtime_ns}"
        except OSError:
            pass          # between the two renames of a swap: still the previous site
        failure = self.failure
        return f"{self._version}.{failure.digest}" if failure is not None else self._version

    def built(self, outcome) -> None:
        """What a build_once() returned: True clears the errors, a Failure shows its errors; plain False
        (a failure without details) leaves what is shown as it was."""
        if outcome or isinstance(outcome, Failure):
            self.failure = outcome if isinstance(outcome, Failure) else None

    def handler(self):
        preview = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(preview.out), **kwargs)

            def do_GET(self):
                url = self.path.split("?", 1)[0].split("#", 1)[0]
                if url == VERSION_PATH:
                    return self._send(200, preview.version.encode(), "text/plain")
                path = Path(self.translate_path(self.path))
                failure = preview.failure
                if failure is not None and (path.is_dir() or path.suffix in ("", ".html") or not path.exists()):
                    return self._send(500, failure.page(preview.out.name), "text/html; charset=utf-8")
                if path.is_dir():
                    if not url.endswith("/"):
                        return super().do_GET()      # redirects to the folder's URL with a slash
                    path = path / "index.html"
                status = 200
                if not path.exists() and (preview.out / "404.html").is_file():
                    path, status = preview.out / "404.html", 404
                if path.suffix != ".html" or not path.is_file():
                    return super().do_GET()
                try:
                    data = path.read_bytes()
                except OSError:
                    return super().do_GET()
                end = data.rfind(b"</body>")
                data = data[:end] + RELOAD + data[end:] if end >= 0 else data + RELOAD
                return self._send(status, data, "text/html; charset=utf-8")

            def _send(self, status: int, data: bytes, kind: str):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


def serve(root: Path, out: Path, *, build_once, host: str = "127.0.0.1", port: int = 8000,
          debounce: float = 0.5, say=print, stop: threading.Event | None = None) -> None:
    """Build, serve, and rebuild on change until `stop` is set (or Ctrl-C); saves that come within `debounce`
    seconds of each other are one build. `build_once()` builds into `out` and returns True, or prints the
    problems and returns a Failure naming them (or False); the previous site stays in `out`, and the errors
    are what the browser is shown until a save builds."""
    preview = Preview(out)
    out.mkdir(parents=True, exist_ok=True)
    stop = stop or threading.Event()
    server = None
    try:
        for _ in saves(root, stop, debounce=debounce, say=say):      # the first build once watching: no save missed
            started = time.perf_counter()
            outcome = build_once()
            preview.built(outcome)
            if server is None:
                server = http.server.ThreadingHTTPServer((host, port), preview.handler())
                server.daemon_threads = True
                threading.Thread(target=server.serve_forever, daemon=True).start()
                say(f"http://{host}:{server.server_address[1]}/")
            elif outcome:
                say(f"rebuilt in {time.perf_counter() - started:.1f} s")
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
