"""The cache every app server shares: by default Django's database cache in a table made by
`migrate`. (Other tests use a memory cache, see conftest.)"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import override_settings

from kommunekompass.lib.concurrency import Busy, one_at_a_time
from kommunekompass.settings import CACHES as CONFIGURED_CACHES


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


def test_redis_and_s3_are_taken_from_the_environment(tmp_path):
    """KOMMUNEKOMPASS_REDIS_URL makes the cache Redis, KOMMUNEKOMPASS_S3_* the file storage S3."""
    import json
    import os
    import subprocess

    from tests.test_health import COMMAND

    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default'], settings.STORAGES['default']]))"
    )
    env = {
        **os.environ,
        "KOMMUNEKOMPASS_DATA_DIR": str(tmp_path / "data"),
        "KOMMUNEKOMPASS_REDIS_URL": "redis://10.0.0.9:6379/0",
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
    assert cache_setting["LOCATION"] == "redis://10.0.0.9:6379/0"
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "kommunekompass"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.no"
    assert storage["OPTIONS"]["access_key"] == "key"
    assert storage["OPTIONS"]["region_name"] == "eu-north-1"
