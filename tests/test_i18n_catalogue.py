"""The Swedish catalogue covers every text of the code and templates (no app needed).

Extracts the messages exactly as ``make translations`` does (babel.cfg, ``lazy_gettext``, ``_l``)
and compares them with ``meetmatch/translations/sv/LC_MESSAGES/messages.po``: each must be
there, translated (every plural form) and not fuzzy, with the same placeholders.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "meetmatch" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"


def extracted_messages(root: Path = ROOT) -> Catalog:
    """The messages of the source tree, as ``make translations`` extracts them."""
    with (root / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = dict(DEFAULT_KEYWORDS, lazy_gettext=None, _l=None)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=keywords
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def catalogue_problems(source: Catalog, translated: Catalog) -> list[str]:
    """One line per extracted message that the translated catalogue lacks or has unfinished."""
    problems = []
    for message in source:
        if not message.id:
            continue
        where = f"{message.locations[0][0]}:{message.locations[0][1]}" if message.locations else ""
        entry = translated.get(message.id, context=message.context)
        label = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            problems.append(f"missing: {label!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {label!r} ({where})")
        elif not all(entry.string if isinstance(entry.string, tuple) else [entry.string]):
            problems.append(f"untranslated: {label!r} ({where})")
        else:
            problems.extend(f"{label!r}: {error}" for error in entry.check(translated))
    return problems


def test_every_message_is_translated_into_swedish():
    with PO.open("rb") as po_file:
        swedish = read_po(po_file, locale="sv")
    problems = catalogue_problems(extracted_messages(), swedish)
    assert not problems, (
        f"{len(problems)} message(s) need a Swedish translation: run `make translations`, "
        "translate them in " + str(PO.relative_to(ROOT)) + "\n  " + "\n  ".join(problems[:60])
    )


def test_the_check_finds_a_new_untranslated_and_a_fuzzy_message(tmp_path):
    """The completeness check fails for a newly wrapped text and for a fuzzy entry."""
    (tmp_path / "meetmatch").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "babel.cfg").write_text((ROOT / "babel.cfg").read_text())
    (tmp_path / "meetmatch" / "new.py").write_text(
        "from meetmatch.i18n import _, lazy_gettext\n"
        "A = lazy_gettext('Seats left')\n"
        "def f(n):\n    return _('Hello %(name)s', name=n)\n"
    )
    (tmp_path / "templates" / "page.html").write_text("<p>{{ _('Tables') }}</p>\n")
    source = extracted_messages(tmp_path)
    assert {m.id for m in source if m.id} == {"Seats left", "Hello %(name)s", "Tables"}

    translated = Catalog(locale="sv")
    translated.add("Tables", "Bord")
    translated.add("Hello %(name)s", "Hej %(name)s", flags=["fuzzy", "python-format"])
    problems = catalogue_problems(source, translated)
    assert sorted(p.split(":")[0] for p in problems) == ["fuzzy", "missing"]

    translated.add("Seats left", "Platser kvar")
    del translated["Hello %(name)s"]
    translated.add("Hello %(name)s", "Hej %(namn)s", flags=["python-format"])  # wrong placeholder
    problems = catalogue_problems(source, translated)
    assert len(problems) == 1 and "Hello" in problems[0]

    del translated["Hello %(name)s"]
    translated.add("Hello %(name)s", "Hej %(name)s", flags=["python-format"])
    assert catalogue_problems(source, translated) == []


def test_catalogues_are_compiled_when_missing_or_older_than_their_po(tmp_path):
    import os
    import shutil
    from gettext import GNUTranslations

    from meetmatch.i18n import compile_catalogues

    folder = tmp_path / "translations" / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(PO, folder / "messages.po")
    assert compile_catalogues(tmp_path / "translations") == [folder / "messages.mo"]
    with (folder / "messages.mo").open("rb") as mo_file:
        assert GNUTranslations(mo_file).gettext("How it works") == "Så går det till"
    assert compile_catalogues(tmp_path / "translations") == []  # up to date: nothing written

    os.utime(folder / "messages.mo", (1, 1))  # the .po was edited since
    assert compile_catalogues(tmp_path / "translations") == [folder / "messages.mo"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no partial file left
