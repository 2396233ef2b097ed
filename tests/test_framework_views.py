import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def detail_url(framework):
    return reverse("frameworks:detail", args=[framework.key, framework.version])


def area_url(framework, code):
    return reverse("frameworks:area", args=[framework.key, framework.version, code])


@pytest.mark.parametrize("url_name", ["frameworks:list", "frameworks:detail", "frameworks:area"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, kommunekompass_framework, url_name):
    args = {
        "frameworks:detail": ["kommunekompass", "2020"],
        "frameworks:area": ["kommunekompass", "2020", "1"],
    }.get(url_name, [])
    url = reverse(url_name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_it_lists_the_loaded_frameworks(evaluator_client, kommunekompass_framework, caf_framework):
    response = evaluator_client.get(reverse("frameworks:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kommunekompasset" in page and "CAF 2020" in page
    assert detail_url(kommunekompass_framework) in page
    assert ">800<" in page and ">2800<" in page


def test_it_shows_a_frameworks_structure_and_rubric(evaluator_client, kommunekompass_framework):
    response = evaluator_client.get(detail_url(kommunekompass_framework))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A. Demokrati og samfunnsutvikling" in page
    assert "7.3 Arbeidsmiljø og sykefravær" in page
    assert "35 delområder" in page and "75 spørsmål" in page
    assert "System/prosess" in page and "Omfang" in page and "Resultat/analyse" in page
    assert area_url(kommunekompass_framework, "8") in page


def test_it_shows_an_areas_questions_guidance_and_rubric(
    evaluator_client, kommunekompass_framework
):
    response = evaluator_client.get(area_url(kommunekompass_framework, "7"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "7.3.2" in page and "nærvær og lavt sykefravær" in page
    assert "Veiledning til evaluator" in page
    assert "maks 40" in page  # 7.2 Strategic competence mobilisation
    assert "Maks 12,5 poeng" in page  # 7.3 has 25 points over two questions: decimal comma
    assert area_url(kommunekompass_framework, "6") in page  # previous area
    assert area_url(kommunekompass_framework, "8") in page  # next area


def test_it_shows_both_caf_scoring_panels(evaluator_client, caf_framework):
    response = evaluator_client.get(detail_url(caf_framework))
    page = response.content.decode()
    assert "Planlegge" in page and "Korrigere" in page
    assert "Trender" in page and "Mål" in page
    results_area = evaluator_client.get(area_url(caf_framework, "9")).content.decode()
    assert "Trender" in results_area and "Planlegge" not in results_area


def test_it_returns_404_for_an_unknown_framework_version_or_area(
    evaluator_client, kommunekompass_framework
):
    assert evaluator_client.get("/frameworks/kommunekompass/1999/").status_code == 404
    assert evaluator_client.get("/frameworks/nothing/2020/").status_code == 404
    assert evaluator_client.get(area_url(kommunekompass_framework, "99")).status_code == 404


def test_it_keeps_query_counts_flat(
    evaluator_client, kommunekompass_framework, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        evaluator_client.get(detail_url(kommunekompass_framework))
    with django_assert_max_num_queries(4):
        evaluator_client.get(area_url(kommunekompass_framework, "3"))
    with django_assert_max_num_queries(4):
        evaluator_client.get(reverse("frameworks:list"))
