"""What `bulletin build` hands to the MkDocs hook, and the worker processes that render pages and files.

MkDocs loads the hook from its file path, so the hook module cannot be imported (or pickled) by
name; this small module is the meeting point both sides can import.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

PRELOADED: dict = {}   # repository root -> validate.Result, set by `bulletin build` so records are read once
HANDOFF: dict = {}     # previous / manifest (in), manifest_out (out): see incremental.py
_job: dict = {}        # inherited by forked workers: the function that renders one page


def _work(srcs: list[str]) -> list:
    render = _job["render"]
    return [(src, render(src)) for src in srcs]


def _background():
    return _job["background"]()


def background(fn):
    """Start fn() in a forked process now; the returned future's result() is its return value."""
    _job["background"] = fn
    try:
        pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        future = pool.submit(_background)   # a "fork" pool forks here, inside submit
    finally:
        _job.pop("background", None)
    pool.shutdown(wait=False)
    return future


def run(srcs: list[str], render, jobs: int):
    """Yield (src, render(src)) for every source, rendered by `jobs` forked processes."""
    _job["render"] = render
    chunks = [srcs[i::jobs * 4] for i in range(jobs * 4)]
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            for part in pool.map(_work, chunks):
                yield from part
    finally:
        _job.clear()
