from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "The runner's pages"

    def ready(self) -> None:
        from clinic import roles
        from portal.tokens import (
            case_questionnaire_url,
            case_questionnaire_urls,
            link_url,
            run_morning_url,
            run_morning_urls,
        )
        from reminders.services import events

        # The portal's messages (the link itself, a questionnaire to answer) carry the link.
        events.register_message_link(events.PORTAL_LINK, link_url)
        # The discharge check-ins (about the case) carry the case's open questionnaire.
        events.register_message_link(
            events.CASE, case_questionnaire_url, many=case_questionnaire_urls
        )
        # The morning after a run: the question opens on that run's next-morning page.
        events.register_message_link(events.RUN, run_morning_url, many=run_morning_urls)
        roles.register_app(
            self.label,
            permissions={
                roles.RECEPTION: {
                    "portal.portallink": ("add", "view"),
                    "portal.intakeinvitation": ("add", "change", "view"),
                },
                roles.DOCTOR: {
                    "portal.portallink": ("add", "view"),
                    "portal.outcomerequest": ("view",),
                    "portal.intakeinvitation": ("view",),
                },
                roles.PHYSIO: {
                    "portal.portallink": ("add", "change", "view"),
                    "portal.outcomerequest": ("add", "change", "view"),
                },
            },
        )
