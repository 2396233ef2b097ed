"""What bundles show on the evaluations' pages, so that app need not import this one.

`{% bundle_export_link evaluation %}` on an evaluation's overview: the "Export bundle" download,
for those who may export it. `{% bundle_import_link %}` on the evaluations list: the link to the
upload page, for those who may import.
"""

from django import template

from kommunekompass.bundles.access import may_export, may_import

register = template.Library()


@register.inclusion_tag("bundles/_export_link.html", takes_context=True)
def bundle_export_link(context, evaluation) -> dict:
    request = context.get("request")
    show = request is not None and may_export(request.user, evaluation)
    return {"show": show, "evaluation": evaluation}


@register.inclusion_tag("bundles/_import_link.html", takes_context=True)
def bundle_import_link(context) -> dict:
    request = context.get("request")
    return {"show": request is not None and may_import(request.user)}
