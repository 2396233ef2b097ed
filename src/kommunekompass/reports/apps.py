from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The evaluation report: web page, print-quality PDF and spreadsheet, with charts."""

    name = "kommunekompass.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kommunekompass.evaluations import snapshots
        from kommunekompass.evaluations.models import Evaluation
        from kommunekompass.reports import jobs, published, snapshot

        post_save.connect(published.forget_state, sender=Evaluation, dispatch_uid="report-state")
        post_delete.connect(
            published.forget_state, sender=Evaluation, dispatch_uid="report-state-deleted"
        )

        snapshots.register(
            builder=snapshot.build,
            batch_builder=snapshot.build_many,
            renderer=snapshot.render,
            differ=snapshot.changes,
            storer=jobs.store_later,
        )
