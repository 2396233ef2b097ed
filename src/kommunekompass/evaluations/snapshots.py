"""What a published version holds, made by a higher layer.

The snapshot of a report (figures, findings, comparison group, published projects) is put
together by the reports app, which reads comparisons and improvement; evaluations may not import
those. So the reports app registers two functions here when it starts (ReportsConfig.ready):

- a builder, `build(evaluation) -> dict`, called inside the publishing transaction with the
  evaluation's row locked, returning JSON-ready data of everything the report shows;
- optionally a batch builder, `build_many(evaluations, progress) -> {evaluation id: data}`,
  giving for each evaluation exactly what `build` gives for it in the same database state, but
  reading what the evaluations share once (used when an import publishes many at once;
  without one, `build_many` calls `build` for each);
- a renderer, `render(version) -> dict[str, tuple[str, bytes]]`, called after the version is
  stored, returning the files to keep ({"pdf": (filename, bytes), "xlsx": (...)});
- a differ, `changes(previous_data, data) -> list`, describing what changed between versions;
- optionally a storer, `store_later(version)`, called inside the publishing transaction, that
  has the version's files rendered and stored after the commit (the reports app enqueues a
  job); without one they are rendered on commit, in the publishing process.

Publishing without a registered builder is refused: a published version is never empty.
"""

from __future__ import annotations

from collections.abc import Callable

_builder: Callable | None = None
_batch_builder: Callable | None = None
_renderer: Callable | None = None
_differ: Callable | None = None
_storer: Callable | None = None


class NoSnapshotBuilder(RuntimeError):
    pass


def register(
    *,
    builder: Callable,
    renderer: Callable,
    differ: Callable,
    batch_builder: Callable | None = None,
    storer: Callable | None = None,
) -> None:
    global _builder, _batch_builder, _renderer, _differ, _storer
    _builder, _batch_builder, _renderer, _differ = builder, batch_builder, renderer, differ
    _storer = storer


def build(evaluation) -> dict:
    if _builder is None:
        raise NoSnapshotBuilder("No snapshot builder is registered (is the reports app installed?)")
    return _builder(evaluation)


def build_many(evaluations: list, progress: Callable | None = None) -> dict[int, dict]:
    """{evaluation id: data}: `build` of each evaluation, in the same database state.
    `progress(done, total)` is called as the snapshots are made."""
    if _builder is None:
        raise NoSnapshotBuilder("No snapshot builder is registered (is the reports app installed?)")
    if _batch_builder is not None:
        return _batch_builder(evaluations, progress)
    built = {}
    for index, evaluation in enumerate(evaluations, start=1):
        built[evaluation.pk] = _builder(evaluation)
        if progress:
            progress(index, len(evaluations))
    return built


def changes(previous_data: dict | None, data: dict) -> list:
    if _differ is None or previous_data is None:
        return []
    return _differ(previous_data, data)


def render(version) -> dict:
    if _renderer is None:
        return {}
    return _renderer(version)


def store_later(version) -> bool:
    """Have the registered storer render and store the version's files after the commit.
    False when there is none (the caller renders them itself)."""
    if _storer is None:
        return False
    _storer(version)
    return True
