"""The upload page: evaluators check a file, see the dry run, and confirm."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import kommunekompass
from kommunekompass.evaluations.models import Evaluation

EXAMPLE = Path(kommunekompass.__file__).parent / "imports" / "examples" / "midtre-gauldal-2023.csv"


@pytest.fixture
def midtre_gauldal(world):
    from tests.factories import make_municipality

    return make_municipality("Midtre Gauldal kommune", "5027")


def upload(client, world, content=None, name="midtre-gauldal-2023.csv"):
    data = content if content is not None else EXAMPLE.read_bytes()
    return client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile(name, data),
            "framework": world.framework.pk,
        },
    )


def test_an_evaluator_checks_a_file_sees_the_dry_run_and_confirms(client, world, midtre_gauldal):
    client.force_login(world.eva)
    preview = upload(client, world)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Prøvekjøring" in html and "Midtre Gauldal kommune" in html
    # The stated area 2 sum is flagged ("row 12" until the nb translations are merged).
    assert ("rad 12" in html or "row 12" in html) and "77" in html
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()
    token = html.split('name="token" value="')[1].split('"')[0]
    done = client.post(reverse("imports:confirm"), {"token": token})
    assert done.status_code == 302
    assert done.url.startswith(reverse("comparisons:history", args=[midtre_gauldal.pk]))
    evaluation = Evaluation.objects.get(municipality=midtre_gauldal)
    assert evaluation.result_level == "subarea"
    # The token is used up.
    again = client.post(reverse("imports:confirm"), {"token": token})
    assert again.status_code == 302 and again.url == reverse("imports:upload")
    assert Evaluation.objects.filter(municipality=midtre_gauldal).count() == 1


def test_a_file_with_errors_is_shown_and_cannot_be_confirmed(client, world, midtre_gauldal):
    client.force_login(world.eva)
    bad = b"kommunenummer;aar;kode;poeng\n5027;2023;1;500\n"
    response = upload(client, world, bad, "feil.csv")
    assert response.status_code == 422
    html = response.content.decode()
    assert "ingenting blir importert" in html and 'name="token"' not in html


def test_a_forged_token_is_refused(client, world, midtre_gauldal):
    client.force_login(world.eva)
    response = client.post(reverse("imports:confirm"), {"token": "../../secret_key"})
    assert response.status_code == 302 and response.url == reverse("imports:upload")
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()


@pytest.mark.parametrize("role", ["coordinator", "reader", "outsider"])
def test_only_evaluators_may_import(client, world, midtre_gauldal, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("imports:upload")).status_code == 403
    assert upload(client, world).status_code == 403
    assert client.post(reverse("imports:confirm"), {"token": "x"}).status_code == 403
    assert not Evaluation.objects.filter(municipality=midtre_gauldal).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
