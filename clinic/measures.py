"""The clinical measurements several apps record, with the range each takes: plain data.

No Django here: the pure rules (triage.rules, rehab.instruments, rehab.return_to_run_rules)
read these as well as the models, forms and serializers, so a range is written once. The
clinical reasons are in docs/clinical.md.
"""

from __future__ import annotations

from typing import Any

# Numeric Pain Rating Scale: 0 = no pain, 10 = the worst pain imaginable (Farrar 2001).
NPRS_MIN = 0
NPRS_MAX = 10

# Ankle dorsiflexion in degrees, by the weight-bearing lunge (the exam's and the session's
# measure): a plantar-flexed contracture reads negative, and a lunge rarely exceeds 50°. Outside
# this range the number is a typing error (docs/clinical.md, "Dorsiflexion").
DORSIFLEXION_MIN_DEG = -30
DORSIFLEXION_MAX_DEG = 60


def is_whole_number(value: Any) -> bool:
    """An int, and not a bool (JSON true is not the number 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_nprs(value: Any) -> bool:
    """A pain rating: a whole number from 0 to 10."""
    return is_whole_number(value) and NPRS_MIN <= value <= NPRS_MAX


def is_dorsiflexion(value: Any) -> bool:
    """A dorsiflexion angle: whole degrees from -30 to 60."""
    return is_whole_number(value) and DORSIFLEXION_MIN_DEG <= value <= DORSIFLEXION_MAX_DEG
