"""The demo's council meeting: Fjordvik's councillors voted on the challenges and weaknesses of
the published evaluation; the meeting is closed and its ranking is the way forward."""

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.meetings import services
from kommunekompass.meetings.models import Meeting

# Each councillor's choices, as positions in the meeting's list (1-based), up to three.
BALLOTS = [
    (1, 3, 5),
    (1, 3),
    (1, 2, 3),
    (3, 5, 6),
    (1, 5),
    (3, 1, 4),
    (2, 3),
    (1, 6, 5),
    (3,),
    (1, 4, 5),
    (5, 3, 2),
]


def load_demo_meeting(users) -> bool:
    """One closed meeting on Fjordvik's published evaluation, opened and closed by its
    coordinator; True when it was made now."""
    evaluation = (
        Evaluation.objects.published()
        .filter(municipality__country="NO", municipality__number="9901")
        .order_by("-year")
        .first()
    )
    if evaluation is None or Meeting.objects.filter(evaluation=evaluation).exists():
        return False
    coordinator = users["coordinator"]
    meeting = services.open_meeting(evaluation=evaluation, user=coordinator, subject="findings")
    options = list(meeting.options.order_by("position"))
    for number, ballot in enumerate(BALLOTS, start=1):
        chosen = [options[p - 1].pk for p in ballot if p <= len(options)]
        services.cast(meeting=meeting, device=f"demo-councillor-{number}", option_ids=chosen)
    services.close_meeting(meeting=meeting, user=coordinator)
    return True
