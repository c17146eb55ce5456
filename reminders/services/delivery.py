"""Handing one message to the mail server or the SMS provider, and what its failure means.

A ``SendError`` says whether a retry may help (``transient``) and carries a short code
that names no patient. ``Senders`` is the mail connection and SMS backend a batch shares.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from reminders import messages, sms
from reminders.models import Reminder, ReminderChannel
from reminders.services import events

logger = logging.getLogger(__name__)

# "Service not available, closing transmission channel": the server's, not the message's.
SMTP_CLOSING = 421


class SendError(Exception):
    """A delivery that did not happen. ``code`` is short and carries no patient data."""

    transient = True

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code[:200]


class TransientSendError(SendError):
    """A retry may succeed (server away, timeout, 4xx)."""


class ServerUnavailable(TransientSendError):
    """The server or provider is away for every message, not only this one: the rest of
    the batch on that channel is held instead of tried."""


class PermanentSendError(SendError):
    """A retry will not succeed (address refused, 5xx)."""

    transient = False


def error_code(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


class Senders:
    """The mail connection and the SMS backend one batch shares (opened lazily, once).

    ``close()`` when the batch ends; after a failed send the mail connection is closed
    and the next message opens a fresh one (a server that hung up stays hung up).
    """

    def __init__(self):
        self._mail = None
        self._sms = None

    @property
    def mail(self):
        if self._mail is None:
            self._mail = get_connection()
        # A no-op while open: send_messages() then leaves the connection open for the next one.
        self._mail.open()
        return self._mail

    @property
    def sms(self) -> sms.BaseSmsBackend:
        if self._sms is None:
            self._sms = sms.get_backend()
        return self._sms

    def reset_mail(self) -> None:
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception:  # closing a broken connection may fail: it is gone either way
                logger.debug("Closing the mail connection failed.", exc_info=True)

    def close(self) -> None:
        self.reset_mail()
        self._mail = None


def reminder_message_id(reminder: Reminder) -> str:
    """The same Message-ID every time this reminder is sent (RFC 5322 section 3.6.4).

    SMTP cannot be exactly-once: a worker killed after the server accepted a message and
    before the row says ``sent`` sends it again after its lease (docs/reminders.md). With
    one Message-ID per reminder that second copy is a retransmission of the same message,
    which mail stores recognise and show once, not a second reminder.
    """
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "talus.invalid"
    return f"<reminder-{reminder.pk}@{domain}>"


def deliver(
    reminder: Reminder,
    channel: str,
    recipient: str,
    senders: Senders | None = None,
    *,
    links: Mapping[int, str] | None = None,
) -> None:
    """Hand the message to the mail server or the SMS provider; raise a SendError if not taken.

    ``ServerUnavailable`` when the failure is the server's or the provider's, not this
    message's: the mail connection could not be opened (connect, greeting, TLS, login), the
    server is closing the channel (421), or the SMS provider answered a transient error.
    Without ``senders`` the message opens (and closes) its own connection. ``links``: the
    batch's message links (``messages.links_for``), read once for all its messages.
    """
    if senders is None:
        own = Senders()
        try:
            return deliver(reminder, channel, recipient, own, links=links)
        finally:
            own.close()
    try:
        rendered = messages.render(reminder, channel=channel, links=links)
        if channel == ReminderChannel.EMAIL:
            try:
                connection = senders.mail
            except Exception as exc:
                raise ServerUnavailable(error_code(exc)) from None
            headers = {
                "X-Talus-Reminder": str(reminder.pk),
                "Message-ID": reminder_message_id(reminder),
            }
            if rendered.stop_url:
                headers["List-Unsubscribe"] = f"<{rendered.stop_url}>"
            EmailMessage(
                rendered.subject,
                rendered.body,
                to=[recipient],
                headers=headers,
                connection=connection,
                attachments=events.attachments_for(reminder),
            ).send()
        else:
            senders.sms.send(recipient, rendered.sms)
    except SendError:
        raise
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        raise PermanentSendError(error_code(exc)) from None
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code == SMTP_CLOSING:
            raise ServerUnavailable(error_code(exc)) from None
        error = TransientSendError if 400 <= exc.smtp_code < 500 else PermanentSendError
        raise error(error_code(exc)) from None
    except sms.SmsError as exc:
        error = ServerUnavailable if exc.transient else PermanentSendError
        raise error(error_code(exc)) from None
    except (smtplib.SMTPException, OSError, SoftTimeLimitExceeded) as exc:
        raise TransientSendError(error_code(exc)) from None
    except Exception as exc:
        # Unknown (a provider's SDK, a template bug): retried, and failed after the last try.
        logger.exception("Reminder %s: unexpected error while sending.", reminder.pk)
        raise TransientSendError(error_code(exc)) from None
