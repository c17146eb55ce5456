"""API tokens: django-rest-knox's, hashed, expiring, one per client.

A token is stored as its SHA-512 digest only; it lives ``API_TOKEN_TTL_HOURS``; each
``POST /api/v1/auth/token/`` makes a new one for that client, and ``DELETE`` ends it alone
(ending them all: ``clinic.security.sign_ins``).
"""

from __future__ import annotations

import binascii
import functools
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import exceptions

from clinic import roles
from clinic.security import two_factor

INVALID_TOKEN = _("Invalid token.")


@functools.cache
def _tokens_with_role():
    """The token rows with their user and the user's role (``user_role``), built once: the
    role's subquery cost as much Python to build on every request as the query itself took.
    A queryset that is never evaluated, only filtered (a copy) per request."""
    return AuthToken.objects.select_related("user").annotate(
        user_role=roles.role_subquery("user_id")
    )


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token …`` (knox), refused where the second factor is still due.

    A token is issued only after the code when the person has a device, and enrolling
    ends every older token: so a token of a person with a device was issued with the code.
    A person whose role requires two-factor but who has no device yet gets 403
    ``otp_enrolment_required`` until they enrol on the Security page.
    """

    def authenticate_credentials(self, token: bytes):
        """One query: the rows of the token's key, each with its user and the user's role.

        knox's own version reads the token and its user, then every other token of that
        user (to delete the expired ones) and, in Talus, the user's groups for the role:
        three queries on every API request. Here the expired tokens of other clients are
        left to the hourly ``clinic.purge_expired_tokens`` (they are refused either way),
        the digest is computed once, not once per candidate row, and the role comes with
        the row. Nothing is cached between requests: a token deleted, expired or whose
        user was deactivated or moved to another role is judged anew on the next request.
        """
        text = token.decode("utf-8")
        try:
            digest = hash_token(text)
        except (TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        candidates = _tokens_with_role().filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH])
        for auth_token in candidates:
            if not compare_digest(digest, auth_token.digest):
                continue
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                username = auth_token.user.get_username()
                auth_token.delete()
                token_expired.send(sender=type(self), username=username, source="auth_token")
                break
            roles.remember_role(auth_token.user, auth_token.user_role)
            return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID_TOKEN)

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if two_factor.is_required_for(user) and two_factor.confirmed_device(user) is None:
            raise exceptions.PermissionDenied(
                two_factor.ENROL_FIRST, code=two_factor.ENROLMENT_REQUIRED
            )
        return user, token


def token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for one client: the row (its digest) and the token, shown only now."""
    return AuthToken.objects.create(user=user)
