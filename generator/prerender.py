"""Forked worker processes: a function run in the background, or over many items in parallel.

The function is handed to the workers when they are forked (the pool's initializer), never through
this module's state in the parent process, so it may be a closure over one build's objects. Engine-free:
the site's data files use it (pages.py), and so does the engine's page rendering (engine/parallel.py).
"""

from __future__ import annotations

import gc
from collections import deque
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

RUN = 2000      # items a worker takes at most: what it copies from its parent grows with them, not with all
_job = None     # set only inside a forked worker, by _start: the function it runs


def _start(fn) -> None:
    global _job
    _job = fn


def _call():
    return _job()


def _map(items: list) -> list:
    return [(item, _job(item)) for item in items]


def _pool(workers: int, fn) -> ProcessPoolExecutor:
    # imported here: they cost a command that checks few files (bulletin validate) a fifth of its start
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # "fork": the initializer and its argument reach the workers by inheritance, unpickled
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_start,
                               initargs=(fn,))


def background(fn):
    """Start fn() in a forked process now; the returned future's result() is its return value."""
    pool = _pool(1, fn)
    with _frozen():
        future = pool.submit(_call)   # a "fork" pool forks here, inside submit
    pool.shutdown(wait=False)
    return future


def spread(items: list, fn, jobs: int):
    """Yield (item, fn(item)) for every item, computed by `jobs` forked processes that each take every
    (jobs * 4)th item: the fastest way when what a worker holds does not grow with its items (checking
    files: stage2)."""
    chunks = [items[i::jobs * 4] for i in range(jobs * 4)]
    with _pool(jobs, fn) as pool:
        for part in pool.map(_map, chunks):
            yield from part


def run(items: list, fn, jobs: int):
    """Yield (item, fn(item)) for every item, computed by `jobs` forked processes at a time.

    The items go in runs of neighbours, each run to a process of its own that ends with it: a worker
    touches (and so copies from its parent) only the objects of its own items, which were made together,
    and what it copies or keeps is given back when its run is done, not held until the last item. A run
    holds at most RUN items: a worker's memory stays the same however many items there are."""
    size = min(-(-len(items) // (jobs * 4)), RUN) or 1
    running: deque = deque()
    try:
        with _frozen():
            for start in range(0, len(items), size):
                if len(running) >= jobs:
                    yield from _done(*running.popleft())
                pool = _pool(1, fn)
                running.append((pool, pool.submit(_map, items[start:start + size])))   # forks here
            while running:
                yield from _done(*running.popleft())
    finally:    # left early (an error): the runs still going end on their own
        for pool, _ in running:
            pool.shutdown(wait=False, cancel_futures=True)


def _done(pool, future) -> list:
    """A run's results, once its process has ended (not while the next one is forked: both would be alive)."""
    try:
        return future.result()
    finally:
        pool.shutdown(wait=True)


@contextmanager
def _frozen():
    """The parent's objects out of the cyclic collector's reach while workers are forked: a worker's
    collections would otherwise visit (write to) every inherited object and copy all its memory pages."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
