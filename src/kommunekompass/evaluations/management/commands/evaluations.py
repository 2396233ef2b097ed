from django.core.management.base import BaseCommand

from kommunekompass.evaluations.models import Evaluation


class Command(BaseCommand):
    help = "List evaluations with id, municipality, year, framework and status."

    def handle(self, *args, **options):
        evaluations = Evaluation.objects.select_related("municipality", "framework").order_by("id")
        if not evaluations:
            self.stdout.write("No evaluations yet.")
            return
        width = max(len("municipality"), *(len(e.municipality.name) for e in evaluations))
        header = f"{'id':>5}  {'municipality':<{width}}  {'year':<5} {'framework':<22} status"
        self.stdout.write(header)
        for evaluation in evaluations:
            framework = f"{evaluation.framework.key} {evaluation.framework.version}"
            self.stdout.write(
                f"{evaluation.id:>5}  {evaluation.municipality.name:<{width}}  "
                f"{evaluation.year:<5} {framework:<22} {evaluation.status}"
            )
