"""The Norwegian translation is complete, and the compiled .mo file matches the .po file."""

import ast
import re
from pathlib import Path

from django.utils import translation

import kommunekompass

PO_FILE = Path(kommunekompass.__file__).parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def entries():
    """(flags, msgid, msgstr or None for plurals) of every entry but the header."""
    text = PO_FILE.read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        yield flags, fields


def test_every_text_has_a_norwegian_translation():
    untranslated = [
        fields["msgid"]
        for flags, fields in entries()
        if "fuzzy" in flags or not any(v for k, v in fields.items() if k.startswith("msgstr"))
    ]
    assert untranslated == []


def test_the_compiled_catalogue_is_up_to_date():
    stale = []
    with translation.override("nb"):
        for _flags, fields in entries():
            if "msgid_plural" in fields or "msgctxt" in fields:
                continue
            if translation.gettext(fields["msgid"]) != fields["msgstr"]:
                stale.append(fields["msgid"])
    assert stale == [], "run `kommunekompass compilemessages` in src/kommunekompass"
