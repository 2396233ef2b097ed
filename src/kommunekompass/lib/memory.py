"""Working with many objects at once."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def no_cycle_collection():
    """Run the block without Python's cyclic garbage collector, then turn it back on.

    For a batch that builds hundreds of thousands of small containers and keeps them all until
    it is done (the snapshots of an import's evaluations): the collector would walk them over
    and over while they grow, for nothing, as none of them can be freed before the end. Plain
    reference counting still frees everything else; cycles made meanwhile are collected after
    the block, when the collector runs again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
