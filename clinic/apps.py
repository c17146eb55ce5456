from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import got_request_exception
        from django.db.models.signals import post_migrate

        from clinic import middleware, roles
        from clinic.security import checks as security_checks
        from clinic.security import sign_ins

        # A new password or a deactivated account ends every API token (docs/security.md).
        sign_ins.connect()
        checks.register(security_checks.two_factor_roles)

        # New models bring new permissions: keep the role groups in step after every migrate.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="talus-sync-roles")

        # A database outage met outside a view answers 503, not 500 (docs/faults.md).
        got_request_exception.connect(
            middleware.note_database_outage, dispatch_uid="talus-database-outage"
        )
