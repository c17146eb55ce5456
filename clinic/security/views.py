"""Security pages: the person's Security page, setting up a TOTP device, giving a code after
the password, logging out everywhere; and the login page's rate limit."""

from __future__ import annotations

import functools
import math

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clinic.security import sign_ins, two_factor
from clinic.security.forms import CodeForm
from clinic.throttling import LoginRateThrottle


def _next_url(request) -> str:
    """Where to go afterwards: a local ``next`` only, else the role's home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "home"


@never_cache
@login_required
def setup(request):
    """Show the secret (text and QR code) of a new device; a first code confirms it."""
    user = request.user
    existing = two_factor.confirmed_device(user)
    if existing is not None and request.method == "GET" and "new" not in request.GET:
        return render(request, "security/two_factor_on.html", {"device": existing})
    device = two_factor.device_for_setup(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.device_confirm(
            request=request, device=device, token=form.cleaned_data["otp_token"]
        ):
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(_next_url(request))
        form.add_error("otp_token", "That code did not match. Check the time on your phone.")
    uri = device.config_url
    context = {
        "form": form,
        "secret": two_factor.secret_of(device),
        "uri": uri,
        "qr_svg": two_factor.qr_svg(uri),
        "replacing": existing is not None,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "security/two_factor_setup.html", context)


@never_cache
@login_required
def verify(request):
    """After the password: the code from the person's confirmed device."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if two_factor.confirmed_device(request.user) is None:
        two_factor.forget_device_check(request)
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.session_verify(
            request=request, user=request.user, token=form.cleaned_data["otp_token"]
        ):
            return redirect(_next_url(request))
        form.add_error("otp_token", "That code did not match. Try the code your app shows now.")
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "security/two_factor_verify.html", context)


def login_throttled(view):
    """The login page's POSTs, limited per client address (``LOGIN_THROTTLE``): a 429 page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            throttle = LoginRateThrottle()
            if not throttle.allow_request(request, None):
                seconds = max(1, math.ceil(throttle.wait() or 1))
                response = render(
                    request,
                    "security/login_throttled.html",
                    {"seconds": seconds},
                    status=429,
                )
                response["Retry-After"] = str(seconds)
                return response
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@login_required
def security(request):
    """The person's own security: two-factor sign-in, and logging out everywhere."""
    device = two_factor.confirmed_device(request.user)
    context = {
        "device": device,
        "required": two_factor.is_required_for(request.user),
        "tokens": request.user.auth_token_set.count(),
    }
    return render(request, "security/security.html", context)


@require_POST
@login_required
def logout_everywhere(request):
    """End every session (this one too) and every API token of the person."""
    sign_ins.logout_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You are logged out everywhere: every computer and every API token.")
    return redirect("login")
