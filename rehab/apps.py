from django.apps import AppConfig


class RehabConfig(AppConfig):
    name = "rehab"

    def ready(self) -> None:
        from rehab import fhir  # noqa: F401 - registers rehab's FHIR section
