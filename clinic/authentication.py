"""API tokens that expire (``API_TOKEN_TTL_HOURS``) and can be revoked."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from clinic import roles


def token_expires_at(token: Token):
    """When a token stops working."""
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …``, refused once the token is older than its lifetime."""

    def authenticate_credentials(self, key):
        # One query for the token, its user and the user's role (role_of reads the cache).
        try:
            token = (
                Token.objects.select_related("user")
                .annotate(role=roles.role_subquery("user_id"))
                .get(key=key)
            )
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed("Token expired: ask for a new one.")
        user._talus_role = roles.ADMIN if user.is_superuser else token.role
        return user, token
