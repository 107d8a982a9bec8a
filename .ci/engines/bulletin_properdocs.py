"""`bulletin` with ProperDocs in place of MkDocs, generator/ unchanged.

ProperDocs' own alias module (properdocs/replacement.py, which its `properdocs` command imports first)
makes every later `import mkdocs.…` load `properdocs.…`; after it, the Bulletin CLI runs as it is.
Run with the ProperDocs venv's python (properdocs_venv.py) and PYTHONPATH=<checkout>:

    PYTHONPATH=. <venv>/bin/python .ci/engines/bulletin_properdocs.py build --out site --today 2026-11-24
"""

import properdocs.replacement  # noqa: F401  (the alias: mkdocs.* -> properdocs.*)
from generator.cli import run

run()
