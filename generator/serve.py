"""`bulletin serve`: a live preview. Builds the site, serves it, and after every change under the
repository builds it again incrementally (incremental.py: an edit of one record takes seconds at
10,000 records); open pages reload themselves when the new site is in place.

Records with errors never replace the site being served: their problems are printed, the previous
site stays, and the next save is tried again. The reload script is added to pages as they are sent,
never to the files of the site, which stay exactly what `bulletin build` makes.
"""

from __future__ import annotations

import http.server
import os
import threading
import time
from pathlib import Path

from . import stage2

WATCHED = ("records", "site_config", "docs", "mkdocs.yml")
VERSION_PATH = "/__bulletin__/version"
RELOAD = (b"<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH.encode() +
          b"',{cache:'no-store'}).then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)"
          b"location.reload();v=t}).catch(function(){})},1000)})()</script>")


def snapshot(root: Path, seen: dict | None = None) -> dict[str, tuple]:
    """(size, modification time, inode, digest) of every file that a build reads, by path. A save within one
    tick of the file system's clock that keeps the size leaves the stat as it was, so a file changed in the
    last seconds (as stage2 trusts no fresh stat), or then at the `seen` snapshot, is known by its bytes too;
    else the digest is None. Compare two snapshots with changed()."""
    out: dict[str, tuple] = {}
    fresh = time.time_ns() - stage2.RACY_NS

    def add(path: str, st: os.stat_result) -> None:
        stat = (st.st_size, st.st_mtime_ns, st.st_ino)
        before = (seen or {}).get(path)
        racy = before is not None and before[3] is not None and before[:3] == stat
        digest = stage2._digest(root, os.path.relpath(path, root)) if st.st_mtime_ns >= fresh or racy else None
        if racy and st.st_mtime_ns < fresh and digest == before[3]:
            digest = None     # unchanged, and too old now for a save to keep its stat
        out[path] = (*stat, digest)

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir(follow_symlinks=False):
                    walk(e.path)
                else:
                    add(e.path, e.stat(follow_symlinks=False))
            except OSError:
                continue

    for name in WATCHED:
        path = root / name
        if path.is_dir():
            walk(str(path))
        elif path.exists():
            add(str(path), path.stat())
    return out


def changed(seen: dict, now: dict) -> bool:
    """Whether a file was added, removed or saved between two snapshots."""
    return seen.keys() != now.keys() or any(
        a[:3] != b[:3] or None not in (a[3], b[3]) and a[3] != b[3] for a, b in ((seen[p], now[p]) for p in now))


class Preview:
    """The served folder and its version, which changes the moment a new site is in place (each build
    swaps in a new folder: its inode and time are the version), not when the build has done its bookkeeping."""

    def __init__(self, out: Path):
        self.out = out
        self._version = "0"

    @property
    def version(self) -> str:
        try:
            st = os.stat(self.out)
            self._version = f"{st.st_ino}.{st.st_mtime_ns}"
        except OSError:
            pass          # between the two renames of a swap: still the previous site
        return self._version

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
          interval: float = 0.5, say=print, stop: threading.Event | None = None) -> None:
    """Build, serve, and rebuild on change until `stop` is set (or Ctrl-C). `build_once()` builds into
    `out` and returns True, or prints the problems and returns False (the previous site stays)."""
    preview = Preview(out)
    out.mkdir(parents=True, exist_ok=True)
    seen = snapshot(root)
    build_once()
    server = http.server.ThreadingHTTPServer((host, port), preview.handler())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    say(f"http://{host}:{server.server_address[1]}/")
    stop = stop or threading.Event()
    try:
        while not stop.wait(interval):
            before, seen = seen, snapshot(root, seen)
            if not changed(before, seen):
                continue
            started = time.perf_counter()
            if build_once():
                say(f"rebuilt in {time.perf_counter() - started:.1f} s")
    finally:
        server.shutdown()
        server.server_close()
