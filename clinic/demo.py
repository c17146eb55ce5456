"""Demo data (``manage.py seed_demo``): the core seeds staff and patients, apps add the rest.

An app contributes a *step*: ``fn(*, patient, index, staff)``, registered from its
``AppConfig.ready()`` with ``register``. ``seed_demo`` runs every step, in the order the apps
are installed, for each demo patient it creates (``index`` tells the patients apart, so a step
can vary its records); ``staff`` maps each role to its demo account.
"""

from __future__ import annotations

from collections.abc import Callable

DemoStep = Callable[..., None]
_STEPS: list[DemoStep] = []


def register(fn: DemoStep) -> DemoStep:
    """Run ``fn`` for every demo patient (once, however often it is registered)."""
    if fn not in _STEPS:
        _STEPS.append(fn)
    return fn


def steps() -> list[DemoStep]:
    """The registered steps, in registration order."""
    return list(_STEPS)
