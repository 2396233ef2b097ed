"""Limits on work done at the same time, through Django's cache."""

from __future__ import annotations

from contextlib import contextmanager

from django.core.cache import cache


class Busy(Exception):
    """Someone holds the slot already."""


@contextmanager
def one_at_a_time(key: str, timeout: int = 300):
    """Hold the slot `key` while the block runs; raise Busy at once if it is held.

    `cache.add` is atomic, and the app's cache is shared by every process and server (the
    database cache, or Redis), so the slot is exclusive across all of them. `timeout` frees a
    slot whose holder died."""
    if not cache.add(key, 1, timeout):
        raise Busy(key)
    try:
        yield
    finally:
        cache.delete(key)
