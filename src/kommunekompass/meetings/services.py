"""The one write path of meetings: opening, voting, closing (the way forward is written by
evaluations.services.way_forward)."""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kommunekompass.evaluations.models import Finding
from kommunekompass.evaluations.services.base import ServiceError
from kommunekompass.evaluations.services.way_forward import replace_way_forward
from kommunekompass.meetings.codes import new_code
from kommunekompass.meetings.models import Meeting, Option, Voice, Vote


class MeetingClosed(ServiceError):
    def __init__(self):
        super().__init__(_("The meeting is closed: votes are no longer taken."))


def _options(evaluation, subject) -> list[Option]:
    if subject == Meeting.Subject.FOCUS_AREAS:
        areas = evaluation.framework.areas.order_by("position")
        return [Option(text=str(area), focus_area=area) for area in areas]
    findings = (
        Finding.objects.filter(
            evaluation=evaluation, kind__in=[Finding.Kind.CHALLENGE, Finding.Kind.WEAKNESS]
        )
        .select_related("focus_area")
        .order_by("focus_area__position", "kind", "position", "id")
    )
    return [
        Option(
            text=f.text,
            heading=f"{f.focus_area} · {f.get_kind_display()}",
            finding=f,
            focus_area=f.focus_area,
        )
        for f in findings
    ]


def open_meeting(*, evaluation, user, subject) -> Meeting:
    """A new open meeting on the published evaluation's findings (its published version: a
    published evaluation is frozen) or its focus areas, with a code no open meeting has."""
    if subject not in Meeting.Subject.values:
        raise ServiceError(_("Choose what the council votes on."), field="subject")
    if not evaluation.is_published:
        raise ServiceError(_("A meeting is opened from a published evaluation."))
    version = evaluation.versions.order_by("-number").first()
    options = _options(evaluation, subject)
    if not options:
        raise ServiceError(_("There is nothing to vote on."), field="subject")
    for _attempt in range(20):
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    evaluation=evaluation,
                    version=version,
                    code=new_code(),
                    subject=subject,
                    opened_by=user,
                )
                for position, option in enumerate(options, start=1):
                    option.meeting, option.position = meeting, position
                Option.objects.bulk_create(options)
            return meeting
        except IntegrityError:
            continue  # the code is taken by an open meeting: draw again
    raise ServiceError(_("No free code was found. Try again."))


def _voice(meeting, device) -> Voice:
    """The device's voice in the meeting, locked; made on its first vote. Two requests from one
    device at once: the unique constraint lets one create it, the other reads it."""
    voice = Voice.objects.select_for_update().filter(meeting=meeting, device=device).first()
    if voice is not None:
        return voice
    try:
        with transaction.atomic():
            return Voice.objects.create(meeting=meeting, device=device)  # new: ours alone
    except IntegrityError:
        return Voice.objects.select_for_update().get(meeting=meeting, device=device)


def cast(*, meeting, device: str, option_ids) -> list[int]:
    """The device's votes: replaces what it gave before (never adds to it). Up to
    Meeting.VOTES distinct options of the meeting. Returns the ids voted for."""
    try:
        chosen = sorted({int(i) for i in option_ids})
    except (TypeError, ValueError):
        raise ServiceError(_("Unknown choice."), field="options") from None
    if len(chosen) > Meeting.VOTES:
        raise ServiceError(
            ngettext("Choose at most %(n)d.", "Choose at most %(n)d.", Meeting.VOTES)
            % {"n": Meeting.VOTES},
            field="options",
        )
    if not device:
        raise ServiceError(_("Your phone did not keep the meeting's cookie."))
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not current.is_open:
            raise MeetingClosed()
        valid = set(
            Option.objects.filter(meeting=current, pk__in=chosen).values_list("pk", flat=True)
        )
        if len(valid) != len(chosen):
            raise ServiceError(_("Unknown choice."), field="options")
        voice = _voice(current, device)
        Vote.objects.filter(voice=voice).delete()
        Vote.objects.bulk_create(Vote(voice=voice, option_id=i) for i in chosen)
        voice.save(update_fields=["changed_at"])
    return chosen


def my_votes(meeting, device) -> set[int]:
    if not device:
        return set()
    return set(
        Vote.objects.filter(voice__meeting=meeting, voice__device=device).values_list(
            "option_id", flat=True
        )
    )


def tally(meeting) -> tuple[list[Option], int]:
    """The options with `.count` (votes now), in the meeting's order, and the number of voices
    that have voted. Two queries."""
    options = list(
        Option.objects.filter(meeting=meeting).annotate(count=Count("cast")).order_by("position")
    )
    voices = Voice.objects.filter(meeting=meeting).aggregate(
        n=Count("pk", filter=Q(votes__isnull=False), distinct=True)
    )["n"]
    return options, voices


def ranking(options) -> list:
    """Options with votes, most votes first; a tie keeps the meeting's order."""
    return sorted((o for o in options if o.count), key=lambda o: (-o.count, o.position))


def priority_text(option, votes: int, day) -> str:
    return ngettext(
        "%(text)s (%(votes)d vote in the council meeting of %(date)s)",
        "%(text)s (%(votes)d votes in the council meeting of %(date)s)",
        votes,
    ) % {"text": option.text, "votes": votes, "date": date_format(day, "DATE_FORMAT")}


def close_meeting(*, meeting, user) -> Meeting:
    """Close the meeting: no more votes; the options with votes, ranked, become the evaluation's
    way forward (replacing the one before; the history keeps it), each with its vote count and
    the meeting's date."""
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not current.is_open:
            raise ServiceError(_("The meeting is closed already."))
        now = timezone.now()
        options, voices = tally(current)
        ranked = ranking(options)
        day = timezone.localdate(now)
        priorities = replace_way_forward(
            evaluation=current.evaluation,
            user=user,
            priorities=[priority_text(o, o.count, day) for o in ranked],
            links=[
                (
                    [o.focus_area] if o.focus_area_id else [],
                    [o.finding] if o.finding_id else [],
                )
                for o in ranked
            ],
            note=ngettext(
                "Voted in the council meeting %(code)s: %(voices)d voice.",
                "Voted in the council meeting %(code)s: %(voices)d voices.",
                voices,
            )
            % {"code": current.code, "voices": voices},
        )
        for rank, (option, priority) in enumerate(zip(ranked, priorities, strict=True), start=1):
            option.rank, option.votes, option.priority = rank, option.count, priority
        Option.objects.bulk_update(ranked, ["rank", "votes", "priority"])
        Option.objects.filter(meeting=current, rank__isnull=True).update(votes=0)
        current.closed_at, current.closed_by = now, user
        current.save(update_fields=["closed_at", "closed_by"])
    return current
