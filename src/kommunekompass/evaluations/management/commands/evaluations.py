from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kommunekompass.evaluations.models import Evaluation


class Command(BaseCommand):
    help = "List evaluations with id, municipality, year, framework and status."

    def handle(self, *args, **options):
        """In the active language (kommunekompass --language, or KOMMUNEKOMPASS_LANGUAGE)."""
        evaluations = Evaluation.objects.select_related("municipality", "framework").order_by("id")
        if not evaluations:
            self.stdout.write(_("No evaluations yet."))
            return
        municipality, year, framework_label = _("Municipality"), _("Year"), _("Framework")
        width = max(len(municipality), *(len(e.municipality.name) for e in evaluations))
        header = (
            f"{'id':>5}  {municipality:<{width}}  {year:<5} {framework_label:<22} {_('Status')}"
        )
        self.stdout.write(header)
        for evaluation in evaluations:
            framework = f"{evaluation.framework.key} {evaluation.framework.version}"
            self.stdout.write(
                f"{evaluation.id:>5}  {evaluation.municipality.name:<{width}}  "
                f"{evaluation.year:<5} {framework:<22} {evaluation.get_status_display()}"
            )
