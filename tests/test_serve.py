"""`kommunekompass serve` behind a TLS-terminating proxy: forwarded headers count only from the
configured proxy addresses."""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kommunekompass.core.management.commands.serve import trust_proxies
from tests.once import runs_once
from tests.tls_proxy import TLSProxy, self_signed_certificate

pytestmark = runs_once


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve stopped: {process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("serve did not start listening")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`kommunekompass serve` with KOMMUNEKOMPASS_SECURE=1, trusting the proxy on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {
        **os.environ,
        "KOMMUNEKOMPASS_DATA_DIR": str(folder / "data"),
        "KOMMUNEKOMPASS_SECURE": "1",
        "KOMMUNEKOMPASS_TRUSTED_PROXIES": "127.0.0.1",
        "KOMMUNEKOMPASS_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("KOMMUNEKOMPASS_DEBUG", None)
    command = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")
    process = subprocess.Popen(
        [command, "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, process)
        cert_file, key_file = self_signed_certificate(folder)
        with TLSProxy("127.0.0.1", port, cert_file, key_file) as proxy:
            yield {"port": port, "proxy": proxy, "cert": cert_file}
    finally:
        process.terminate()
        process.wait(timeout=30)


def through_proxy(served, path):
    context = ssl.create_default_context(cafile=str(served["cert"]))
    connection = http.client.HTTPSConnection(
        "127.0.0.1", served["proxy"].port, context=context, timeout=60
    )
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def direct(served, path, source: str, headers: dict):
    connection = http.client.HTTPConnection(
        "127.0.0.1", served["port"], timeout=60, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def test_it_serves_a_page_forwarded_as_https_by_the_trusted_proxy(served):
    response = through_proxy(served, "/accounts/login/")
    assert response.status == 200
    # Django knows the request was secure: it sends HSTS, which it only does over https.
    assert "max-age=" in response.getheader("Strict-Transport-Security", "")
    assert "Secure" in response.getheader("Set-Cookie", "")


def test_redirects_through_the_proxy_end_on_a_page_not_in_a_loop(served):
    path, seen = "/evaluations/", []  # a page for signed-in people: it sends to the login
    for _ in range(5):
        response = through_proxy(served, path)
        seen.append((response.status, response.getheader("Location")))
        if response.status not in (301, 302):
            break
        location = response.getheader("Location")
        assert not location.startswith("http://"), seen
        path = location.removeprefix("https://127.0.0.1" + f":{served['proxy'].port}")
    assert response.status == 200, seen
    assert seen[0][0] == 302 and seen[0][1].startswith("/accounts/login/"), seen


def test_a_forged_forwarded_proto_from_an_untrusted_address_is_not_believed(served):
    response = direct(
        served, "/accounts/login/", "127.0.0.2", {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    )
    assert response.status == 301
    assert response.getheader("Location").startswith("https://127.0.0.1")
    assert response.getheader("Strict-Transport-Security") is None


def test_plain_http_from_the_proxy_address_without_the_header_is_redirected_to_https(served):
    response = direct(served, "/accounts/login/", "127.0.0.1", {"Host": "127.0.0.1"})
    assert response.status == 301
    assert response.getheader("Location").startswith("https://")


def environ_seen_by_app(remote_addr: str, headers: dict, proxies: list[str]) -> dict:
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    environ = {
        "REMOTE_ADDR": remote_addr,
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        **{"HTTP_" + key.upper().replace("-", "_"): value for key, value in headers.items()},
    }
    trust_proxies(app, proxies)(environ, lambda *args: None)
    return seen


FORWARDED = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def test_a_trusted_proxy_gives_the_clients_address_and_the_scheme():
    seen = environ_seen_by_app("10.0.0.2", FORWARDED, ["10.0.0.1", "10.0.0.2"])
    assert seen["REMOTE_ADDR"] == "203.0.113.7"
    assert seen["wsgi.url_scheme"] == "https"


def test_forwarded_headers_from_anyone_else_are_removed():
    seen = environ_seen_by_app("10.0.0.9", FORWARDED, ["10.0.0.1", "10.0.0.2"])
    assert seen["REMOTE_ADDR"] == "10.0.0.9"
    assert seen["wsgi.url_scheme"] == "http"
    assert "HTTP_X_FORWARDED_FOR" not in seen
    assert "HTTP_X_FORWARDED_PROTO" not in seen


def test_without_trusted_proxies_nobody_is_believed():
    seen = environ_seen_by_app("127.0.0.1", FORWARDED, [])
    assert seen["REMOTE_ADDR"] == "127.0.0.1"
    assert "HTTP_X_FORWARDED_PROTO" not in seen
