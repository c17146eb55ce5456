from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        from clinic import demo, roles
        from diary import waitlist
        from diary.models import BookingType
        from triage import fhir  # noqa: F401 - registers triage's FHIR section
        from triage.demo import demo_consultation, demo_intake
        from triage.services.consultations import book_consultation

        roles.register_app(
            self.label,
            permissions={
                roles.RECEPTION: {
                    "triage.intake": ("add", "view"),
                    "triage.consultation": ("add", "change", "view"),
                },
                roles.PHYSIO: {
                    "triage.intake": ("view",),
                    "triage.examination": ("view",),
                    "triage.diagnosis": ("view",),
                    "triage.imagingreferral": ("view",),
                    "triage.consultation": ("view",),
                },
                roles.DOCTOR: {
                    "triage.intake": ("view",),
                    "triage.examination": ("add", "change", "view"),
                    "triage.diagnosis": ("add", "change", "view"),
                    "triage.imagingreferral": ("add", "change", "view"),
                    "triage.condition": ("view",),
                    "triage.consultation": ("add", "change", "view"),
                },
            },
            homes={roles.RECEPTION: "triage:reception-home", roles.DOCTOR: "triage:case-list"},
        )
        demo.register(demo_intake)
        demo.register(demo_consultation)
        waitlist.register_booker(BookingType.CONSULTATION, book_consultation)
