from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The clinic's reports and the discharge letter: reads of every clinical app, on top."""

    name = "reports"
