"""Hardening against abuse: sign-in throttling, response headers, quiet refusal logs, a private
data directory, PDFs that fetch nothing from outside, and charts that draw any name."""

import io
import logging
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kommunekompass.lib.datadir import make_private_dir, read_or_create_secret_key
from kommunekompass.lib.pdf import html_to_pdf, static_file
from tests.factories import PASSWORD, make_evaluation, make_municipality, make_user
from tests.once import runs_once

LOGIN = "/accounts/login/"


def log_in(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- sign-in throttling ---------------------------------------------------------------------


@pytest.fixture
def kari(db):
    return make_user("kari")


def test_the_right_password_logs_in(client, kari):
    response = log_in(client, "kari", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_after_five_failures_even_the_right_password_is_refused(client, kari):
    for _ in range(4):
        assert log_in(client, "kari", "wrong-password").status_code == 200
    assert log_in(client, "kari", "wrong-password").status_code == 429  # the fifth locks
    response = log_in(client, "kari", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_right_password_after_fifty_wrong_ones_does_not_log_in(client, kari):
    for _ in range(50):
        log_in(client, "kari", "wrong-password", address=f"10.1.0.{_ % 7}")
    response = log_in(client, "kari", PASSWORD, address="10.2.0.1")
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_is_per_account_whatever_the_address(client, kari):
    for number in range(5):
        log_in(client, "kari", "wrong-password", address=f"10.3.0.{number}")
    assert log_in(client, "kari", PASSWORD, address="10.4.0.1").status_code == 429
    assert not logged_in(client)


def test_the_lockout_is_per_address_whatever_the_account(client, kari):
    for number in range(5):
        log_in(client, f"guess{number}", "wrong-password", address="10.5.0.1")
    assert log_in(client, "kari", PASSWORD, address="10.5.0.1").status_code == 429
    assert not logged_in(client)
    # Kari from her own address is not locked out by someone else's guesses.
    assert log_in(client, "kari", PASSWORD, address="10.6.0.1").status_code == 302
    assert logged_in(client)


def test_the_login_page_says_why_in_the_users_language(client, kari):
    client.cookies["django_language"] = "en"
    for _ in range(5):
        log_in(client, "kari", "wrong-password")
    response = log_in(client, "kari", PASSWORD)
    text = response.content.decode()
    assert "Too many failed logins. Logging in is blocked for 15 minutes" in text
    assert "Wrong username or password" not in text
    assert 'name="username"' in text  # still the login page, with its form


def test_the_admin_login_is_throttled_too(client, db):
    make_user("root", superuser=True)
    for _ in range(5):
        client.post(
            "/admin/login/", {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.7.0.1"
        )
    response = client.post(
        "/admin/login/", {"username": "root", "password": PASSWORD}, REMOTE_ADDR="10.7.0.1"
    )
    assert response.status_code == 429
    assert not logged_in(client)


def test_a_success_clears_the_failures(client, kari):
    for _ in range(4):
        log_in(client, "kari", "wrong-password")
    assert log_in(client, "kari", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        log_in(client, "kari", "wrong-password")
    assert log_in(client, "kari", PASSWORD).status_code == 302


def test_a_login_without_a_request_is_not_throttled(client, kari):
    # The shell and the test client's login() pass no request: nothing to throttle by.
    assert client.login(username="kari", password=PASSWORD)


def test_weak_passwords_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    karianne = make_user("karianne")
    for weak in ["short1", "12345678901", "password123", "karianne-2026"]:
        with pytest.raises(ValidationError):
            validate_password(weak, karianne)
    validate_password("fjell-og-fjord-2026")


# --- settings from the environment, data directory -----------------------------------------


def kommunekompass(env, *args):
    command = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")
    environment = {**os.environ, **env}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        [command, *args], capture_output=True, text=True, env=environment, timeout=120
    )


SHOW_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds()), "
    "settings.SESSION_COOKIE_AGE)"
)


@runs_once
def test_the_limits_come_from_the_environment(tmp_path):
    data = tmp_path / "data"
    default = kommunekompass({"KOMMUNEKOMPASS_DATA_DIR": str(data)}, "shell", "-c", SHOW_SETTINGS)
    shown = default.stdout.splitlines()[-1].split()
    assert shown == ["5", str(15 * 60), str(8 * 3600)], default.stderr
    changed = kommunekompass(
        {
            "KOMMUNEKOMPASS_DATA_DIR": str(data),
            "KOMMUNEKOMPASS_LOGIN_ATTEMPTS": "3",
            "KOMMUNEKOMPASS_LOCKOUT_MINUTES": "60",
            "KOMMUNEKOMPASS_SESSION_HOURS": "1",
        },
        "shell",
        "-c",
        SHOW_SETTINGS,
    )
    assert changed.stdout.splitlines()[-1].split() == ["3", "3600", "3600"], changed.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_directory_and_key_are_private(tmp_path):
    data = tmp_path / "deep" / "data"
    assert make_private_dir(data) == []
    assert mode(data) == 0o700
    key, warnings = read_or_create_secret_key(data / "secret_key")
    assert len(key) > 40 and warnings == []
    assert mode(data / "secret_key") == 0o600
    assert read_or_create_secret_key(data / "secret_key") == (key, [])


def test_an_existing_open_data_directory_is_left_alone_with_a_warning(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)
    (data / "secret_key").write_text("k" * 50)
    (data / "secret_key").chmod(0o644)
    warnings = make_private_dir(data)
    assert len(warnings) == 1 and "chmod 700" in warnings[0]
    assert mode(data) == 0o755
    _key, key_warnings = read_or_create_secret_key(data / "secret_key")
    assert "chmod 600" in key_warnings[0]
    assert mode(data / "secret_key") == 0o644


@runs_once
def test_the_app_makes_its_data_directory_private_and_warns_about_an_open_one(tmp_path):
    fresh = tmp_path / "fresh"
    result = kommunekompass({"KOMMUNEKOMPASS_DATA_DIR": str(fresh)}, "shell", "-c", "pass")
    assert result.returncode == 0, result.stderr
    assert mode(fresh) == 0o700 and mode(fresh / "secret_key") == 0o600
    assert "may be read by other users" not in result.stderr
    fresh.chmod(0o755)
    result = kommunekompass({"KOMMUNEKOMPASS_DATA_DIR": str(fresh)}, "shell", "-c", "pass")
    assert "may be read by other users" in result.stderr
    assert mode(fresh) == 0o755


# --- response headers -----------------------------------------------------------------------


@pytest.fixture
def site(db, kommunekompass_framework):
    fjordvik = make_municipality("Fjordvik kommune", "9901")
    return {
        "evaluator": make_user("eva", evaluator=True),
        "admin": make_user("root", superuser=True),
        "published": make_evaluation(
            fjordvik, kommunekompass_framework, status="published", year=2023
        ),
        "draft": make_evaluation(fjordvik, kommunekompass_framework),
    }


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def assert_safe_headers(response, url):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives.get("script-src") == ["'self'"], (url, csp)
    assert directives.get("default-src") == ["'self'"], (url, csp)
    assert directives.get("object-src") == ["'none'"], (url, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (url, csp)
    assert response.headers.get("Referrer-Policy") == "same-origin", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    policy = response.headers.get("Permissions-Policy", "")
    for feature in ["camera=()", "microphone=()", "geolocation=()"]:
        assert feature in policy, (url, policy)
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not EVENT_HANDLER.search(html), (url, EVENT_HANDLER.search(html))


def assert_no_store(response, url):
    assert "no-store" in response.headers.get("Cache-Control", ""), (url, response.headers)


def test_every_page_of_a_logged_in_user_is_private_and_guarded(client, site):
    published, draft = site["published"], site["draft"]
    client.force_login(site["admin"])
    urls = [
        "/",
        reverse("evaluations:list"),
        reverse("evaluations:detail", args=[draft.pk]),
        reverse("evaluations:area", args=[draft.pk, "1"]),
        reverse("evaluations:findings", args=[draft.pk, "1"]),
        reverse("evaluations:history", args=[draft.pk]),
        reverse("reports:report", args=[published.pk]),
        reverse("reports:report", args=[draft.pk]),
        reverse("reports:pdf", args=[draft.pk]),
        reverse("reports:xlsx", args=[draft.pk]),
        reverse("comparisons:comparison"),
        reverse("frameworks:list"),
        reverse("improvement:list"),
        reverse("imports:upload"),
        "/admin/",
        "/admin/evaluations/evaluation/",
        "/evaluations/999999/",  # a 404 too
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert_safe_headers(response, url)
        assert_no_store(response, url)


def test_every_answer_to_a_post_is_private(client, site):
    response = client.post(reverse("set_language", args=["en"]) + "?next=/")
    assert response.status_code == 302
    assert_no_store(response, "set_language")
    response = log_in(client, "eva", "wrong-password")
    assert_no_store(response, LOGIN)
    assert_safe_headers(response, LOGIN)


def test_the_public_report_may_be_cached_for_anonymous_visitors(client, site):
    url = reverse("reports:report", args=[site["published"].pk])
    client.get(LOGIN)  # the first visit sets the CSRF cookie, and is private for that
    response = client.get(url)
    assert response.status_code == 200
    assert_safe_headers(response, url)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_a_response_that_sets_a_cookie_is_private(client, site):
    response = client.get(LOGIN)
    assert "csrftoken" in response.cookies
    assert_no_store(response, LOGIN)
    assert_safe_headers(response, LOGIN)


def test_static_files_stay_cacheable(client, db):
    for url in ["/static/kommunekompass/site.css", "/static/kommunekompass/confirm.js"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_delete_buttons_ask_through_a_data_attribute(client, site):
    from kommunekompass.evaluations.models import Finding

    draft = site["draft"]
    draft.evaluators.add(site["evaluator"])
    area = draft.framework.areas.get(code="1")
    Finding.objects.create(evaluation=draft, focus_area=area, kind="strength", text="Good")
    client.force_login(site["evaluator"])
    response = client.get(reverse("evaluations:findings", args=[draft.pk, "1"]))
    assert 'data-confirm="' in response.content.decode()
    assert "confirm.js" in response.content.decode()


# --- logs of refusals -----------------------------------------------------------------------


def test_403_and_404_are_logged_as_one_line_without_a_traceback(client, site, caplog):
    outsider = make_user("outsider")
    client.force_login(outsider)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("imports:upload")).status_code == 403
        assert client.get("/evaluations/999999/").status_code == 404
        assert client.get("/no/such/page%0Aforged/").status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    lines = [r.getMessage() for r in records]
    assert lines == [
        f"GET /imports/ user={outsider.pk} status=403",
        f"GET /evaluations/999999/ user={outsider.pk} status=404",
        f"GET /no/such/page\\nforged/ user={outsider.pk} status=404",
    ]
    assert all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_anonymous_refusals_are_logged_without_a_user(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no/such/page/")
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == [
        "GET /no/such/page/ user=- status=404"
    ]


# --- PDFs fetch nothing from outside --------------------------------------------------------


@pytest.fixture
def counting_server():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b'body::before { content: "FETCHED" }')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_renderer_fetches_nothing_from_the_network_or_the_disk(
    counting_server, tmp_path, settings
):
    port, hits = counting_server
    secret = tmp_path / "secret.css"
    secret.write_text('body::after { content: "LEAKED" }')
    settings.STATIC_ROOT = tmp_path / "static"
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "allowed.css").write_text('body::after { content: "ALLOWED" }')
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
      <link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="/static/../{secret}">
      <link rel="stylesheet" href="/static/allowed.css">
      </head><body><p>Report</p>
      <img src="http://127.0.0.1:{port}/x">
      <img src="https://127.0.0.1:{port}/y">
      <img src="file:///etc/passwd">
      <img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnLz4=">
      <svg><image href="http://127.0.0.1:{port}/z"/></svg>
      <iframe src="http://127.0.0.1:{port}/frame"></iframe>
      </body></html>"""
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert hits == []
    text = pdf_text(pdf)
    assert "Report" in text and "ALLOWED" in text
    assert "FETCHED" not in text and "LEAKED" not in text


def test_only_the_apps_static_files_resolve():
    assert static_file("file:///static/kommunekompass/site.css").name == "site.css"
    assert static_file("/static/kommunekompass/site.css").name == "site.css"
    for refused in [
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file://evil.example/static/kommunekompass/site.css",
        "http://127.0.0.1/static/kommunekompass/site.css",
        "file:///static/",
        "file:///static/kommunekompass/no-such-file.css",
    ]:
        assert static_file(refused) is None, refused


# --- charts draw any text -------------------------------------------------------------------

EVIL = "Evil $\\foo{$ kommune"


def test_a_report_of_a_municipality_with_mathtext_in_its_name_renders(
    client, db, kommunekompass_framework
):
    evil = make_municipality(EVIL, "9950")
    evaluation = make_evaluation(evil, kommunekompass_framework, status="published")
    response = client.get(reverse("reports:report", args=[evaluation.pk]))
    assert response.status_code == 200
    assert "Evil $\\foo{$" in response.content.decode()
    from kommunekompass.evaluations.models import PublishedVersion
    from kommunekompass.reports.published import store_missing

    store_missing(PublishedVersion.objects.get(evaluation=evaluation))  # render-published
    response = client.get(reverse("reports:pdf", args=[evaluation.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert "Evil $\\foo{$" in pdf_text(content)


def test_chart_text_is_never_read_as_mathematics(db):
    from kommunekompass.reports.charts import radar_chart

    svg = radar_chart(
        ["$\\frac{", "b$", "c"], [10, 20, 30], [15, 25, 35], name=EVIL, group_label="$"
    )
    assert "Evil $\\foo{$" in svg
