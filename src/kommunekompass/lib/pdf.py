"""HTML to PDF with WeasyPrint, reaching nothing but the app's own static files.

WeasyPrint follows every URL in the HTML it renders: images, style sheets, fonts. A report
holds text people typed, so its PDF must not become a way to make the server fetch an address
on its network or read a file of its disk. The fetcher here serves `/static/...` from the
app's static files (through Django's staticfiles finders) and `data:` URIs, and refuses
everything else.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch."""


def static_file(url: str) -> Path | None:
    """The file of the app's static URL `url` (/static/... or file:///static/...), or None."""
    from django.conf import settings
    from django.contrib.staticfiles import finders

    parts = urlsplit(url)
    if parts.scheme not in ("", "file") or parts.netloc not in ("", "localhost"):
        return None
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(prefix):
        return None
    relative = path[len(prefix) :]
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found is None:
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    return Path(found) if found else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        """data: URIs and the app's static files; every other URL is refused."""

        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise RefusedURL(f"The PDF may only use the app's static files, not {url[:200]}")
            mime_type, _encoding = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url,
                body=path.read_bytes(),
                headers={"Content-Type": mime_type or "application/octet-stream"},
            )

    return StaticFilesOnly()


# Every PDF the app writes is tagged (PDF/UA-1): a structure tree that screen readers follow,
# the document's language (from <html lang>), its title (from <title>, shown instead of the
# file name), bookmarks from the headings, and the alternative text of each image (its alt).
PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str) -> bytes:
    """Render `html` to tagged PDF bytes. Relative URLs resolve against file:///, so
    `/static/kommunekompass/x.png` becomes file:///static/kommunekompass/x.png and is served
    from the static files; any other URL is refused (WeasyPrint leaves it out and logs it)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="file:///", url_fetcher=_fetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)
