"""The cache every app server shares: by default Django's database cache in a table made by
`migrate`; Redis with KOMMUNEKOMPASS_REDIS_URL. (Other tests use a memory cache, see
conftest.) The behaviours that need it shared (the rendering slot, the public reports'
remembered state, the password reset counters) run against both: the database, and a real
`redis-server` started on 127.0.0.1 (Debian's package, installed by
`scripts/install-system-packages --test`; without it these tests fail, saying so). Two
"servers" are two connections to the cache, each its own backend object."""

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import override_settings

from kommunekompass.evaluations.models import Evaluation
from kommunekompass.lib.concurrency import Busy, one_at_a_time
from kommunekompass.people import accounts
from kommunekompass.reports import published
from kommunekompass.settings import CACHES as CONFIGURED_CACHES
from tests.conftest import shipped
from tests.factories import make_evaluation, make_municipality


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private redis-server on 127.0.0.1: nothing saved to disk, stopped after the module."""
    server = shutil.which("redis-server")
    assert server, (
        "redis-server is not installed (Debian's package redis-server): "
        "run ./scripts/install-system-packages --test"
    )
    port = _free_port()
    directory = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        + ["--dir", str(directory), "--logfile", str(directory / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                log = directory / "redis.log"
                assert process.poll() is None and time.monotonic() < deadline, (
                    "redis-server did not start: "
                    + (log.read_text() if log.exists() else "no log")[-2000:]
                )
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis_caches(url: str) -> dict:
    """settings.CACHES with KOMMUNEKOMPASS_REDIS_URL=url (as settings.py builds it; the test
    of the settings below reads, in this process, what the app wrote through them)."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "kommunekompass",
        }
    }


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, db):
    """The app's shared cache, by each backend; yields a maker of "servers" (connections)."""
    if request.param == "redis":
        configured = redis_caches(request.getfixturevalue("redis_url"))
    else:
        configured = CONFIGURED_CACHES
    with override_settings(CACHES=configured):
        cache.clear()
        made = []

        def server():
            made.append(caches.create_connection("default"))
            return made[-1]

        yield server
        cache.clear()
        for backend in made:
            backend.close()


@contextlib.contextmanager
def serving(server):
    """The app's code in this block uses `server`'s connection to the cache."""
    before = caches["default"]
    caches["default"] = server
    try:
        yield
    finally:
        caches["default"] = before


@pytest.fixture
def database_cache(db):
    with override_settings(CACHES=CONFIGURED_CACHES):
        cache.clear()
        yield cache
        cache.clear()


def cache_rows() -> list[str]:
    table = CONFIGURED_CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(table)}")
        return [row[0] for row in cursor.fetchall()]


def test_the_default_cache_is_the_database(database_cache):
    assert CONFIGURED_CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    database_cache.set("shared-key", "value", 60)
    assert any(key.endswith("shared-key") for key in cache_rows())


def test_a_slot_is_held_in_the_shared_table(database_cache):
    with one_at_a_time("rendering:user:7", 60):
        assert any(key.endswith("rendering:user:7") for key in cache_rows())
        with pytest.raises(Busy), one_at_a_time("rendering:user:7", 60):
            pass
    assert not any(key.endswith("rendering:user:7") for key in cache_rows())
    with one_at_a_time("rendering:user:7", 60):
        pass


def test_a_slot_is_one_across_servers(shared_cache):
    first, second = shared_cache(), shared_cache()
    with serving(first), one_at_a_time("rendering:user:7", 60):
        with serving(second), pytest.raises(Busy), one_at_a_time("rendering:user:7", 60):
            pass
        with serving(second), one_at_a_time("rendering:user:8", 60):  # another slot is free
            pass
    with serving(second), one_at_a_time("rendering:user:7", 60):  # released on the first
        with serving(first), pytest.raises(Busy), one_at_a_time("rendering:user:7", 60):
            pass


def test_a_slot_frees_itself_after_its_timeout(shared_cache):
    """A holder that died (no delete) keeps the slot only for its timeout."""
    first, second = shared_cache(), shared_cache()
    assert first.add("rendering:user:9", 1, 1)
    assert not second.add("rendering:user:9", 1, 1)
    deadline = time.monotonic() + 10
    while not second.add("rendering:user:9", 1, 1):
        assert time.monotonic() < deadline, "the slot was never freed"
        time.sleep(0.05)


def test_a_change_on_one_server_is_seen_on_the_other(shared_cache):
    """The remembered state of a public report: remembered by one server, forgotten by
    another when the evaluation is saved, read afresh by the first."""
    first, second = shared_cache(), shared_cache()
    evaluation = make_evaluation(make_municipality(), shipped("kommunekompass"))
    Evaluation.objects.filter(pk=evaluation.pk).update(published_version=1, status="published")
    with serving(first):
        state = published.public_state(evaluation.pk)
    assert state is not None and state[:2] == (1, "published")
    # Withdrawn behind the app's back (no signal): both servers still answer what is remembered.
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.WITHDRAWN)
    with serving(second):
        assert published.public_state(evaluation.pk) == state
    # Saving the evaluation on the second server forgets the state for every server.
    with serving(second):
        published.forget_state(Evaluation, evaluation)
    with serving(first):
        assert published.public_state(evaluation.pk) is None


def test_the_reset_counters_add_up_across_servers(shared_cache):
    first, second = shared_cache(), shared_cache()
    key = "password-reset:address:192.0.2.7"
    answers = []
    for number in range(accounts.RESET_LIMIT + 1):
        with serving(first if number % 2 else second):
            answers.append(accounts._over_limit(key))
    assert answers == [False] * accounts.RESET_LIMIT + [True]
    with serving(first):
        assert accounts._over_limit("password-reset:address:192.0.2.8") is False


def test_redis_and_s3_are_taken_from_the_environment(tmp_path, redis_url):
    """KOMMUNEKOMPASS_REDIS_URL makes the cache Redis, KOMMUNEKOMPASS_S3_* the file storage S3;
    what the app writes there is read here, through the same settings."""
    import json
    import os

    from tests.test_health import COMMAND

    script = (
        "import json; from django.conf import settings; from django.core.cache import cache; "
        "cache.set('from-another-server', [1, 'two'], 60); "
        "print(json.dumps([settings.CACHES['default'], settings.STORAGES['default']]))"
    )
    env = {
        **os.environ,
        "KOMMUNEKOMPASS_DATA_DIR": str(tmp_path / "data"),
        "KOMMUNEKOMPASS_REDIS_URL": redis_url,
        "KOMMUNEKOMPASS_S3_BUCKET": "kommunekompass",
        "KOMMUNEKOMPASS_S3_ENDPOINT_URL": "https://s3.example.no",
        "KOMMUNEKOMPASS_S3_ACCESS_KEY_ID": "key",
        "KOMMUNEKOMPASS_S3_SECRET_ACCESS_KEY": "secret",
        "KOMMUNEKOMPASS_S3_REGION": "eu-north-1",
    }
    result = subprocess.run(
        [COMMAND, "shell", "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    cache_setting, storage = json.loads(result.stdout.strip().splitlines()[-1])
    assert cache_setting["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache_setting == redis_caches(redis_url)["default"]
    with override_settings(CACHES=redis_caches(redis_url)):
        assert cache.get("from-another-server") == [1, "two"]
        cache.clear()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "kommunekompass"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.no"
    assert storage["OPTIONS"]["access_key"] == "key"
    assert storage["OPTIONS"]["region_name"] == "eu-north-1"
