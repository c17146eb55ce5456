"""The request log line, and the two-factor gate in front of every page."""

from __future__ import annotations

import functools
import logging
import re
from time import monotonic
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty

from clinic import roles
from clinic.security import two_factor

request_logger = logging.getLogger("talus.request")

_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def route_of(request: HttpRequest) -> str:
    """The URL pattern that served the request, ids as ``{pk}``: never the path itself.

    ``api/v1/^patients/(?P<pk>[^/.]+)/$`` (a DRF router) and ``patients/<int:pk>/`` both
    become ``/…/patients/{pk}/``. A request that matched no pattern is ``<unmatched>``.
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        # Answered before URL resolution (a redirect to the two-factor page, a lockout).
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "<unmatched>"
    if match.route is None:
        return "<unmatched>"
    return _route_pattern(match.route)


@functools.lru_cache(maxsize=1024)
def _route_pattern(route: str) -> str:
    """``route`` with its groups as ``{name}``: the same few hundred patterns, every request
    (bounded by the URLconf's patterns, not by the paths requested)."""
    route = _REGEX_GROUP.sub(r"{\1}", route)
    route = _CONVERTER.sub(r"{\1}", route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + route


def _user_of(request: HttpRequest):
    """The request's user if something already loaded it; never a query of our own."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user if user.is_authenticated else None


class RequestLogMiddleware:
    """One line per request: method, route pattern, status, duration, user id and role.

    Never the path (its ids identify patients), the query string (search terms) or a body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = monotonic()
        response = self.get_response(request)
        if not request_logger.isEnabledFor(logging.INFO):
            return response  # LOG_LEVEL above INFO: no line, so nothing to work out for one
        duration_ms = round((monotonic() - started) * 1000, 1)
        user = _user_of(request)
        method = request.method if request.method in _METHODS else "OTHER"
        route = route_of(request)
        request_logger.info(
            "%s %s %s",
            method,
            route,
            response.status_code,
            extra={
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user else None,
                "role": roles.role_of(user) if user else None,
            },
        )
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"}


class TwoFactorMiddleware:
    """Asks for the second factor where it is due, before any view runs.

    - A person with a confirmed device who has not given a code in this session is sent
      to the verify page from every page (a JSON 403 ``otp_required`` from the API).
    - A person whose role requires two-factor (``TWO_FACTOR_ROLES``, and every staff or
      superuser account) but who has no device yet is sent to set one up from every page,
      Django admin included (a JSON 403 ``otp_enrolment_required`` from the API).
    API calls with a token are checked by the token's authentication (clinic.security.tokens).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified():
            answer = self._gate(request, user)
            if answer is not None:
                return answer
        return self.get_response(request)

    def _gate(self, request: HttpRequest, user) -> HttpResponse | None:
        path = request.path_info
        paths = _gate_paths(get_urlconf() or settings.ROOT_URLCONF, settings.STATIC_URL)
        if path in paths.always_open or path.startswith(paths.static):
            return None
        if two_factor.session_requires_code(request, user):
            if path.startswith("/api/"):
                return _refused("Enter the code from your authenticator app first.", "otp_required")
            verify_url = reverse("two-factor-verify")
            return redirect(f"{verify_url}?{urlencode({'next': request.get_full_path()})}")
        if two_factor.is_required_for(user) and path != paths.setup:
            if path.startswith("/api/"):
                return _refused(two_factor.ENROL_FIRST, two_factor.ENROLMENT_REQUIRED)
            messages.info(request, "Your role needs two-factor sign-in: set it up first.")
            setup_url = reverse("two-factor-setup")
            return redirect(f"{setup_url}?{urlencode({'next': request.get_full_path()})}")
        return None


class _GatePaths(NamedTuple):
    always_open: frozenset[str]
    setup: str
    static: str


@functools.lru_cache(maxsize=8)
def _gate_paths(urlconf: str, static_url: str) -> _GatePaths:
    """The paths the gate lets through, as ``request.path_info`` has them (no script prefix),
    worked out once per URLconf: four ``reverse()`` of constant names on every page request
    of a person without a verified device cost more than the gate's own test (a test or a
    deployment with another URLconf or static URL gets its own entry)."""

    def path_of(name: str) -> str:
        return "/" + reverse(name, urlconf=urlconf).removeprefix(get_script_prefix())

    verify, setup = path_of("two-factor-verify"), path_of("two-factor-setup")
    return _GatePaths(
        always_open=frozenset({verify, path_of("logout"), path_of("healthz")}),
        setup=setup,
        static="/" + static_url.lstrip("/"),
    )


def _refused(detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=403)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer of the application.

    Pages and API answers carry patient data: a shared front-desk screen's Back button or
    browser cache, or a proxy, must not keep a copy. Static files are answered before this
    (whitenoise) and keep their long cache lifetime; nothing else is worth caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
