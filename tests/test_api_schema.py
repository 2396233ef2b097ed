"""The OpenAPI document is valid OpenAPI 3, its documentation page works offline under the
site's CSP (no CDN, no inline script), and lists page by limit and offset."""

import re

import pytest
from openapi_spec_validator import validate

from tests.factories import make_evaluation, make_municipality


def test_the_openapi_document_is_valid_openapi_3(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    validate(document)
    paths = document["paths"]
    for path in ["/api/results", "/api/frameworks", "/api/rankings", "/api/imports/results"]:
        assert path in paths
    assert document["components"]["securitySchemes"]


def test_the_documentation_page_needs_nothing_from_elsewhere(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources)
    # no script to run inline: the only inline script element is JSON data
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    for source in sources:
        assert client.get(source).status_code == 200


@pytest.fixture
def published_many(kommunekompass_framework):
    for number in range(7):
        municipality = make_municipality(f"Kommune {number}", f"99{number:02d}")
        make_evaluation(municipality, kommunekompass_framework, status="published", year=2024)


def test_results_page_by_limit_and_offset(client, published_many):
    seen = []
    for offset in range(0, 7, 3):
        page = client.get(f"/api/results?limit=3&offset={offset}&levels=total").json()
        assert page["count"] == 7 and page["limit"] == 3 and page["offset"] == offset
        seen += [item["municipality"]["number"] for item in page["items"]]
    assert sorted(seen) == [f"99{n:02d}" for n in range(7)] and len(set(seen)) == 7
    assert client.get("/api/results?limit=3&offset=6").json()["items"][0]["figures"]
    assert client.get("/api/results?offset=100").json()["items"] == []


def test_paging_and_filters_are_checked(client, published_many):
    for query in ["limit=0", "limit=201", "offset=-1", "levels=nope", "year=abc"]:
        assert client.get(f"/api/results?{query}").status_code == 422, query
    assert client.get("/api/results?limit=200").status_code == 200
    assert client.get("/api/results?municipality=9903").json()["count"] == 1
    assert client.get("/api/results?country=se").json()["count"] == 0
    assert client.get("/api/results?year=2024&framework=kommunekompass").json()["count"] == 7
    assert client.get("/api/evaluations?limit=2").json()["count"] == 7
