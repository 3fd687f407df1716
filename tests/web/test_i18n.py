"""The zh_Hans catalogue is complete, has no fuzzy guesses, and the compiled .mo matches it."""

import re
from pathlib import Path

from django.utils import translation

import landcycle.web

PO = Path(landcycle.web.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"$', re.MULTILINE)


def test_catalogue_complete_and_compiled():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split('msgid "', 2)[2]  # only the header may be fuzzy
    entries = ENTRY.findall(text)
    assert len(entries) > 100
    with translation.override("zh-hans"):
        for msgid, msgstr in entries:
            assert msgstr, f"untranslated: {msgid}"
            msgid = msgid.replace('\\"', '"')
            assert translation.gettext(msgid) == msgstr.replace('\\"', '"'), msgid
    with translation.override("en"):
        assert translation.gettext("Parcels") == "Parcels"
