"""`plugins: [bulletin]` in mkdocs.yml: the entry point that travels with the package (a hook file path
cannot). Each MkDocs event goes to the function of the same name in hooks.py, so `hooks:` and the plugin
build the same site."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from generator import hooks

EVENTS = sorted(name for name in dir(hooks) if name.startswith("on_") and callable(getattr(hooks, name)))


class BulletinPlugin(BasePlugin):
    """Bulletin's records, pages and search for MkDocs."""


def _forward(name: str):
    def event(self, *args, **kwargs):
        return getattr(hooks, name)(*args, **kwargs)

    event.__name__ = name
    return event


for _name in EVENTS:
    setattr(BulletinPlugin, _name, _forward(_name))
