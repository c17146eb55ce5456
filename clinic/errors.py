"""What a service refuses, in the clinic's words: domain errors with no web framework in them.

Services and pure rules raise these; each is turned into an HTTP answer in one place:
``clinic.exceptions.exception_handler`` for the API, ``clinic.forms.add_service_errors`` (and
``clinic.views.role_required`` for what a page does not catch) for the pages.

| error | meaning | API |
| --- | --- | --- |
| ``Invalid`` | bad input, field by field (``errors``) | 400 ``{"field": ["message"]}`` |
| ``NotFound`` | no such record within the caller's reach | 404 |
| ``NotAllowed`` | the caller may not do this (their role, or the record is not theirs) | 403 |
| ``Conflict`` | the record's current state does not allow it (a ``code``, a ``context``) | 409 |
| ``InvalidTransition`` | a ``Conflict``: a status step out of order (``current``) | 409 |

The 409's body is ``{"detail": message, "code": code, **context}``, so a context's keys are
part of the API (a duplicate patient's ``match``, a referral's ``status``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The key of messages about no one field (the API's name for them).
NON_FIELD = "non_field_errors"


class DomainError(Exception):
    """A refusal of the domain: a message for a person, a stable ``code`` for a program."""

    code = "error"

    def __init__(self, message: str = "", *, code: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.context = context


class Invalid(DomainError):
    """Bad input: ``errors`` maps each field (or ``NON_FIELD``) to its messages."""

    code = "invalid"

    def __init__(
        self, errors: Mapping[str, str | Iterable[str]], *, code: str | None = None
    ) -> None:
        self.errors: dict[str, list[str]] = {
            field: [messages] if isinstance(messages, str) else list(messages)
            for field, messages in errors.items()
        }
        super().__init__(
            "; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.errors.items()),
            code=code,
        )

    @property
    def messages(self) -> list[str]:
        """Every message, without the fields they are about (for a page's one-line notice)."""
        return [message for messages in self.errors.values() for message in messages]


class NotFound(DomainError):
    """No such record within the caller's reach (one outside it reads as one that does not
    exist: no existence leak)."""

    code = "not_found"


class NotAllowed(DomainError):
    """The caller may not do this: their role, or a record that is not theirs to change."""

    code = "permission_denied"


class Conflict(DomainError):
    """The record's current state does not allow this; nothing was changed."""

    code = "conflict"


class InvalidTransition(Conflict):
    """A status step out of order; ``current`` is the record's status (``status`` in the 409)."""

    code = "invalid_transition"

    def __init__(self, message: str, *, current: str) -> None:
        super().__init__(message, status=current)
        self.current = current
