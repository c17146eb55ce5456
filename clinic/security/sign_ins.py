"""Ending sign-ins: every API token and page session of a person.

They end when the password changes, when the account is deactivated, when the person
enrols a second factor, and when they ask to be logged out everywhere.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from knox.models import AuthToken


def tokens_end(*, user) -> int:
    """End every API token of the person; how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def tokens_purge_expired() -> int:
    """Delete every token past its expiry: refused already, they are only storage."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def sessions_end(*, user, keep: str | None = None) -> int:
    """End every page session of the person but ``keep`` (a session key); how many."""
    ended = []
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == str(
            user.pk
        ):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def logout_everywhere(*, user, keep: str | None = None) -> None:
    """End every token and every session of the person (``keep``: the one asking, if any)."""
    tokens_end(user=user)
    sessions_end(user=user, keep=keep)


def _end_sign_ins_on_password_or_deactivation(sender, instance, update_fields=None, **kwargs):
    """A new password or a deactivated account ends every token and session.

    A signal, because every door that changes a password or deactivates an account (admin,
    ``manage.py changepassword``, the set-password form, a service) ends in ``User.save``.
    Django already refuses sessions signed with the old password hash; tokens it does not
    know. Saves that touch neither field (``last_login`` at each login) cost nothing.
    """
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        tokens_end(user=instance)
        if not instance.is_active:
            sessions_end(user=instance)


def connect() -> None:
    """Called from ClinicConfig.ready."""
    pre_save.connect(
        _end_sign_ins_on_password_or_deactivation,
        sender=get_user_model(),
        dispatch_uid="talus-end-sign-ins",
    )
