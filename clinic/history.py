"""django-simple-history's ``HistoricalRecords``, with its history manager's class made once.

Every save of a tracked model writes its historical row through ``instance.history``
(simple-history's ``create_historical_record``), and simple-history's descriptor answers
that with ``history_manager.from_queryset(historical_queryset)``: a new class, built by an
``inspect.getmembers`` of the queryset class, on every access (0.06 ms; an intake saves two
tracked models, docs/benchmarks.md "apipath"). The class depends only on those two classes,
so the manager given through ``HistoricalRecords``' own ``history_manager`` argument makes
it once per pair and keeps it. Nothing of the library is replaced: the descriptor, the
signals and the rows are simple-history's.
"""

from __future__ import annotations

import functools

from simple_history import manager, models


class HistoryManager(manager.HistoryManager):
    """simple-history's manager; ``from_queryset`` remembers the class it made."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(models.HistoricalRecords):
    """``HistoricalRecords`` whose default ``history_manager`` is the one above."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
