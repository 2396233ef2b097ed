"""The app as several processes, scaled down: bench/topology.py's harness with 8 virtual users
for a few seconds against a private PostgreSQL, moto's S3 server, two app servers and one
worker, all started here on 127.0.0.1 (a small data set instead of the demo).

What is asserted are the invariants, never timings: every response an expected status, every
save the clients were told of in the database with its version and value, every device's last
ballot counted, every confirmed import's evaluation there, every publication's files rendered
by one job and stored once in the bucket, and the queue empty with each job run once.

It starts its own PostgreSQL, whatever the suite's DATABASE_URL says, so it runs once: in the
suite's SQLite run (DATABASE_URL unset). A missing PostgreSQL or moto fails it.
"""

import sys
from argparse import Namespace
from pathlib import Path

import pytest

from tests.once import runs_once

BENCH = Path(__file__).resolve().parents[1] / "bench"

# It starts its own PostgreSQL whatever DATABASE_URL says: the same run in both of the suite's.
pytestmark = runs_once


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    sys.path.insert(0, str(BENCH))
    try:
        import topology
    finally:
        sys.path.remove(str(BENCH))
    folder = tmp_path_factory.mktemp("topology")
    args = Namespace(
        users=8,
        seconds=6,
        warmup=1,
        floor_seconds=1,
        workers=2,
        threads=4,
        lean=True,
        drain_timeout=120,
    )
    return topology.run_topology(args, folder / "run")


def test_every_response_is_one_the_action_expects(topology):
    assert topology.errors == []
    assert topology.mix.stats.requests > 0


def test_no_write_the_clients_were_told_of_is_lost(topology):
    verdict = topology.verdict
    assert verdict["lost"] == []
    # Every kind of write happened, so the checks above checked something.
    assert verdict["saves"] > 0 and verdict["questions"] > 0
    assert verdict["ballots"] > 0
    assert verdict["imported"] >= 1


def test_every_job_is_done_exactly_once(topology):
    verdict = topology.verdict
    assert verdict["drained"]
    assert verdict["jobs"] == []
    assert verdict["published"] >= 1
    assert verdict["files"] == 3 * verdict["published"]  # PDF, workbook, Word document
    assert verdict["new_jobs"]
    assert set(verdict["statuses"]) == {"SUCCESSFUL"}
