from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API (/api/), personal API tokens and the open-data files (/open-data/)."""

    name = "kommunekompass.api"
    label = "api"
    verbose_name = _("API and open data")

    def ready(self):
        from django.db.models.signals import post_save

        from kommunekompass.api import opendata
        from kommunekompass.evaluations.models import Evaluation

        # Publishing, republishing, importing and withdrawing all save the evaluation (a bulk
        # publication sends the same signal, see workflow._saved): the open-data files of its
        # framework version are made anew once the transaction is committed.
        post_save.connect(opendata.evaluation_saved, sender=Evaluation, dispatch_uid="open-data")
