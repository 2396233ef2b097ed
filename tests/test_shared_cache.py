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
