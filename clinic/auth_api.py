"""``/api/v1/auth/token/``: POST a username and password for a token; DELETE to revoke it."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from clinic.authentication import token_expires_at, token_is_expired

TokenResponse = inline_serializer(
    "Token", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token; revoke it with DELETE."""

    throttle_scope = "auth"

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_throttles(self):
        return [AnonRateThrottle(), ScopedRateThrottle()]

    @extend_schema(tags=["auth"], request=AuthTokenSerializer, responses={200: TokenResponse})
    @transaction.atomic
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.select_for_update().get_or_create(user=user)
        if token_is_expired(token):
            # An expired token is replaced, never revived.
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
