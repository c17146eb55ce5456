from django.apps import AppConfig


class RehabConfig(AppConfig):
    name = "rehab"

    def ready(self) -> None:
        from clinic import demo, roles
        from diary import waitlist
        from diary.models import BookingType
        from rehab import fhir  # noqa: F401 - registers rehab's FHIR section
        from rehab.demo import demo_sessions
        from rehab.services.sessions import book_session

        roles.register_app(
            self.label,
            permissions={
                roles.RECEPTION: {
                    "rehab.physiosession": ("add", "change", "view"),
                    "rehab.alert": ("view",),
                },
                roles.PHYSIO: {
                    "rehab.treatmentplan": ("add", "change", "view"),
                    "rehab.physiosession": ("add", "change", "view"),
                    "rehab.outcomemeasure": ("add", "change", "view"),
                    "rehab.returntorun": ("add", "change", "view"),
                    "rehab.exercise": ("view",),
                    "rehab.exerciseprogramme": ("add", "change", "view"),
                    "rehab.exerciselog": ("add", "view"),
                    "rehab.runplan": ("add", "change", "view"),
                    "rehab.run": ("add", "change", "view"),
                    "rehab.alert": ("change", "view"),
                },
                roles.DOCTOR: {
                    "rehab.treatmentplan": ("view",),
                    "rehab.physiosession": ("view",),
                    "rehab.outcomemeasure": ("view",),
                    "rehab.exercise": ("view",),
                    "rehab.exerciseprogramme": ("view",),
                    "rehab.exerciselog": ("view",),
                    "rehab.runplan": ("view",),
                    "rehab.run": ("view",),
                    "rehab.alert": ("view",),
                },
            },
            homes={roles.PHYSIO: "rehab:caseload"},
        )
        demo.register(demo_sessions)
        waitlist.register_booker(BookingType.SESSION, book_session)
