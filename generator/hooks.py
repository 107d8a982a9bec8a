"""`hooks: - generator/hooks.py` in mkdocs.yml: Bulletin's plugin (engine/plugin.py) as a hook file.

MkDocs loads this file anew with each configuration, so each load holds one plugin instance, PLUGIN,
whose events are this module's functions; `bulletin build` finds it there (engine/plugin.find).
"""

from generator.engine.plugin import EVENTS, BulletinPlugin

PLUGIN = BulletinPlugin()

for _name in EVENTS:
    globals()[_name] = getattr(PLUGIN, _name)
del _name
