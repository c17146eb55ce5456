"""A case's timeline: what happened, in order, gathered from every app through a registry.

Each app contributes a *source*: a function ``fn(case, user) -> Iterable[TimelineEntry]``
registered with ``@register_source``. ``case_timeline(case, user)`` merges every source's
entries, sorts them by time and drops ``clinical=True`` entries for roles that must not see
clinical notes (reception; see ``clinic.selectors.sees_clinical_notes``).

How to add a source (e.g. physiotherapy sessions and outcome measures):

1. Create ``<app>/timeline.py`` (it is imported automatically, like ``admin.py``, the first
   time a timeline is built) with::

       from clinic.timeline import TimelineEntry, register_source

       @register_source
       def sessions(case, user):
           for s in case.physio_sessions.all():      # one query per source, never per row
               yield TimelineEntry(at=s.scheduled_at, kind="session.scheduled", ...)

2. Keep the number of queries of a source constant (``select_related``/``prefetch_related``),
   mark anything a receptionist must not read ``clinical=True``, and keep ``title`` free of
   clinical detail when the entry is not clinical.
3. To name a member of staff, do not join the user table: put ``BY`` in the title where the
   name goes and the user's id in ``by_id``
   (``title=f"Examined by {BY}", by_id=exam.examined_by_id``).
   ``case_timeline`` reads the names of every entry's practitioners in one query and writes
   them in ("someone" when ``by_id`` is None). ``BY`` is a NUL character, which no stored text
   can hold (PostgreSQL refuses it in text, the API's inputs refuse it), so a title written
   from a record's own text is never rewritten.

4. A record the case has once at most (a one-to-one: the intake, the plan, the discharge):
   name the relation with ``register_case_relation("intake")`` and read it as
   ``case.intake``; the API's timeline reads its case with those joined (``case_relations``),
   so such a source costs no query of its own there (``prefetch_related_objects`` skips a
   relation already read).

The user is passed so that a source may scope further; the case is already one the user may
see (the caller fetched it through ``cases_visible_to``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.timezone import localtime

from clinic import audit
from clinic.selectors import sees_clinical_notes

# Where a practitioner's name goes in a title (see the module's docstring, step 3).
BY = "\x00"
NOBODY = "someone"


@dataclass(frozen=True, kw_only=True)
class TimelineEntry:
    """One thing that happened on a case."""

    at: datetime
    kind: str  # dotted, e.g. "referral.reported"
    title: str
    detail: str = ""
    object_type: str = ""  # app_label.model, as in the audit trail
    object_id: int | None = None
    clinical: bool = True  # safe default: unmarked entries never reach reception
    by_id: int | None = None  # the user named where the title has BY; not shown itself

    def as_dict(self) -> dict:
        """The entry as the API shows it (``by_id`` is written into the title, not shown)."""
        shown = asdict(self)
        del shown["by_id"]
        return shown


Source = Callable[..., Iterable[TimelineEntry]]
_SOURCES: list[Source] = []
_RELATIONS: list[str] = []
_discovered = False


def register_source(fn: Source) -> Source:
    """Add a source of timeline entries (usable as a decorator); registering twice is a no-op."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)
    return fn


def register_case_relation(*names: str) -> None:
    """Name one-to-one relations of the case that a source reads (step 4 above)."""
    for name in names:
        if name not in _RELATIONS:
            _RELATIONS.append(name)


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("timeline")
        _discovered = True


def sources() -> list[Source]:
    """The registered sources, after importing every installed app's ``timeline`` module."""
    _discover()
    return list(_SOURCES)


def case_relations() -> list[str]:
    """The case's one-to-ones the sources read, for ``select_related`` on the case's query."""
    _discover()
    return list(_RELATIONS)


def audit_timeline(request, case, entries: Iterable[TimelineEntry]) -> None:
    """One audit event per record a timeline shows (its content is that record's), besides
    the case itself."""
    audit.touch(request, case)
    audit.touch_refs(
        request,
        (
            (entry.object_type, entry.object_id, case.patient_id)
            for entry in entries
            if entry.object_type and entry.object_id is not None
        ),
    )


def case_timeline(case, user) -> list[TimelineEntry]:
    """Every source's entries for a case, oldest first; clinical ones only for clinical roles.

    The practitioners the entries name are read once, in one query, whatever their number.
    """
    clinical_ok = sees_clinical_notes(user)
    entries = [
        entry
        for source in sources()
        for entry in source(case, user)
        if clinical_ok or not entry.clinical
    ]
    entries = _named(entries)
    # Ties (same instant) keep a stable, meaningful order: by kind, then by object.
    entries.sort(key=lambda e: (e.at, e.object_type, e.object_id or 0, e.kind))
    return entries


def staff_name(first_name: str, last_name: str, username: str) -> str:
    """A member of staff as the timeline names them: full name, else username."""
    return f"{first_name} {last_name}".strip() or username


def _named(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The entries with each ``BY`` replaced by the name of the entry's ``by_id``."""
    ids = {e.by_id for e in entries if e.by_id is not None and BY in e.title}
    names = {}
    if ids:
        rows = get_user_model().objects.filter(pk__in=ids)
        names = {
            pk: staff_name(first, last, username)
            for pk, first, last, username in rows.values_list(
                "pk", "first_name", "last_name", "username"
            )
        }
    return [
        replace(e, title=e.title.replace(BY, names.get(e.by_id, NOBODY))) if BY in e.title else e
        for e in entries
    ]


def timeline_items(entries: Iterable[TimelineEntry]) -> SafeString:
    """The ``<li>`` of each entry, as a page lists a timeline (``cases/_timeline.html``).

    Written here rather than by a template loop: a case of a few months is dozens of entries,
    and the template engine's lookups and filters per entry cost more than building them.
    Every text is escaped; times are the clinic's.
    """
    rows = []
    for entry in entries:
        at = localtime(entry.at)
        detail = format_html('<p class="tl-detail">{}</p>', entry.detail) if entry.detail else ""
        rows.append(
            (
                slugify(entry.kind),
                date_format(at, "c"),
                date_format(at, "j M Y, H:i"),
                entry.title,
                detail,
            )
        )
    if not rows:
        return format_html('<li class="empty">{}</li>', "Nothing recorded yet.")
    return format_html_join(
        "\n",
        '<li class="tl-{}"><time datetime="{}">{}</time><p class="tl-title">{}</p>{}</li>',
        rows,
    )
