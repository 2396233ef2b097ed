"""Who calls the API: the user of a personal API token (`Authorization: Bearer kk_…`), or
nobody. The API reads no session cookie, so it needs no CSRF token: every call that changes
something needs a token.

- `TokenAuth`: a valid token is required (401 without one, or with a wrong, revoked or expired
  one);
- `OptionalToken`: no Authorization header is an anonymous caller; a header with a wrong token
  is still 401, never silently anonymous.
"""

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from kommunekompass.api.tokens import user_for


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return user_for(token)


class OptionalToken(TokenAuth):
    def __call__(self, request):
        if not request.headers.get(self.header):
            return AnonymousUser()
        user = super().__call__(request)
        if user is None:
            raise AuthenticationError()
        return user


def caller(request):
    """The user the call acts for (AnonymousUser without a token)."""
    return getattr(request, "auth", None) or AnonymousUser()
