"""The `kommunekompass` command. Every Django management command is available through it:

kommunekompass serve [--host H] [--port N]   migrate, then serve the app
kommunekompass demo                          load frameworks and demo users (idempotent)
kommunekompass evaluations                   list evaluations
kommunekompass framework validate FILE       check a framework file
kommunekompass framework list                installed frameworks
kommunekompass framework load FILE           load a framework file into the database
kommunekompass export-evaluation ID -o F.zip one evaluation, whole, as a bundle
kommunekompass import-evaluation F.zip       a bundle into this instance, all or nothing
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kommunekompass.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["kommunekompass", *args])


if __name__ == "__main__":
    main()
