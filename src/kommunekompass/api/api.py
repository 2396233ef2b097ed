"""The JSON API under /api/, with its OpenAPI 3 document at /api/openapi.json and its
documentation page at /api/docs (Swagger UI served from django-ninja's own static files: no
CDN, no inline script)."""

from ninja import NinjaAPI, Swagger

from kommunekompass.api import (
    errors,
    findings,
    imports,
    improvement,
    private,
    public,
    scoring,
    workflow,
)

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


errors.install(api)

api.add_router("", public.router)
api.add_router("", private.router)
api.add_router("", private.writing)
api.add_router("", scoring.router)
api.add_router("", findings.router)
api.add_router("", workflow.router)
api.add_router("", improvement.router)
api.add_router("", imports.router)
