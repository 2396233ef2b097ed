from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The site's frame: layout, home page, login, language switch and the command line."""

    name = "kommunekompass.core"
    label = "core"

    def ready(self):
        # Chart labels are names people type (a municipality, an indicator): draw them as
        # plain text. matplotlib would read "$...$" as mathematics and fail on "Evil $\foo{$".
        # Set once here, for every chart of every app (rc_context keeps it).
        import matplotlib

        matplotlib.rcParams["text.parse_math"] = False
