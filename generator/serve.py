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
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import watchfiles

from .messages import render

WATCHED = ("records", "site_config", "docs", "mkdocs.yml", "templates")
DEFAULT_FILTER = watchfiles.DefaultFilter()
VERSION_PATH = "/__bulletin__/version"
RELOAD = (b"<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH.encode() +
          b"',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)"
          b"location.reload();v=t}).catch(function(){})},1000)})()</script>")


class Saves:
    """Saves under the watched paths, seen by watchfiles (inotify on Linux; polling where that does not reach)
    in a thread of their own, so that a save made while a build runs is the next build's. The watch is set up
    again, and that counts as a save, when a watched path appears, goes or is replaced (an editor that saves
    mkdocs.yml by renaming over it, which ends a watch on the file; docs/ made later). Watching has begun
    when the constructor returns."""

    TICK_MS = 500        # how often the watched paths themselves are looked at (a few stats)

    def __init__(self, root: Path, stop: threading.Event, *, debounce: float, say=print):
        self.root, self.stop, self.say = Path(root).resolve(), stop, say
        self.debounce_ms = max(50, int(debounce * 1000))
        self.force_polling: bool | None = None        # watchfiles decides (WATCHFILES_FORCE_POLLING, WSL)
        self._queue: queue.Queue = queue.Queue()
        armed = threading.Event()
        threading.Thread(target=self._run, args=(armed,), daemon=True).start()
        armed.wait()

    def wait(self) -> bool:
        """Blocks until something is saved (True; all that came meanwhile is one save) or watching ends (False)."""
        items = [self._queue.get()]
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        for item in items:
            if isinstance(item, BaseException):
                raise item
        return None not in items

    def _watched(self) -> tuple[tuple[str, int], ...]:
        """The watched paths that exist, with their inodes."""
        out = []
        for name in WATCHED:
            try:
                out.append((str(self.root / name), os.stat(self.root / name).st_ino))
            except OSError:
                pass
        return tuple(out)

    def _read_by_builds(self, change, path: str) -> bool:
        """Not hidden (as the loader skips names starting with "."), and not what watchfiles ignores by default
        (editors' swap and backup files, __pycache__)."""
        rel = os.path.relpath(path, self.root)
        return not any(part.startswith(".") for part in Path(rel).parts) and DEFAULT_FILTER(change, path)

    def _run(self, armed: threading.Event) -> None:
        moved = False
        try:
            while not self.stop.is_set():
                paths = self._watched()
                if not paths:                             # nothing to watch yet: look again each tick
                    armed.set()
                    self.stop.wait(self.TICK_MS / 1000)
                    moved = moved or bool(self._watched())
                    continue
                try:
                    for changes in watchfiles.watch(
                            *(path for path, _ in paths), watch_filter=self._read_by_builds,
                            debounce=self.debounce_ms, step=50, rust_timeout=self.TICK_MS, yield_on_timeout=True,
                            stop_event=self.stop, raise_interrupt=False, force_polling=self.force_polling):
                        armed.set()
                        if changes or moved:
                            self._queue.put(changes)
                            moved = False
                        if self._watched() != paths:
                            moved = True
                            break
                except FileNotFoundError:                 # a watched path went just now: look again
                    moved = True
                except OSError as exc:                    # no inotify here, or its limit reached: poll
                    if self.force_polling:
                        raise
                    self.say(f"watching by polling: {exc}")
                    self.force_polling = True
        except BaseException as exc:                      # serve() raises it rather than stop rebuilding
            self._queue.put(exc)
        finally:
            armed.set()
            self._queue.put(None)


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
    saves = Saves(root, stop, debounce=debounce, say=say)      # before the first build: no save is missed
    server = None
    try:
        preview.built(build_once())
        server = http.server.ThreadingHTTPServer((host, port), preview.handler())
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        say(f"http://{host}:{server.server_address[1]}/")
        while saves.wait():
            started = time.perf_counter()
            outcome = build_once()
            preview.built(outcome)
            if outcome:
                say(f"rebuilt in {time.perf_counter() - started:.1f} s")
    finally:
        stop.set()
        if server is not None:
            server.shutdown()
            server.server_close()
