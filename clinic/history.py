"""django-simple-history's HistoricalRecords, with the history manager's class built once.

simple-history's ``HistoryDescriptor`` makes a new manager class with
``Manager.from_queryset()`` (an ``inspect.getmembers`` of the queryset class) on every
access of ``Model.history``, and every save of a tracked model reads it to write its
historical row: about a tenth of an intake's Python time (docs/benchmarks.md). The class
depends only on the descriptor, so it is made on first use and kept.
"""

from __future__ import annotations

from simple_history.manager import HistoryDescriptor
from simple_history.models import HistoricalRecords as _HistoricalRecords


class CachedHistoryDescriptor(HistoryDescriptor):
    def __get__(self, instance, owner):
        manager_class = self.__dict__.get("_manager_class")
        if manager_class is None:
            manager_class = self._manager_class = self.manager_class.from_queryset(
                self.queryset_class
            )
        return manager_class(self.model, instance)


class HistoricalRecords(_HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(self.manager_name)
        if type(descriptor) is HistoryDescriptor:
            cached = CachedHistoryDescriptor(
                descriptor.model,
                manager=descriptor.manager_class,
                queryset=descriptor.queryset_class,
            )
            setattr(sender, self.manager_name, cached)
