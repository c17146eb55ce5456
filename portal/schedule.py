"""The default questionnaires of a treatment plan: when each is due. Pure, no ORM.

A plan asks its instruments at its start and every 14 days while the case is in rehab
(the clinic's review interval: two weeks is the shortest span over which the LEFS, FAAM and
VISA-A changes by their MCIDs were established — Binkley 1999, Martin 2005, Robinson 2001),
then at discharge, 6 weeks (42 days) and 3 months (91 days, 13 weeks) after it: the
follow-up points of the rehabilitation trials the instruments were validated in, and the
clinic's check-ins (docs/runner.md).
"""

from __future__ import annotations

from datetime import date, timedelta

REHAB_EVERY_DAYS = 14
AFTER_DISCHARGE_DAYS = (0, 42, 91)


def due_dates(
    *, started_on: date, discharged_on: date | None, until: date
) -> list[tuple[str, date]]:
    """Every default request due by ``until``: ``(key, day)``, oldest first.

    Keys are stable (``plan-start``, ``rehab-14``, ``discharge-0``, ``discharge-42``, …): a
    request is made once per key. The rehab series stops at discharge.
    """
    found: list[tuple[str, date]] = [("plan-start", started_on)]
    offset = REHAB_EVERY_DAYS
    while started_on + timedelta(days=offset) <= until and (
        discharged_on is None or started_on + timedelta(days=offset) < discharged_on
    ):
        found.append((f"rehab-{offset}", started_on + timedelta(days=offset)))
        offset += REHAB_EVERY_DAYS
    if discharged_on is not None:
        for after in AFTER_DISCHARGE_DAYS:
            found.append((f"discharge-{after}", discharged_on + timedelta(days=after)))
    return [(key, when) for key, when in found if when <= until]
