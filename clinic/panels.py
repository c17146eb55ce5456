"""Sections that apps add to a case's page, gathered through a registry (like the timeline).

Each app contributes a *panel*: ``fn(case, user) -> CasePanel | None`` registered with
``@register_panel`` in its ``panels.py`` (imported automatically, like ``admin.py``, the first
time a case page is built). A panel is a read, fed by its app's selectors: it writes nothing,
audits nothing and takes its rights from its app's services; it names the records it shows
(``records``) so that the page's view audits them with the rest of the page. The case passed
is one the view fetched through the scoping selectors (``clinic.selectors``).

Pages render the panels with ``{% load panels %}{% case_panel panel %}``
(``templates/cases/_panels.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class CasePanel:
    """One app's section of a case page: its template, what it renders, what it shows."""

    template: str
    context: dict[str, Any]
    records: tuple[Any, ...] = field(default=())


Panel = Callable[..., CasePanel | None]
_PANELS: list[Panel] = []
_discovered = False


def register_panel(fn: Panel) -> Panel:
    """Add a panel to every case page (usable as a decorator); registering twice is a no-op."""
    if fn not in _PANELS:
        _PANELS.append(fn)
    return fn


def panels() -> list[Panel]:
    """The registered panels, after importing every installed app's ``panels`` module."""
    global _discovered
    if not _discovered:
        autodiscover_modules("panels")
        _discovered = True
    return list(_PANELS)


def case_panels(case, user) -> list[CasePanel]:
    """Every app's panel for this case and user, in registration order (None: nothing shown)."""
    found = (panel(case, user) for panel in panels())
    return [panel for panel in found if panel is not None]


# Sections of the patient record (the reminders, say): ``fn(patient, user) -> CasePanel | None``.
PatientPanel = Callable[..., CasePanel | None]
_PATIENT_PANELS: list[PatientPanel] = []


def register_patient_panel(fn: PatientPanel) -> PatientPanel:
    """Add a section to every patient record (usable as a decorator)."""
    if fn not in _PATIENT_PANELS:
        _PATIENT_PANELS.append(fn)
    return fn


def patient_panels(patient, user) -> list[CasePanel]:
    """Every app's section of this patient's record for this user, in registration order."""
    panels()
    found = (panel(patient, user) for panel in _PATIENT_PANELS)
    return [panel for panel in found if panel is not None]


def shown_records(case_panels: list[CasePanel]) -> list[Any]:
    """Every record the panels show, for the page's view to audit."""
    return [record for panel in case_panels for record in panel.records]
