"""The diary's world: Paula (physio) and Dan (doctor) work Monday to Friday, 08:00-19:00."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _clinic_week(settings):
    """The clinic's real week, not the suite's always-open one (clinic/settings_test.py)."""
    settings.CLINIC_OPENING_HOURS = "mon-fri 08:00-19:00"


@pytest.fixture
def monday() -> dt.date:
    """Next week's Monday (always in the future)."""
    today = timezone.localdate()
    return today + dt.timedelta(days=7 - today.weekday())


@pytest.fixture
def at(monday):
    """``at("10:30", day=0)``: an aware instant next week, in clinic time."""

    def make(clock: str, *, day: int = 0) -> dt.datetime:
        hours, minutes = (int(part) for part in clock.split(":"))
        naive = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hours, minutes))
        return timezone.make_aware(naive)

    return make
