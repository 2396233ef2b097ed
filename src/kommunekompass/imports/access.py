"""Who may import results, and whose imports one sees."""

from kommunekompass.imports.models import ImportBatch

PERMISSION = "imports.import_results"


def may_import(user) -> bool:
    """Importing published results is a permission of its own (site administrators have it)."""
    return user.is_authenticated and user.has_perm(PERMISSION)


def batches_visible_to(user):
    """The imports a user sees: a site administrator all, an importer their own, others none."""
    if not user.is_authenticated:
        return ImportBatch.objects.none()
    if user.is_superuser:
        return ImportBatch.objects.all()
    if not may_import(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(imported_by=user)
