from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's frame: layout, home page, login, language switch and the command line."""

    name = "kommunekompass.core"
    label = "core"
