"""DRF's rate throttles, kept answering when the cache (Redis) does not.

The counters live in the default cache, Redis in production. A throttle guards the API
against floods and password guessing; it is not a record. So while Redis does not answer,
the throttles count in this process's memory instead: the limits still hold per process
(a client gets up to the rate once per web process, not without limit), and no request is
refused, or answered with a 500, because Redis is away. After a failure Redis is left
alone for ``RETRY_SECONDS``, so an outage costs one failed call per process every few
seconds, not one per request (a Redis that hangs costs that call its socket timeout).
django-axes still locks out password guessing meanwhile: its counts are in the database.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework import throttling

from clinic.security.proxies import client_ip

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# What a cache that does not answer raises (redis-py wraps socket errors in ConnectionError).
CACHE_ERRORS = (RedisError, OSError)


class _Fallback:
    """This process's own counters, and until when Redis is left alone."""

    def __init__(self):
        self.cache = LocMemCache("talus-throttle-fallback", {"MAX_ENTRIES": 10_000})
        self.skip_until = 0.0
        self.lock = threading.Lock()

    def in_use(self) -> bool:
        return time.monotonic() < self.skip_until

    def engage(self, exc: BaseException) -> None:
        with self.lock:
            first = not self.in_use()
            self.skip_until = time.monotonic() + RETRY_SECONDS
        if first:
            logger.warning(
                "The cache did not answer (%s): API throttles count in process memory for %.0f s.",
                type(exc).__name__,
                RETRY_SECONDS,
            )

    def reset(self) -> None:
        """Forget the outage and the counters (tests)."""
        self.skip_until = 0.0
        self.cache.clear()


fallback = _Fallback()


class CacheFallbackMixin:
    """Count in the cache; while it does not answer, in ``fallback.cache``.

    Callers are told apart by ``client_ip``: ``X-Forwarded-For`` only from a trusted proxy.
    """

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        if not fallback.in_use():
            try:
                return super().allow_request(request, view)
            except CACHE_ERRORS as exc:
                fallback.engage(exc)
        self.cache = fallback.cache
        return super().allow_request(request, view)


class AnonRateThrottle(CacheFallbackMixin, throttling.AnonRateThrottle):
    """Anonymous callers, by address (``anon`` rate)."""


class UserRateThrottle(CacheFallbackMixin, throttling.UserRateThrottle):
    """Signed-in callers, by user (``user`` rate)."""


class ScopedRateThrottle(CacheFallbackMixin, throttling.ScopedRateThrottle):
    """A view's own ``throttle_scope`` rate (the token endpoint's ``auth``)."""


class LoginRateThrottle(CacheFallbackMixin, throttling.SimpleRateThrottle):
    """Password POSTs to the login page, by client address (``login`` rate).

    django-axes locks a username+address pair after a few failures; this caps how many
    usernames one address may try in a minute.
    """

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
