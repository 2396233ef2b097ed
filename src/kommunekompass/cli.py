"""The `kommunekompass` command. Every Django management command is available through it:

kommunekompass serve [--host H] [--port N]   migrate, then serve the app
kommunekompass demo                          load frameworks and demo users (idempotent)
kommunekompass evaluations                   list evaluations
kommunekompass framework validate FILE       check a framework file
kommunekompass framework list                installed frameworks
kommunekompass framework load FILE           load a framework file into the database
kommunekompass export-evaluation ID -o F.zip one evaluation, whole, as a bundle
kommunekompass import-evaluation F.zip       a bundle into this instance, all or nothing
kommunekompass backup -o DIR                 database and every stored file, with checksums
kommunekompass restore DIR                   a backup into an empty instance

Every command speaks the language given with `--language nb|nn|sv|en` (anywhere on the line)
or the KOMMUNEKOMPASS_LANGUAGE environment variable; bokmål (nb) when neither is given.
"""

import os
import sys

LANGUAGE_VARIABLE = "KOMMUNEKOMPASS_LANGUAGE"
# Commands that change the schema themselves (serve migrates first): their database errors
# are shown as they are.
MIGRATING_COMMANDS = {"migrate", "makemigrations", "squashmigrations", "flush", "serve"}


def take_language(args: list[str]) -> tuple[str | None, list[str]]:
    """(the value of `--language X` or `--language=X`, the other arguments)."""
    language, rest, index = None, [], 0
    while index < len(args):
        arg = args[index]
        if arg == "--language" and index + 1 < len(args):
            language, index = args[index + 1], index + 2
            continue
        if arg.startswith("--language="):
            language = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        index += 1
    return language, rest


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunekompass.settings")
    import django
    from django.conf import settings
    from django.core.management import execute_from_command_line
    from django.utils import translation

    args = list(sys.argv[1:] if argv is None else argv)
    language, args = take_language(args)
    language = language or os.environ.get(LANGUAGE_VARIABLE) or "nb"
    django.setup()
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        sys.exit(f"Unknown language {language!r}: use one of {', '.join(codes)}.")
    from django.db import DatabaseError

    with translation.override(language):
        try:
            execute_from_command_line(["kommunekompass", *args])
        except DatabaseError:
            # A failing migration shows its own error: "run migrate" would be no help.
            if args and args[0] in MIGRATING_COMMANDS:
                raise
            message = unmigrated_message()
            if message is None:
                raise
            sys.exit(message)


def unmigrated_message() -> str | None:
    """After a database error: a clear message if migrations are pending, else None (the error
    is something else and is raised as it is)."""
    from kommunekompass.core.health import pending_migrations

    try:
        pending = pending_migrations()
    except Exception:  # noqa: BLE001 - the database itself is the problem; show its error
        return None
    if not pending:
        return None
    from django.utils.translation import ngettext

    return ngettext(
        "The database is not up to date: %(count)d migration is not applied (the first: "
        "%(first)s). Run `kommunekompass migrate` first (`kommunekompass serve` does it itself "
        "unless given --no-migrate).",
        "The database is not up to date: %(count)d migrations are not applied (the first: "
        "%(first)s). Run `kommunekompass migrate` first (`kommunekompass serve` does it itself "
        "unless given --no-migrate).",
        len(pending),
    ) % {"count": len(pending), "first": pending[0]}


if __name__ == "__main__":
    main()
