"""The floor's settings: Talus's own (same database, middleware, DEBUG off), a one-view URLconf.

Only what the floor needs differs: no DRF view, no authentication check, no ORM — see
benchmarks/floor.py. The middleware stack is kept, so the floor measures what the cases
list would cost if DRF, auth, scoping, serializers and the audit write cost nothing.
"""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.floor"
