import pytest

from kommunekompass.frameworks.loader import load_framework_text, shipped_framework_files


@pytest.fixture
def kommunekompass_framework(db):
    path = next(p for p in shipped_framework_files() if p.name == "kommunekompass-2020.yaml")
    return load_framework_text(path.read_text(encoding="utf-8")).framework


@pytest.fixture
def caf_framework(db):
    path = next(p for p in shipped_framework_files() if p.name == "caf-2020.yaml")
    return load_framework_text(path.read_text(encoding="utf-8")).framework


@pytest.fixture
def evaluator(django_user_model):
    return django_user_model.objects.create_user(
        "evaluator", password="secret-pass-1", first_name="Eva"
    )


@pytest.fixture
def evaluator_client(client, evaluator):
    client.force_login(evaluator)
    return client


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
