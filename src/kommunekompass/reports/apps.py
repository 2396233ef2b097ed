from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The evaluation report: web page, print-quality PDF and spreadsheet, with charts."""

    name = "kommunekompass.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from kommunekompass.evaluations import snapshots
        from kommunekompass.reports import snapshot

        snapshots.register(
            builder=snapshot.build, renderer=snapshot.render, differ=snapshot.changes
        )
