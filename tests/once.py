"""`runs_once`: for tests that run the app as its own process on its own SQLite database in a
temporary data directory, whatever the suite's DATABASE_URL says. The suite runs twice (on
SQLite, then with DATABASE_URL on PostgreSQL); such a test would run the very same thing twice,
so it runs in the SQLite run only. Tests that use the suite's database never take this mark."""

import os

import pytest

runs_once = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="runs the app on its own SQLite database whatever DATABASE_URL says: once, in the "
    "suite's SQLite run",
)
