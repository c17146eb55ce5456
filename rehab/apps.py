from django.apps import AppConfig


class RehabConfig(AppConfig):
    name = "rehab"

    def ready(self) -> None:
        from clinic import roles
        from rehab import fhir  # noqa: F401 - registers rehab's FHIR section

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
                    "rehab.alert": ("change", "view"),
                },
                roles.DOCTOR: {
                    "rehab.treatmentplan": ("view",),
                    "rehab.physiosession": ("view",),
                    "rehab.outcomemeasure": ("view",),
                    "rehab.alert": ("view",),
                },
            },
            homes={roles.PHYSIO: "rehab:caseload"},
        )
