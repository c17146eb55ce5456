"""The diary's demo timetable (``manage.py seed_demo``): rooms and the demo staff's week.

The bookings themselves are the sessions' and consultations' (``rehab.demo``,
``triage.demo``), booked through their services under the booking rule.
"""

from __future__ import annotations

import datetime as dt

from clinic import demo, roles
from diary.models import Availability, Room

ROOMS = ("Room 1", "Room 2", "Gym")
# role -> (start, end, room), Monday to Friday. The doctor consults in the mornings and the
# physio treats in the afternoons: a demo patient booked with both (each picks its own free
# time) is then never expected in two rooms at once.
WEEK = {
    roles.DOCTOR: [
        (dt.time(8), dt.time(10, 30), "Room 2"),
        (dt.time(10, 30), dt.time(13), "Room 1"),
    ],
    roles.PHYSIO: [(dt.time(13), dt.time(16), "Gym"), (dt.time(16), dt.time(19), "Room 1")],
}


def demo_timetable(*, patient, index: int, staff: dict) -> None:
    """Once (with the first demo patient): the rooms and the demo physio's and doctor's week."""
    if index != 0:
        return
    rooms = {name: Room.objects.get_or_create(name=name)[0] for name in ROOMS}
    for role, windows in WEEK.items():
        practitioner = staff[role]
        if Availability.objects.filter(practitioner=practitioner).exists():
            continue
        Availability.objects.bulk_create(
            Availability(
                practitioner=practitioner,
                weekday=weekday,
                start_time=start,
                end_time=end,
                room=rooms[room],
            )
            for weekday in range(5)
            for start, end, room in windows
        )


demo.register(demo_timetable)
