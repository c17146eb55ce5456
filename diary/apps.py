from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "diary"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        from clinic import roles, selectors
        from diary import demo  # noqa: F401 - registers the diary's demo step
        from diary.hours import parse_opening_hours
        from diary.selectors import annotate_no_show_count_90d

        try:
            parse_opening_hours(settings.CLINIC_OPENING_HOURS)
        except ValueError as error:
            raise ImproperlyConfigured(f"CLINIC_OPENING_HOURS: {error}") from error

        selectors.register_patient_fact(annotate_no_show_count_90d)
        roles.register_app(
            self.label,
            permissions={
                roles.RECEPTION: {
                    "diary.room": ("view",),
                    "diary.availability": ("add", "change", "view"),
                    "diary.timeoff": ("add", "change", "view"),
                    "diary.appointmentkind": ("view",),
                },
                roles.PHYSIO: {
                    "diary.room": ("view",),
                    "diary.availability": ("view",),
                    "diary.timeoff": ("view",),
                    "diary.appointmentkind": ("view",),
                },
                roles.DOCTOR: {
                    "diary.room": ("view",),
                    "diary.availability": ("view",),
                    "diary.timeoff": ("view",),
                    "diary.appointmentkind": ("view",),
                },
            },
        )
