"""``/api/v1/auth/token/``: POST a username and password for a token; DELETE to revoke it.

The password goes through ``django.contrib.auth.authenticate`` with the Django request,
so django-axes counts failures and refuses a locked-out username+IP pair (a JSON 429).
An account with two-factor on must also send ``otp_token``, the code from its app.
"""

from __future__ import annotations

import django_otp
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from clinic import serializers as api_serializers
from clinic.authentication import token_expires_at, token_is_expired
from clinic.parsers import JSONParser
from clinic.security import lockout, two_factor
from clinic.throttling import AnonRateThrottle, ScopedRateThrottle

TokenResponse = inline_serializer(
    "Token", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)
_BAD_CREDENTIALS = "Unable to log in with provided credentials."


class TokenRequestSerializer(api_serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The current code from the authenticator app; only for two-factor accounts.",
    )


def _refused(errors: dict) -> Response:
    """A 400 returned, not raised: raising would roll back (ATOMIC_REQUESTS) the failure
    that django-axes and the device's throttle just recorded."""
    return Response(errors, status=status.HTTP_400_BAD_REQUEST)


class TokenView(ObtainAuthToken):
    """Exchange a username and password (and a two-factor code if set up) for an API token;
    revoke it with DELETE."""

    serializer_class = TokenRequestSerializer
    throttle_scope = "auth"
    # JSON, or a form as `curl -d username=… -d password=…` sends (docs/api.md).
    parser_classes = [JSONParser, FormParser]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_throttles(self):
        return [AnonRateThrottle(), ScopedRateThrottle()]

    @extend_schema(
        tags=["auth"],
        request=TokenRequestSerializer,
        responses={
            200: TokenResponse,
            400: OpenApiResponse(description="Wrong credentials or two-factor code."),
            429: OpenApiResponse(description="Locked out after repeated failures, or throttled."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        user = authenticate(django_request, username=data["username"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            return lockout.locked_out_response(django_request)
        if user is None or not user.is_active:
            return _refused({"non_field_errors": [_BAD_CREDENTIALS]})
        device = two_factor.confirmed_device(user)
        if device is not None:
            code = data.get("otp_token", "").replace(" ", "")
            if not code:
                return _refused(
                    {"otp_token": ["This account uses two-factor sign-in: send the current code."]}
                )
            if not (code.isdigit() and django_otp.verify_token(user, device.persistent_id, code)):
                # A wrong code counts towards the lockout like a wrong password.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": data["username"]},
                    request=django_request,
                )
                if getattr(django_request, "axes_locked_out", False):
                    return lockout.locked_out_response(django_request)
                return _refused({"otp_token": ["That code did not match."]})
        return Response(_token_for(user))

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def delete(self, request, *args, **kwargs):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@transaction.atomic
def _token_for(user) -> dict:
    """The user's current token, a new one if it had expired (never revived)."""
    token, _ = Token.objects.select_for_update().get_or_create(user=user)
    if token_is_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return {"token": token.key, "expires_at": token_expires_at(token)}
