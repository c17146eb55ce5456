#!/usr/bin/env python
"""Django's command-line utility for Talus."""

import os
import sys

# Commands that only read the code and write files (no server, no patient data): they
# run on the development defaults when DJANGO_DEBUG is unset, so that
# `manage.py makemigrations --check` works on a fresh checkout without a private key.
# Everything else keeps the production default (debug off, a key required).
CODE_ONLY_COMMANDS = {"makemigrations", "spectacular"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("DJANGO_DEBUG", "on")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
