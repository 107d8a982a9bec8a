"""The adapter to the site engine: MkDocs 1.x, or ProperDocs (its maintained fork) where MkDocs is not
installed, with Material for MkDocs. It is the only package that imports either (tests/test_engine_seam.py).

    driver.py    `bulletin build`'s one call into the engine: load mkdocs.yml, hand over the job, build
    plugin.py    BulletinPlugin: `plugins: [bulletin]` (and hooks.py's one instance); all build state
    reuse.py     incremental builds: which of MkDocs' files are linked from the previous output
    parallel.py  record pages rendered in forked workers
    partials.py  Material's site-wide parts of a page rendered once per folder, not per page
    private.py   the MkDocs internals Bulletin relies on, each checked against the installed engine
"""

import importlib.util

if importlib.util.find_spec("mkdocs") is None and importlib.util.find_spec("properdocs") is not None:
    import properdocs.replacement  # noqa: F401  (mkdocs.* -> properdocs.*)

import mkdocs

NAME = mkdocs.__name__        # "mkdocs" or "properdocs": the root of the engine's loggers
VERSION = mkdocs.__version__


def identity() -> tuple[str, ...]:
    """The engine and theme a site is made with (incremental.fingerprint): name, version, place."""
    import material

    return NAME, VERSION, mkdocs.__file__, material.__file__, getattr(material, "__version__", "")
