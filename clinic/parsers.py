"""The API's JSON parser: DRF's, with the limits a public endpoint needs.

- Nesting is measured on the raw text *before* ``json`` parses it: Python's decoder
  recurses once per level and a body of a few thousand ``[`` exhausts the stack
  (a ``RecursionError``, answered as a 500). No Talus payload nests deeper than four.
- The body's size is Django's to limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``; DRF reads it through
  ``request.body``): clinic.exceptions answers the API's 413.
- A NUL character in any string or key is a 400 naming where it is: PostgreSQL cannot
  store one in text or JSON, and no answer of a clinic's form contains one.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.utils import json

MAX_DEPTH = 32
NUL_MESSAGE = "A NUL character (\\u0000) is not allowed."

# A JSON string with its escapes (brackets inside strings do not count), and what is left
# between the brackets once the strings are gone.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text, strings left out.

    Regular expressions and ``accumulate`` do the scanning in C: about 0.3 s for the
    worst body of the largest size allowed (2.5 MB of brackets), a loop in Python would take six
    times as long.
    """
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def nul_errors(data: Any) -> dict | list | None:
    """Field errors, shaped like the data, for every string or key holding a NUL; None if none."""
    if isinstance(data, str):
        return [NUL_MESSAGE] if "\x00" in data else None
    if isinstance(data, dict):
        errors = {}
        for key, value in data.items():
            found = [NUL_MESSAGE] if "\x00" in key else nul_errors(value)
            if found:
                errors[key] = found
        return errors or None
    if isinstance(data, list):
        errors = {str(i): found for i, item in enumerate(data) if (found := nul_errors(item))}
        return errors or None
    return None


class JSONParser(parsers.JSONParser):
    """JSON bodies, refused with a clear 400 when nested too deep or holding a NUL."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read()
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(f"JSON parse error - the body is not {encoding}.") from exc
        if nesting_depth(text) > MAX_DEPTH:
            raise exceptions.ParseError(
                f"JSON parse error - the body is nested more than {MAX_DEPTH} levels deep."
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc
        errors = nul_errors(data)
        if errors:
            if not isinstance(errors, dict):
                errors = {"non_field_errors": errors}
            raise exceptions.ValidationError(errors)
        return data
