from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The clinic's reports and the discharge letter: reads of every clinical app, on top."""

    name = "reports"

    def ready(self) -> None:
        from reminders.services import events
        from reports.aggregates import connect_receivers
        from reports.letter import letter_attachments

        # Every change the reports' aggregates are built from marks them stale.
        connect_receivers()

        # The letter's email carries its PDF, rendered when the outbox sends it.
        events.register_attachments("discharge_letter", letter_attachments)
