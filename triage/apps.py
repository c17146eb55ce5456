from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        from triage import fhir  # noqa: F401 - registers triage's FHIR section
