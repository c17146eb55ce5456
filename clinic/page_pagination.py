"""Keyset pagination for the staff pages' worklists: one page of rows in the list's own order,
"Next" and "Previous" links that carry a cursor, and no COUNT of the whole set.

The API's lists page the same way (``clinic.pagination``, DRF's cursor pagination: a position
in the ordering and a direction, base64 in a ``cursor`` parameter). DRF's cursor keeps a
position on the first ordering field only and offsets past ties; a worklist's order has
several fields in mixed directions and nullable keys (the next session), so the page reads
"the rows after this row's keys" in SQL instead, which an index in that order serves from the
cursor's first key on (no OFFSET: a deep page reads its own rows, plus those before it that
share its first key's value, such as the same urgency).

The cursor is Django's signed JSON (``django.core.signing``), salted with the list's name: a
cursor is only ever one this list wrote, so its values need no type checks of their own, and a
tampered, truncated or foreign one is refused as ``BadCursor`` (the page answers 400).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGE_SIZE = 50
CURSOR_PARAM = "cursor"

_FORWARD, _BACKWARD = "n", "p"


@dataclass(frozen=True)
class Key:
    """One field (or annotation) of the list's order.

    ``nulls_last`` is None for a column that is never null (no NULLS clause, so the ORDER BY
    matches a plain index); True or False places the nulls after or before every value.
    """

    name: str
    descending: bool = False
    nulls_last: bool | None = None

    def order(self, *, reverse: bool = False):
        descending = self.descending != reverse
        expression = F(self.name)
        if self.nulls_last is None:
            return expression.desc() if descending else expression.asc()
        # Django takes True or None for each (False is refused).
        nulls = {"nulls_last": True} if self.nulls_last != reverse else {"nulls_first": True}
        return expression.desc(**nulls) if descending else expression.asc(**nulls)

    def value_of(self, row):
        """The row's value of this key (``patient__family_name`` follows the relation)."""
        for name in self.name.split("__"):
            row = getattr(row, name)
        return row

    def same(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.name}__isnull": True})
        return Q(**{self.name: value})

    def beyond(self, value, *, reverse: bool = False) -> Q | None:
        """The rows that come strictly after ``value`` on this key alone (None: no row does)."""
        descending = self.descending != reverse
        comparison = Q(**{f"{self.name}__{'lt' if descending else 'gt'}": value})
        if self.nulls_last is None:
            return comparison
        nulls_last = self.nulls_last != reverse
        if value is None:
            # Nulls last: nothing comes after a null; nulls first: every value does.
            return None if nulls_last else Q(**{f"{self.name}__isnull": False})
        return comparison | Q(**{f"{self.name}__isnull": True}) if nulls_last else comparison


class BadCursor(Exception):
    """A cursor this list did not write (tampered, truncated, from another list or key)."""


@dataclass
class Page:
    """The rows of one page and the links around it (None: there is no such page)."""

    rows: list
    next_url: str | None
    previous_url: str | None
    first_url: str
    is_first: bool


def _plain(value):
    # JSON carries datetimes as ISO 8601; the ORM parses them back for the field's lookup.
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _after(keys: Sequence[Key], values: Sequence, *, reverse: bool) -> Q:
    """Rows strictly after ``values`` in the keys' order: (k1 beyond) or (k1 same and k2
    beyond) or …; a key's "beyond" that no row can meet drops its branch."""
    condition = Q(pk__in=[])  # matches nothing: the OR's identity
    prefix = Q()
    for key, value in zip(keys, values, strict=True):
        beyond = key.beyond(value, reverse=reverse)
        if beyond is not None:
            condition |= prefix & beyond
        prefix &= key.same(value)
    first, value = keys[0], values[0]
    if first.nulls_last is None:
        # The same rows, said once more as a bound on the first key alone: an index in the
        # list's order then starts its scan there instead of filtering every earlier row.
        descending = first.descending != reverse
        condition &= Q(**{f"{first.name}__{'lte' if descending else 'gte'}": value})
    return condition


def keyset_page(
    request: HttpRequest,
    queryset: QuerySet,
    keys: Sequence[Key],
    *,
    salt: str,
    size: int | None = None,
) -> Page:
    """One page of ``queryset`` in the order of ``keys`` (the last key must be unique, e.g.
    the id), positioned by the request's ``cursor``; raises ``BadCursor``."""
    size = size or PAGE_SIZE
    direction, position = _FORWARD, None
    token = request.GET.get(CURSOR_PARAM)
    if token is not None:
        try:
            direction, position = signing.loads(token, salt=_salt(salt, keys))
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise BadCursor(str(exc)) from exc
        if (
            direction not in (_FORWARD, _BACKWARD)
            or not isinstance(position, list)
            or len(position) != len(keys)
        ):
            raise BadCursor("The cursor does not fit this list.")
    reverse = direction == _BACKWARD
    ordered = queryset.order_by(*(key.order(reverse=reverse) for key in keys))
    if position is not None:
        ordered = ordered.filter(_after(keys, position, reverse=reverse))
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()

    def link(row_values, link_direction) -> str:
        query = request.GET.copy()
        query[CURSOR_PARAM] = signing.dumps(
            [link_direction, [_plain(v) for v in row_values]],
            salt=_salt(salt, keys),
            compress=False,
        )
        return f"{request.path}?{query.urlencode()}"

    def values_of(row) -> list[Any]:
        return [key.value_of(row) for key in keys]

    # Going forward, there is a previous page whenever a cursor brought us here; going back,
    # a next page always is (we came from it). The other side is known from the extra row.
    has_next = more if not reverse else True
    has_previous = (position is not None) if not reverse else more
    next_url = previous_url = None
    if rows:
        if has_next:
            next_url = link(values_of(rows[-1]), _FORWARD)
        if has_previous:
            previous_url = link(values_of(rows[0]), _BACKWARD)
    # An empty page after a cursor (its rows have gone since) has no neighbours of its own to
    # link to: the pager offers the first page instead.
    return Page(
        rows=rows,
        next_url=next_url,
        previous_url=previous_url,
        first_url=_first_url(request),
        is_first=position is None or (reverse and not more and bool(rows)),
    )


def _salt(name: str, keys: Sequence[Key]) -> str:
    # The keys are part of the salt: a cursor written before the list's order changed is
    # refused rather than read against the wrong fields.
    return "page-cursor:" + name + ":" + ",".join(key.name for key in keys)


def bounded_count(queryset: QuerySet, *, cap: int) -> tuple[int, bool]:
    """How many rows, counting no further than ``cap``: ``(count, more)`` where ``more`` says
    there are more than ``cap`` (a caption says "more than 500" rather than counting them)."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def bad_cursor_page(request: HttpRequest) -> HttpResponse:
    """A 400 page for a page link this list did not write, with the way to its first page."""
    return render(request, "errors/bad_cursor.html", {"first_url": _first_url(request)}, status=400)


def _first_url(request: HttpRequest) -> str:
    """The list's first page with the request's filters: its address without the cursor."""
    query = request.GET.copy()
    query.pop(CURSOR_PARAM, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
