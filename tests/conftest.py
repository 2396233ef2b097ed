import pytest
from django.test.utils import override_settings

from kommunekompass.frameworks.loader import load_shipped_frameworks

# The app's cache is shared by its servers (the database, or Redis). Tests use a per-process
# memory cache: a test without database access may touch the cache, and query counts measure
# the app's own queries. tests/test_shared_cache.py and the tests that start servers use the
# database cache.
MEMORY_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}


@pytest.fixture(scope="session", autouse=True)
def memory_cache():
    override = override_settings(CACHES=MEMORY_CACHE)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached pages are keyed on ids, and ids come round again when each test's data rolls back.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A page served in another language leaves that language active in the test's thread;
    every test starts from the site's default, whatever ran before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


IMMEDIATE_JOBS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session", autouse=True)
def immediate_jobs():
    """Jobs run at once, in the process that enqueues them (after the commit, as on_commit
    callbacks did), also for module-scoped data such as the demo. tests/test_jobs.py runs the
    database backend with a real worker."""
    from django.test import override_settings

    with override_settings(TASKS=IMMEDIATE_JOBS):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow by design; tests log in dozens of people.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped frameworks once into the test database (tests roll back above it)."""
    with django_db_blocker.unblock():
        load_shipped_frameworks()


def shipped(key: str):
    from kommunekompass.frameworks.models import Framework

    framework = Framework.objects.filter(key=key, version="2020").first()
    if framework is None:  # a transactional test before this one emptied the database
        for outcome in load_shipped_frameworks():
            if outcome.framework.key == key:
                framework = outcome.framework
    return framework


@pytest.fixture
def kommunekompass_framework(db):
    return shipped("kommunekompass")


@pytest.fixture
def caf_framework(db):
    return shipped("caf")


@pytest.fixture
def evaluator(django_user_model):
    return django_user_model.objects.create_user(
        "evaluator", password="secret-pass-1", first_name="Eva"
    )


@pytest.fixture
def evaluator_client(client, evaluator):
    client.force_login(evaluator)
    return client


@pytest.fixture
def client_factory():
    """A logged-in test client per person: client_factory(user)."""
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


class World:
    """Two municipalities, an evaluation of each, and a person in every role."""


@pytest.fixture
def world(db, kommunekompass_framework):
    return make_world(kommunekompass_framework)


def make_world(framework):
    """The World of the `world` fixture, as a plain function (for module-scoped data)."""
    from tests.factories import make_evaluation, make_municipality, make_user

    w = World()
    w.framework = framework
    w.fjordvik = make_municipality("Fjordvik kommune", "9901")
    w.nordhei = make_municipality("Nordhei kommune", "9902")
    w.admin = make_user("admin", superuser=True)
    w.eva = make_user("eva", evaluator=True)  # evaluates Fjordvik
    w.otto = make_user("otto", evaluator=True)  # evaluates Nordhei
    w.coordinator = make_user("coordinator", coordinator_of=w.fjordvik)
    w.reader = make_user("reader", reader_of=w.fjordvik)
    w.nordhei_reader = make_user("nordheireader", reader_of=w.nordhei)
    w.outsider = make_user("outsider")
    w.draft = make_evaluation(w.fjordvik, w.framework, evaluators=[w.eva])
    w.published = make_evaluation(
        w.fjordvik, w.framework, evaluators=[w.eva], status="published", year=2023
    )
    w.nordhei_draft = make_evaluation(w.nordhei, w.framework, evaluators=[w.otto])
    return w


# The improvement programme's fixtures live in their own module.
from tests.improvement_world import frozen_today, programme  # noqa: E402, F401


@pytest.fixture
def latest_schema_afterwards(django_db_blocker):
    """For tests that migrate back and forth: the whole schema again afterwards. Migrating one
    app back also takes back the migrations of other apps that depend on it, and migrating
    forward to one app's target does not bring those back."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with django_db_blocker.unblock():
        executor = MigrationExecutor(connection)
        leaves = executor.loader.graph.leaf_nodes()
        if executor.migration_plan(leaves):
            executor.migrate(leaves)
