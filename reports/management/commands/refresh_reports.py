"""``manage.py refresh_reports [--all]``: fold the pending changes into the reports' aggregates."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reports import aggregates


class Command(BaseCommand):
    help = (
        "Rebuild the reports' aggregates: the pending changes (as the beat task does), or "
        "with --all every row from every record (after a bulk load or first deploy)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="rebuild every aggregate from every record"
        )

    def handle(self, *args, **options) -> None:
        done = aggregates.rebuild_all() if options["all"] else aggregates.refresh_pending()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in done.items()))
