"""Compiles the gettext catalogues (``.po`` -> ``.mo``) whenever the package is built.

Everything else about the build is in pyproject.toml. The ``.mo`` files are written next to
their ``.po`` in the source tree, so a wheel ships them and an editable install finds them.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "meetmatch" / "translations"


class BuildPyWithCatalogues(build_py):
    def run(self):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parts[-3])
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)  # fuzzy entries are left out
        super().run()


setup(cmdclass={"build_py": BuildPyWithCatalogues})
