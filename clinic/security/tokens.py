"""API tokens: django-rest-knox's, hashed, expiring, one per client.

A token is stored as its SHA-512 digest only; it lives ``API_TOKEN_TTL_HOURS``; each
``POST /api/v1/auth/token/`` makes a new one for that client, and ``DELETE`` ends it alone
(ending them all: ``clinic.security.sign_ins``).
"""

from __future__ import annotations

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions

from clinic.security import two_factor


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token …`` (knox), refused where the second factor is still due.

    A token is issued only after the code when the person has a device, and enrolling
    ends every older token: so a token of a person with a device was issued with the code.
    A person whose role requires two-factor but who has no device yet gets 403
    ``otp_enrolment_required`` until they enrol on the Security page.
    """

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
