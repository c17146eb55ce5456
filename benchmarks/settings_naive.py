"""The naive baseline's settings: Talus's own, with benchmarks/naive.py as the URLconf."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.naive"
