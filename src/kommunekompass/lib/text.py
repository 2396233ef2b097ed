"""Checks of text as people and programs send it. No database; Django only for the form
validator `refuse_control_characters`."""

from __future__ import annotations

import re

# C0 controls except tab (09), line feed (0A) and carriage return (0D); DEL (7F); C1 (80-9F).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def find_control_character(text: str) -> int | None:
    """The index (0-based) of the first control character in `text` that has no place in a
    text a person wrote: C0 controls other than tab, line feed and carriage return, DEL, and
    C1 controls. None when there is none."""
    match = _CONTROL.search(text)
    return match.start() if match else None


def describe_character(character: str) -> str:
    """A control character as people can read it in a message: U+000B."""
    return f"U+{ord(character):04X}"


def refuse_control_characters(value) -> None:
    """A form field's validator: a text with a control character (see
    `find_control_character`) is refused with its position, counted from 1, and its code:
    "Character 12 is a control character (U+000B); remove it." """
    if not isinstance(value, str):
        return
    position = find_control_character(value)
    if position is None:
        return
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy

    raise ValidationError(
        gettext_lazy("Character %(position)s is a control character (%(character)s); remove it."),
        code="control_character",
        params={"position": position + 1, "character": describe_character(value[position])},
    )


# Words that name what a municipality is rather than which one it is.
MUNICIPALITY_WORDS = frozenset({"kommune", "kommunen", "kommun", "municipality", "herad"})


def _plain_name(name: str, ignored: frozenset[str]) -> str:
    words = "".join(c if c.isalnum() else " " for c in name.casefold()).split()
    return " ".join(w for w in words if w not in ignored)


def names_agree(written: str, name: str, ignored: frozenset[str] = MUNICIPALITY_WORDS) -> bool:
    """True when a name written in a file may be `name` (case, punctuation and the `ignored`
    words aside; either may be part of the other, e.g. a name in two languages)."""
    written, name = _plain_name(written, ignored), _plain_name(name, ignored)
    return not written or written in name or name in written
