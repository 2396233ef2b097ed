"""Small builders for test data: municipalities, people in their roles, evaluations."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kommunekompass.evaluations.apps import EVALUATORS_GROUP
from kommunekompass.evaluations.models import Evaluation, Membership, Municipality

PASSWORD = "secret-pass-1"


def make_municipality(name="Fjordvik kommune", number="9901", country="NO", **extra):
    return Municipality.objects.create(name=name, number=number, country=country, **extra)


def make_user(username, *, evaluator=False, superuser=False, coordinator_of=None, reader_of=None):
    User = get_user_model()
    user = User.objects.create_user(
        username,
        password=PASSWORD,
        first_name=username.capitalize(),
        is_superuser=superuser,
        is_staff=superuser,
    )
    if evaluator:
        user.groups.add(Group.objects.get(name=EVALUATORS_GROUP))
    if coordinator_of:
        Membership.objects.create(
            user=user, municipality=coordinator_of, role=Membership.Role.COORDINATOR
        )
    if reader_of:
        Membership.objects.create(user=user, municipality=reader_of, role=Membership.Role.READER)
    return user


def make_evaluation(municipality, framework, *, evaluators=(), status="draft", year=2026):
    evaluation = Evaluation.objects.create(
        municipality=municipality, framework=framework, year=year, status=status
    )
    evaluation.evaluators.add(*evaluators)
    if status == Evaluation.Status.PUBLISHED:
        # Published evaluations have their frozen version, as publishing through the app gives.
        from kommunekompass.evaluations.services.workflow import freeze_published

        freeze_published(evaluation)
    return evaluation
