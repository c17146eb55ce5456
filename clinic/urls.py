"""Talus URL map: pages, the versioned API, its schema, admin and the health check."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from clinic import api as clinic_api
from clinic import fhir_views, views
from clinic.auth_api import LogoutAllView, TokenView
from clinic.health import healthz
from clinic.security.views import login_throttled
from diary.api_urls import PATHS as DIARY_PATHS
from diary.api_urls import ROUTES as DIARY_ROUTES
from portal.api_urls import ROUTES as PORTAL_ROUTES
from rehab.api_urls import ROUTES as REHAB_ROUTES
from reminders.api_urls import ROUTES as REMINDER_ROUTES
from reports.api_urls import PATHS as REPORT_PATHS
from reports.api_urls import ROUTES as REPORT_ROUTES
from triage.api_urls import ROUTES as TRIAGE_ROUTES


class TalusAPIRootView(APIRootView):
    """``/api/v1/``: the list of endpoints, for any staff role (it names no patient data)."""

    open_to_all_roles = True


router = DefaultRouter()
router.APIRootView = TalusAPIRootView
router.register("patients", clinic_api.PatientViewSet, basename="patient")
router.register("cases", clinic_api.CaseViewSet, basename="case")
for prefix, viewset, basename in (
    *DIARY_ROUTES,
    *TRIAGE_ROUTES,
    *REHAB_ROUTES,
    *REMINDER_ROUTES,
    *REPORT_ROUTES,
    *PORTAL_ROUTES,
):
    router.register(prefix, viewset, basename=basename)

api_v1 = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="api-logout-all"),
    *DIARY_PATHS,
    *REPORT_PATHS,
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        login_throttled(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/keep-alive/", views.keep_alive, name="keep-alive"),
    path("", include("clinic.security.urls")),
    path("patients/", views.patient_list, name="patient-search"),
    path("patients/<int:pk>/", views.patient_detail, name="patient-record"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient-edit"),
    path("cases/<int:pk>/physio/", views.case_assign_physio, name="case-assign-physio"),
    path("", include("triage.urls")),
    path("", include("rehab.urls")),
    path("", include("reminders.urls")),
    path("", include("diary.urls")),
    path("", include("reports.urls")),
    path("", include("portal.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    # Swagger UI's stylesheet draws its icons as data: images; only this page allows them.
    path(
        "api/docs/",
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("fhir/CodeSystem/<slug:system_id>", fhir_views.code_system, name="fhir-code-system"),
    path(
        "fhir/Questionnaire/<slug:questionnaire_id>",
        fhir_views.questionnaire,
        name="fhir-questionnaire",
    ),
]

# The API answers its JSON error shape even when the failure happens outside DRF.
handler400 = "clinic.exceptions.bad_request"
handler404 = "clinic.exceptions.not_found"
handler500 = "clinic.exceptions.server_error"
