"""``/api/v1/auth/token/``: POST a username and password for a token; DELETE ends it.
``/api/v1/auth/logout-all/``: POST ends every token and session of the caller.

The password goes through ``django.contrib.auth.authenticate`` with the Django request,
so django-axes counts failures and refuses a locked-out username+IP pair (a JSON 429).
An account with two-factor on, or whose role requires it (``TWO_FACTOR_ROLES``), must also
send ``otp_token``, the code from its app; one that must but has no device yet is told to
enrol first. Each POST makes a new token for that client (clinic.security.tokens).
"""

from __future__ import annotations

import django_otp
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clinic import serializers as api_serializers
from clinic.parsers import JSONParser
from clinic.security import lockout, sign_ins, tokens, two_factor
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


class TokenView(APIView):
    """Exchange a username and password (and a two-factor code) for a new API token for
    this client; end this client's token with DELETE."""

    serializer_class = TokenRequestSerializer
    throttle_scope = "auth"
    # JSON, or a form as `curl -d username=… -d password=…` sends (docs/api.md).
    parser_classes = [JSONParser, FormParser]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer(self, *args, **kwargs):
        return self.serializer_class(*args, context={"request": self.request}, **kwargs)

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
        if device is None and two_factor.is_required_for(user):
            return _refused({"otp_token": [two_factor.ENROL_FIRST]})
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
        row, token = tokens.token_create(user=user)
        return Response({"token": token, "expires_at": row.expiry})

    @extend_schema(
        tags=["auth"],
        request=None,
        responses={
            204: None,
            400: OpenApiResponse(description="The request was not made with a token."),
        },
    )
    def delete(self, request, *args, **kwargs):
        if not isinstance(request.auth, AuthToken):
            return Response(
                {
                    "detail": "Send the token to end in the Authorization header.",
                    "code": "no_token",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every API token and every page session of the caller: a lost laptop or phone."""

    open_to_all_roles = True

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        sign_ins.logout_everywhere(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
