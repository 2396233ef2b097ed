"""`kommunekompass freeze-published`: give every evaluation published before versions existed
its version 1, from its data as it stands (with a progress bar)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.evaluations.services.workflow import freeze_published


class Command(BaseCommand):
    help = (
        "Freeze every published evaluation that has no published version yet as its version 1, "
        "so its report is served from the snapshot."
    )

    def handle(self, *args, **options):
        pending = list(
            Evaluation.objects.published()
            .filter(published_version=0)
            .select_related("municipality", "framework")
            .order_by("id")
        )
        frozen = 0
        for evaluation in tqdm(pending, desc="Freezing", unit="evaluation", file=self.stderr._out):
            if freeze_published(evaluation) is not None:
                frozen += 1
        self.stdout.write(f"{frozen} published evaluation(s) frozen as version 1.")
