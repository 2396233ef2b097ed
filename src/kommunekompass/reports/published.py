"""Serving published versions: whether a report is public, the rendered body kept in the cache,
the stored files, and "compare with today".

A version's files are stored when it is published through the workflow. Versions made by an
import or frozen from legacy data have none until `kommunekompass render-published` renders
them, or a logged-in reader asks for one (`stored_file(..., may_render=True)`); an anonymous
request never starts a rendering (`NotStored`)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from kommunekompass.evaluations.models import Evaluation, PublishedVersion
from kommunekompass.evaluations.services.workflow import store_files
from kommunekompass.reports.data import report_from_data
from kommunekompass.reports.render import render_body
from kommunekompass.reports.shapes import Report, unscored
from kommunekompass.scoring.engine import find

# Raise when the report's templates change, so cached bodies of versions are rendered anew.
BODY_VERSION = "5"
BODY_TIMEOUT = 24 * 3600


# How long the remembered state of an evaluation may be used. A change forgets it at once (see
# forget_state, called when an evaluation is saved) in the cache every app server shares (the
# database or Redis); this bounds what a change made outside the app (the shell) leaves.
STATE_TIMEOUT = 2


def _state_key(pk) -> str:
    return f"report-state:{pk}"


def public_state(pk) -> tuple[int, str, str] | None:
    """(latest version number, status, report language) of an evaluation whose report is
    public, else None. Remembered for a moment, so a busy public report costs no query per
    request."""
    key = _state_key(pk)
    state = cache.get(key)
    if state is None:
        # No ordering: the model's default order would join the municipality for nothing.
        rows = Evaluation.objects.filter(pk=pk).order_by()
        fields = ("published_version", "status", "report_language")
        state = next(iter(rows.values_list(*fields)[:1]), ())
        cache.set(key, tuple(state), STATE_TIMEOUT)
    if not state or state[0] < 1 or state[1] == Evaluation.Status.WITHDRAWN:
        return None
    return tuple(state)


def page_language(request, report_language: str) -> str:
    """The language a report page is shown in: the visitor's choice, else the report's."""
    if getattr(request, "language_chosen", False):
        return translation.get_language() or report_language
    return report_language or translation.get_language()


def activate_page_language(request, report_language: str) -> str:
    """Activate `page_language` for the rest of the request; returns it."""
    language = page_language(request, report_language)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def forget_state(sender, instance, **kwargs) -> None:
    """An evaluation was saved or deleted: its remembered state is no longer to be trusted."""
    cache.delete(_state_key(instance.pk))


def page_key(pk, number, latest: int, status: str, language: str) -> str:
    return f"report-page:{BODY_VERSION}:{pk}:{number or 'latest'}:{latest}:{status}:{language}"


def _file_key(pk, number: int, kind: str) -> str:
    return f"report-file:{pk}:{number}:{kind}"


def remember_file(pk, number: int, kind: str, name: str, filename: str) -> None:
    """A version's stored file never changes: remember its name in the file storage (the data
    directory or the object store)."""
    cache.set(_file_key(pk, number, kind), (name, filename), BODY_TIMEOUT)


def known_file(pk, number: int, kind: str) -> tuple[str, str] | None:
    """(the name in the file storage, the download's file name) of a remembered file."""
    return cache.get(_file_key(pk, number, kind))


def open_stored(name: str):
    """A stored file by its name in the file storage, open for reading (from the data directory
    or streamed from the object store)."""
    from django.core.files.storage import default_storage

    return default_storage.open(name, "rb")


def is_public(evaluation: Evaluation) -> bool:
    """Published at least once and not withdrawn: its latest version is public."""
    return evaluation.published_version > 0 and evaluation.status != Evaluation.Status.WITHDRAWN


def body_key(version_id: int, language: str) -> str:
    return f"report-body:{BODY_VERSION}:{version_id}:{language}"


def cached_body(version: PublishedVersion, language: str) -> str:
    """The version's report body as HTML in `language`: rendered from the snapshot once, then
    from the cache (a version never changes)."""
    key = body_key(version.pk, language)
    body = cache.get(key)
    if body is None:
        data = PublishedVersion.objects.values_list("data", flat=True).get(pk=version.pk)
        body = render_body(report_from_data(data), version=version)
        cache.set(key, body, BODY_TIMEOUT)
    return body


def _exists(field) -> bool:
    return bool(field) and field.storage.exists(field.name)


class NotStored(Exception):
    """The version's file is not stored, and this request may not start its rendering."""


FILE_KINDS = ("pdf", "xlsx")


def is_stored(version: PublishedVersion, kind: str | None = None) -> bool:
    """Is the version's file of `kind` stored (both files when `kind` is None)?"""
    kinds = FILE_KINDS if kind is None else (kind,)
    return all(_exists(getattr(version, k)) for k in kinds)


def store_missing(version: PublishedVersion, *, quiet: bool = True) -> bool:
    """Render the version's files from its snapshot if one is missing: once, under the
    version's row lock (concurrent callers wait and find them made). True if rendered here.
    A rendering that fails is logged, and raised unless `quiet`."""
    with transaction.atomic():
        locked = PublishedVersion.objects.select_for_update().get(pk=version.pk)
        if is_stored(locked):
            rendered = False
        else:
            store_files(locked, quiet=quiet)
            rendered = True
    version.refresh_from_db(fields=list(FILE_KINDS))
    return rendered


def stored_name(version: PublishedVersion, kind: str) -> str:
    """The name of the version's file of `kind` in the file storage."""
    return docx_path(version) if kind == "docx" else getattr(version, kind).name


def stored_file(version: PublishedVersion, kind: str, *, may_render: bool = False):
    """The version's stored file ("pdf" or "xlsx"), open for reading. A version without it
    (an imported one, or a failed rendering) gets its files rendered now when `may_render`
    (a logged-in reader), else NotStored is raised: an anonymous request never renders."""
    if not _exists(getattr(version, kind)):
        if not may_render:
            raise NotStored(f"The {kind} of {version} is not stored.")
        store_missing(version)
        if not _exists(getattr(version, kind)):
            raise RuntimeError(f"The {kind} of {version} could not be rendered.")
    return getattr(version, kind).open("rb")


# --- The Word document of a version ------------------------------------------------------------
# Not a field of the version (the model keeps the PDF and the workbook): stored beside them in
# the same folder, under a name made from the version, rendered once from the snapshot in the
# site's language, as the PDF is.


def docx_path(version: PublishedVersion) -> str:
    from kommunekompass.evaluations.models.records import published_file_path
    from kommunekompass.reports.snapshot import version_filename

    return published_file_path(version, version_filename(version, "docx"))


def render_docx_file(version: PublishedVersion) -> bytes:
    from django.conf import settings
    from django.utils import translation

    from kommunekompass.reports.word import render_docx

    data = PublishedVersion.objects.values_list("data", flat=True).get(pk=version.pk)
    # In the version's report language, as its PDF and workbook are.
    with translation.override(version.language or settings.LANGUAGE_CODE):
        return render_docx(report_from_data(data), version=version)


def store_docx(version: PublishedVersion, *, again: bool = False) -> bool:
    """Render and keep the version's Word document if it is not stored yet, under the
    version's row lock (a concurrent caller waits and finds it made). True if rendered here.
    `again`: render it anew and replace the stored one (which stays if the rendering fails)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = docx_path(version)
    with transaction.atomic():
        PublishedVersion.objects.select_for_update().get(pk=version.pk)
        stored = default_storage.exists(path)
        if stored and not again:
            return False
        content = ContentFile(render_docx_file(version))
        if stored:
            default_storage.delete(path)
        default_storage.save(path, content)
    return True


def is_docx_stored(version: PublishedVersion) -> bool:
    from django.core.files.storage import default_storage

    return default_storage.exists(docx_path(version))


def stored_docx(version: PublishedVersion, *, may_render: bool = False):
    """The version's Word document, open for reading; rendered now when `may_render` (a
    logged-in reader), else NotStored: an anonymous request never renders."""
    from django.core.files.storage import default_storage

    path = docx_path(version)
    if not default_storage.exists(path):
        if not may_render:
            raise NotStored(f"The docx of {version} is not stored.")
        store_docx(version)
    return default_storage.open(path, "rb")


@dataclass
class ComparisonRow:
    code: str
    name: dict
    level: str  # "total", "area" or "subarea"
    published: Fraction | None  # None: nothing scored
    live: Fraction | None
    max_points: Fraction

    @property
    def difference(self) -> Fraction | None:
        if self.published is None or self.live is None:
            return None
        return self.live - self.published

    @property
    def changed(self) -> bool:
        return self.published != self.live


def _points(node) -> Fraction | None:
    return None if unscored(node) else Fraction(node.points)


def comparison_rows(frozen: Report, live: Report) -> list[ComparisonRow]:
    """Total, areas and sub-areas: the published figure beside today's."""
    rows = [
        ComparisonRow(
            "total",
            {},
            "total",
            _points(frozen.result),
            _points(live.result),
            frozen.result.max_points,
        )
    ]
    for area in frozen.areas:
        live_area = find(live.result, area.spec.code)
        rows.append(
            ComparisonRow(
                area.spec.code,
                area.spec.name,
                "area",
                _points(area.result),
                _points(live_area),
                area.spec.max_points,
            )
        )
        for text, node in area.subareas:
            live_node = find(live_area, text.code) if live_area is not None else None
            rows.append(
                ComparisonRow(
                    text.code,
                    text.name,
                    "subarea",
                    _points(node),
                    _points(live_node),
                    text.max_points,
                )
            )
    return rows
