"""People's names as the search and the duplicate check compare them: one normalisation.

``name_key("Martín-Moreau, HUGO")`` is ``"martin moreau hugo"``: accents dropped (Unicode
NFKD, combining marks removed), letter case folded, hyphens, apostrophes, commas and every
other non-letter turned into a space. The patient's ``search_name`` column holds the key of
their full name, so the same search works on SQLite and PostgreSQL (where a trigram index
serves it); ``name_compact`` (the key without spaces) compares two spellings of one name
("Jean-Pierre", "jean pierre", "Jeanpierre").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

# An MRN as clinic.services.mrn_for writes it: "T", seven digits and a check digit.
MRN_PATTERN = re.compile(r"[Tt]\d{8}")


def is_mrn(text: str) -> bool:
    """Whether a search term is an MRN (then the search takes the MRN's exact index alone:
    no name can hold eight digits, and no MRN can match a name)."""
    return MRN_PATTERN.fullmatch(text.strip()) is not None


def name_key(text: str) -> str:
    """The normalised form of a name or a search term: lower case, no accents, words only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    # ß folds to "ss"; other letters without a decomposition (ø, ł) are kept as they are.
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def name_compact(text: str) -> str:
    """A name's key without spaces: "Jean-Pierre" and "Jean Pierre" compare equal."""
    return name_key(text).replace(" ", "")


def nearby_birth_dates(born: date) -> dict[date, str]:
    """The dates of birth a typing slip turns this one into, each with the slip's words:
    the same day, one day either side, and the day and month swapped (when that is a date)."""
    found = {born: "same date of birth"}
    found.setdefault(born - timedelta(days=1), "date of birth one day apart")
    found.setdefault(born + timedelta(days=1), "date of birth one day apart")
    # A day of 12 or less read as the month: the month (1-12) is then a day every month has.
    if born.day != born.month and born.day <= 12:
        found.setdefault(born.replace(month=born.day, day=born.month), "day and month swapped")
    return found
