"""API tokens that expire (``API_TOKEN_TTL_HOURS``) and can be revoked."""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
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
        token = token_with_user_and_role(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed("Token expired: ask for a new one.")
        return user, token


# The user's columns, in the order of _CREDENTIALS_LOOKUP (pinned to the model by a test).
USER_FIELDS = [
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
    "email", "is_staff", "is_active", "date_joined",
]  # fmt: skip
_TOKEN_FIELDS = ["key", "user_id", "created"]
# Every API request starts here: one literal statement for the token, its user and the
# user's role, with no ORM query compilation (that alone cost as much as the round trip).
# The role is the widest group the user holds; the names sort in precedence order.
_CREDENTIALS_LOOKUP = (
    "SELECT t.key, t.user_id, t.created, u.id, u.password, u.last_login, u.is_superuser,"
    " u.username, u.first_name, u.last_name, u.email, u.is_staff, u.is_active, u.date_joined,"
    " (SELECT g.name FROM auth_group g JOIN auth_user_groups ug ON ug.group_id = g.id"
    "  WHERE ug.user_id = u.id AND g.name IN (%s, %s, %s, %s) ORDER BY g.name LIMIT 1)"
    " FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id WHERE t.key = %s"
)


def token_with_user_and_role(key: str) -> Token | None:
    """The token with its user attached and the user's role cached on them, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_CREDENTIALS_LOOKUP, [*roles.ROLE_PRECEDENCE, key])
        row = cursor.fetchone()
    if row is None:
        return None
    # SQLite hands back naive UTC datetimes from a raw cursor; PostgreSQL, aware ones.
    row = [
        timezone.make_aware(v, datetime.UTC)
        if isinstance(v, datetime.datetime) and timezone.is_naive(v)
        else v
        for v in row
    ]
    n_token, n_user = len(_TOKEN_FIELDS), len(USER_FIELDS)
    token = Token.from_db(connection.alias, _TOKEN_FIELDS, row[:n_token])
    user = get_user_model().from_db(connection.alias, USER_FIELDS, row[n_token : n_token + n_user])
    user._talus_role = roles.ADMIN if user.is_superuser else row[-1]
    token.user = user
    return token
