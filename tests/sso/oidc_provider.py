"""A real OpenID provider for the tests: node-oidc-provider (tests/oidc/provider.mjs), started
on 127.0.0.1 on a free port and stopped again. `npm ci --prefix tests/oidc` installs it (the
test command does); without it the tests fail, saying so.

`follow_provider` walks the provider's sign-in form as a browser would (cookies, redirects)
and returns the address the provider sends the person back to: the app's callback."""

import contextlib
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from kommunekompass.sso.config import providers_from_env

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "kommunekompass"
CLIENT_SECRET = "kommunekompass-test-secret"
PUBLIC_CLIENT_ID = "kommunekompass-public"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_provider(redirect_uris, post_logout_redirect_uris=(), *, end_session=True):
    """Starts the provider; yields its issuer URL. `end_session=False`: a provider without
    RP-initiated logout (no end_session_endpoint)."""
    node = shutil.which("node")
    assert node, "node is not installed: run ./scripts/install-system-packages --test"
    assert (OIDC_DIR / "node_modules" / "oidc-provider").is_dir(), (
        "the test OpenID provider is not installed: run `npm ci --prefix tests/oidc`"
    )
    port = _free_port()
    process = subprocess.Popen(
        [node, str(OIDC_DIR / "provider.mjs")],
        cwd=OIDC_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "OIDC_PORT": str(port),
            "OIDC_REDIRECT_URIS": " ".join(redirect_uris),
            "OIDC_POST_LOGOUT_REDIRECT_URIS": " ".join(post_logout_redirect_uris),
            "OIDC_END_SESSION": "1" if end_session else "0",
            "NODE_ENV": "test",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = ""
        timer = threading.Timer(30, process.kill)  # a provider that never starts fails the test
        timer.start()
        try:
            line = process.stdout.readline()
        finally:
            timer.cancel()
        assert line.startswith("listening "), f"the OpenID provider did not start: {line!r}"
        yield line.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def provider_settings(issuer, name="test", **fields):
    """Providers as the settings read them from the environment."""
    key = f"KOMMUNEKOMPASS_OIDC_{name.upper()}_"
    environ = {
        "KOMMUNEKOMPASS_OIDC_PROVIDERS": name,
        key + "ISSUER": issuer,
        key + "CLIENT_ID": CLIENT_ID,
        key + "CLIENT_SECRET": CLIENT_SECRET,
        key + "LABEL": "Test ID",
        key + "ACR_VALUES": "idporten-loa-substantial",
    }
    environ.update({key + field.upper(): value for field, value in fields.items()})
    return providers_from_env(environ)


def follow_provider(authorize_url, issuer, login="", *, cancel=False, session=None) -> str:
    """Signs in as `login` (or cancels) at the provider; returns the app's callback URL.
    `session`: the browser's cookies at the provider (a requests.Session), to keep them."""
    session = session or requests.Session()

    def follow(response):
        while response.is_redirect:
            location = urljoin(response.url, response.headers["location"])
            if not location.startswith(issuer):
                return location, None
            response = session.get(location, allow_redirects=False, timeout=10)
        return None, response

    back, page = follow(session.get(authorize_url, allow_redirects=False, timeout=10))
    if back:
        return back  # the provider answered at once (an error)
    assert page.status_code == 200, page.text
    interaction = urlsplit(page.url).path
    action = f"{issuer}{interaction}/{'cancel' if cancel else 'login'}"
    response = session.post(
        action, data={"login": login, "password": "any"}, allow_redirects=False, timeout=10
    )
    back, page = follow(response)
    assert back, f"the provider did not send the person back: {page.status_code} {page.text}"
    return back
