from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from clinic import privacy, roles
        from reminders.privacy import forget_reminder_addresses

        # Every role reads the reminders of the cases it sees; cancel is an API action, not
        # a model change (docs/reminders.md).
        view = {"reminders.reminder": ("view",)}
        roles.register_app(
            self.label,
            permissions={roles.RECEPTION: view, roles.PHYSIO: view, roles.DOCTOR: view},
        )
        privacy.register_anonymiser(forget_reminder_addresses)
