"""`kommunekompass serve --workers 2`: gunicorn with two worker processes sharing sessions and
the cache through the database, so any request may land on any worker."""

import http.client
import os
import re
import shutil
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.test_serve import free_port, wait_for_port

COMMAND = shutil.which("kommunekompass") or str(Path(sys.executable).parent / "kommunekompass")
PASSWORD = "workers-pass-123"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn: Linux")


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workers")
    env = {
        **os.environ,
        "KOMMUNEKOMPASS_DATA_DIR": str(folder / "data"),
        "KOMMUNEKOMPASS_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("KOMMUNEKOMPASS_DEBUG", None)
    env.pop("KOMMUNEKOMPASS_REDIS_URL", None)
    # The operator migrates once; the servers then start with --no-migrate.
    subprocess.run([COMMAND, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    make_user = (
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user('worker-user', password='{PASSWORD}', first_name='Wenche')"
    )
    subprocess.run([COMMAND, "shell", "-c", make_user], env=env, check=True, timeout=300)
    port = free_port()
    process = subprocess.Popen(
        [COMMAND, "serve", "--no-migrate", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, process)
        yield {"port": port, "process": process}
    finally:
        process.terminate()
        process.wait(timeout=60)


def request(port, method, path, cookies, body=None):
    """One request on a connection of its own (the next may go to the other worker)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}/accounts/login/"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
        return response.status, response.headers, content
    finally:
        connection.close()


def test_a_session_made_on_one_request_holds_on_the_next(workers):
    port, cookies = workers["port"], {}
    status, _headers, page = request(port, "GET", "/accounts/login/", cookies)
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    body = urlencode(
        {"username": "worker-user", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    status, headers, _page = request(port, "POST", "/accounts/login/", cookies, body)
    assert status == 302, _page[:500]
    assert "sessionid" in cookies
    for _ in range(8):
        status, headers, page = request(port, "GET", "/accounts/password/", cookies)
        assert status == 200, (status, headers.get("Location"))
        assert "Wenche" in page or "worker-user" in page


def worker_processes(parent: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            children.append(int(stat.parent.name))
    return children


def test_two_worker_processes_run(workers):
    assert len(worker_processes(workers["process"].pid)) == 2


def test_readiness_answers_with_two_workers(workers):
    for _ in range(3):
        status, _headers, page = request(workers["port"], "GET", "/health/ready/", {})
        assert status == 200, page
        assert '"status": "ok"' in page
