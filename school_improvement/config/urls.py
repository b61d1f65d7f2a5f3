from django.conf import settings
from django.urls import include, path

urlpatterns = [
    path("", include("school_improvement.core.urls")),
    path("accounts/", include("school_improvement.accounts.urls")),
    path("register/", include("school_improvement.register.urls")),
    path("evidence/", include("school_improvement.evidence.urls")),
    path("intelligence/", include("school_improvement.intelligence.urls")),
    path("categorisation/", include("school_improvement.categorisation.urls")),
    path("visits/", include("school_improvement.visits.urls")),
    path("brokerage/", include("school_improvement.brokerage.urls")),
    path("journeys/", include("school_improvement.journeys.urls")),
    path("api/", include("school_improvement.api.urls")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler403 = "school_improvement.core.views.permission_denied"
handler404 = "school_improvement.core.views.page_not_found"
handler500 = "school_improvement.core.views.server_error"
