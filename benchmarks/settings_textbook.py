"""The textbook peer's settings: Talus's own, with benchmarks/textbook.py as the URLconf."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.textbook"
