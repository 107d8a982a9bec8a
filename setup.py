"""Only what pyproject.toml cannot say: a wheel carries copies of the top-level templates/, mkdocs.yml and the
runtime lock (the repository keeps them at the top, as the design card fixes), in generator/_shipped/."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("templates", "mkdocs.yml", "requirements/runtime.lock")


class BuildWithShipped(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):   # a checkout reads the top-level files themselves
            return
        target = Path(self.build_lib) / "generator" / "_shipped"
        for name in SHIPPED:
            source, dest = Path(name), target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, dest, dirs_exist_ok=True)
            else:
                shutil.copyfile(source, dest)


setup(cmdclass={"build_py": BuildWithShipped})
