"""The interface language of a request: the user's own choice (the language cookie), else the
site's default. Never the browser's Accept-Language (see core.middleware.LanguageMiddleware)."""

from django.conf import settings

# Each language named in itself, as the language switch shows it.
OWN_NAMES = {
    "nb": "Norsk bokmål",
    "nn": "Norsk nynorsk",
    "sv": "Svenska",
    "en": "English",
}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def chosen_language(request) -> str | None:
    """The language the visitor chose with the switch, None if they chose none."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in language_codes() else None


def request_language(request) -> str:
    return chosen_language(request) or settings.LANGUAGE_CODE


def valid_language(language: str | None, default: str | None = None) -> str:
    """`language` if the site speaks it, else `default` (the site's default language)."""
    if language in language_codes():
        return language
    return default or settings.LANGUAGE_CODE
