"""`kommunekompass freeze-published`: give every evaluation published before versions existed
its version 1, from its data as it stands (with a progress bar)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.evaluations.services.workflow import freeze_published_many

BATCH = 50


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
        # In batches: the snapshots of a batch are made together (all of them are published
        # already, so a batch gives what freezing them one by one gives).
        with tqdm(
            total=len(pending), desc=_("Freezing"), unit=_("evaluation"), file=self.stderr._out
        ) as bar:
            for start in range(0, len(pending), BATCH):
                chunk = pending[start : start + BATCH]
                frozen += len(freeze_published_many(chunk))
                bar.update(len(chunk))
        self.stdout.write(
            ngettext(
                "%(count)d published evaluation frozen as version 1.",
                "%(count)d published evaluations frozen as version 1.",
                frozen,
            )
            % {"count": frozen}
        )
