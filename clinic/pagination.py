"""Cursor pagination with a client-chosen page size, from 1 to 200."""

from __future__ import annotations

import re

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

_WHOLE_NUMBER = re.compile(r"[0-9]+")


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_page_size(self, request) -> int:
        """The page size asked for; anything but a whole number from 1 to 200 is a 400.

        DRF quietly falls back to the default for ``null``, ``true`` or ``-5``; a client that
        sent one of them has a bug it should hear about.
        """
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if _WHOLE_NUMBER.fullmatch(raw) and 1 <= int(raw) <= self.max_page_size:
            return int(raw)
        raise ValidationError(
            {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
        )

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters
