"""The people of a municipality with every role they have in it, read in a few queries."""

from dataclasses import dataclass, field

from kommunekompass.evaluations.models import Evaluation, Membership
from kommunekompass.improvement.models import GroupMember
from kommunekompass.people.models import Invitation


@dataclass
class Person:
    user: object
    membership: Membership | None = None
    evaluates: list = field(default_factory=list)  # evaluations whose team they are on
    reviews: list = field(default_factory=list)  # evaluations they are a named reviewer of
    programme_roles: list = field(default_factory=list)  # linked GroupMembers
    invitation: Invitation | None = None  # the latest invitation not accepted yet

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def invited(self) -> bool:
        return self.invitation is not None and not self.user.has_usable_password()


def people_of(municipality) -> list[Person]:
    """Everyone with a role in `municipality` or an invitation to it, by name."""
    people: dict[int, Person] = {}

    def entry(user) -> Person:
        return people.setdefault(user.pk, Person(user))

    for membership in Membership.objects.filter(municipality=municipality).select_related("user"):
        entry(membership.user).membership = membership
    team = Evaluation.evaluators.through.objects.filter(evaluation__municipality=municipality)
    for row in team.select_related("user", "evaluation").order_by("-evaluation__year"):
        entry(row.user).evaluates.append(row.evaluation)
    reviewers = Evaluation.reviewers.through.objects.filter(evaluation__municipality=municipality)
    for row in reviewers.select_related("user", "evaluation").order_by("-evaluation__year"):
        entry(row.user).reviews.append(row.evaluation)
    members = GroupMember.objects.filter(programme__municipality=municipality, user__isnull=False)
    for member in members.select_related("user"):
        entry(member.user).programme_roles.append(member)
    invitations = Invitation.objects.filter(
        municipality=municipality, accepted_at__isnull=True
    ).select_related("user")
    for invitation in invitations.order_by("created_at", "id"):
        entry(invitation.user).invitation = invitation
    return sorted(people.values(), key=lambda p: (p.name.casefold(), p.user.pk))


def person_of(municipality, user_id) -> Person | None:
    """One person of `municipality`, or None when they have no role in it."""
    for person in people_of(municipality):
        if person.user.pk == user_id:
            return person
    return None
