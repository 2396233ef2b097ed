"""`kommunekompass demo` never touches a database with real data, nor a secure installation."""

import io

import pytest
from django.core.management import CommandError, call_command

from kommunekompass.core.demo_guard import demo_municipalities, foreign_data
from kommunekompass.core.management.commands.demo import demo_names
from kommunekompass.evaluations.models import Municipality
from tests.factories import make_municipality, make_user
from tests.once import runs_once

DEMO_NAMES = demo_names()


def demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_an_empty_database_is_only_demo_data():
    assert foreign_data(DEMO_NAMES) == []


@pytest.mark.django_db
def test_the_demo_runs_again_on_its_own_data():
    demo()
    assert foreign_data(DEMO_NAMES) == []
    assert "finnes allerede" in demo()  # bokmål unless told otherwise


@pytest.mark.django_db
def test_the_demo_knows_every_municipality_it_makes():
    demo()
    made = set(Municipality.objects.values_list("country", "number"))
    assert made == demo_municipalities()


@pytest.mark.django_db
def test_it_refuses_a_database_with_another_user():
    make_user("kari.nordmann")
    with pytest.raises(CommandError, match="kari.nordmann") as refused:
        demo()
    assert "--force" in str(refused.value)
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_a_user_with_a_demo_name_but_other_names_is_not_the_demo_user(django_user_model):
    django_user_model.objects.create_user("admin", first_name="Real", last_name="Admin")
    with pytest.raises(CommandError, match="admin"):
        demo()
    assert not Municipality.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_database_with_a_real_municipality():
    make_municipality("Trondheim kommune", "5001")
    with pytest.raises(CommandError, match=r"Trondheim kommune \(NO 5001\)"):
        demo()
    assert Municipality.objects.count() == 1


@pytest.mark.django_db
def test_force_adds_the_demo_all_the_same():
    make_municipality("Trondheim kommune", "5001")
    demo("--force")
    assert Municipality.objects.filter(number="9901").exists()


@pytest.mark.django_db
def test_it_never_runs_on_a_secure_installation(settings):
    settings.KOMMUNEKOMPASS_SECURE = True
    with pytest.raises(CommandError, match="KOMMUNEKOMPASS_SECURE"):
        demo("--force")
    assert not Municipality.objects.exists()


@runs_once
def test_the_command_exits_non_zero_with_the_message(tmp_path):
    """As users run it: a separate process, on a data directory with a real user."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "KOMMUNEKOMPASS_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    command = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")

    def run(*args, **extra):
        return subprocess.run(
            [command, *args], capture_output=True, text=True, env={**env, **extra}, timeout=300
        )

    created = run(
        "shell",
        "-c",
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.contrib.auth.models import User; User.objects.create_user('kari')",
    )
    assert created.returncode == 0, created.stderr
    refused = run("demo")
    assert refused.returncode != 0
    assert "inneholder mer enn demodataene" in refused.stderr  # bokmål unless told otherwise
    assert "1 bruker som ikke hører til demoen: kari" in refused.stderr
    secure = run("demo", "--force", KOMMUNEKOMPASS_SECURE="1")
    assert secure.returncode != 0
    assert "KOMMUNEKOMPASS_SECURE" in secure.stderr
