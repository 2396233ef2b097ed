"""lib.text: control characters and names, as forms and importers check them."""

import pytest

from kommunekompass.lib.text import find_control_character, names_agree


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("", None),
        ("Midtre Gauldal", None),
        ("tab\tline\nreturn\r", None),
        ("æøå – “” ✓", None),
        ("\x00", 0),
        ("ab\x0b", 2),
        ("a\x1bb", 1),
        ("a\x7f", 1),
        ("a\x85", 1),
        ("a\x9f", 1),
        ("a\xa0", None),  # no-break space is text
    ],
)
def test_it_finds_the_first_control_character(text, position):
    assert find_control_character(text) == position


@pytest.mark.parametrize(
    ("written", "name", "agree"),
    [
        ("Midtre Gauldal", "Midtre Gauldal kommune", True),
        ("MIDTRE-GAULDAL KOMMUNE", "Midtre Gauldal kommune", True),
        ("Karasjok", "Kárášjohka – Karasjok kommune", True),
        ("", "Fjordvik kommune", True),
        ("Oslo", "Fjordvik kommune", False),
        ("Exempelby", "Exempelby kommun", True),
    ],
)
def test_names_agree_when_they_may_name_the_same_municipality(written, name, agree):
    assert names_agree(written, name) is agree
