"""What every page's frame needs."""

from kommunekompass.lib.i18n import OWN_NAMES, language_codes


def language_switch(request) -> dict:
    """The site's languages, each named in itself, for the switch in the header."""
    return {"language_switch": [(code, OWN_NAMES.get(code, code)) for code in language_codes()]}
