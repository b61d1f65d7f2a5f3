from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"


class SchemaView(SpectacularAPIView):
    permission = "core.home"


class DocsView(SpectacularSwaggerView):
    permission = "core.home"


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/schools/", views.SchoolListView.as_view(), name="school_list"),
    path("v1/schools/<int:urn>/", views.SchoolDetailView.as_view(), name="school_detail"),
    path("v1/users/", views.UserListView.as_view(), name="user_list"),
    path("v1/audit-events/", views.AuditEventListView.as_view(), name="audit_event_list"),
    path("v1/jobs/<int:pk>/", views.JobDetailView.as_view(), name="job_detail"),
]

# Each capability adds its operations in ``<app>/api_urls.py`` (an ``urlpatterns`` list whose
# paths start with "v1/"); they share the "api" namespace and the same permission rules.
for _app in ("register", "evidence", "intelligence", "categorisation", "visits", "brokerage", "journeys"):
    try:
        _module = __import__(f"school_improvement.{_app}.api_urls", fromlist=["urlpatterns"])
    except ModuleNotFoundError as _exc:
        if _exc.name != f"school_improvement.{_app}.api_urls":
            raise
    else:
        urlpatterns += _module.urlpatterns
