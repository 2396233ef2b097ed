"""The header of every page: the count of open reminders and, for those who manage people,
the link to the people page. Both are read lazily, and cached for a minute."""

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject


def _manages_people(user) -> bool:
    if user.is_superuser:
        return True
    key = f"people:manages:{user.pk}"
    manages = cache.get(key)
    if manages is None:
        from kommunekompass.people.rules import managed_municipalities

        manages = managed_municipalities(user).exists()
        cache.set(key, manages, 60)
    return manages


def reminders(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from kommunekompass.people.reminders import open_count

    return {
        "open_reminder_count": SimpleLazyObject(lambda: open_count(user)),
        "manages_people": SimpleLazyObject(lambda: _manages_people(user)),
    }
