"""The JSON API under /api/, with its OpenAPI 3 document at /api/openapi.json and its
documentation page at /api/docs (Swagger UI served from django-ninja's own static files: no
CDN, no inline script)."""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI, Swagger

from kommunekompass.api import private, public

api = NinjaAPI(
    title="Kommunekompass API",
    version="1",
    description=(
        "Published results, frameworks, comparison groups and rankings for anyone; with a "
        "personal API token (Authorization: Bearer kk_…) everything the token's user may see "
        "and do in the pages. See docs/api.md."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PermissionDenied)
def refused(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


api.add_router("", public.router)
api.add_router("", private.router)
api.add_router("", private.writing)
