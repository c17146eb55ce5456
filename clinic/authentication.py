"""API tokens that expire (``API_TOKEN_TTL_HOURS``) and can be revoked."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expires_at(token: Token):
    """When a token stops working."""
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …``, refused once the token is older than its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed("Token expired: ask for a new one.")
        return user, token
