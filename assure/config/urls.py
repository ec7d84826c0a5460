from django.contrib import admin
from django.urls import include, path, re_path

from .api import api, not_found, root

urlpatterns = [
    path("", include("assure.core.urls")),
    path("accounts/", include("assure.accounts.urls")),
    path("frameworks/", include("assure.frameworks.urls")),
    path("cycles/", include("assure.cycles.urls")),
    path("assessments/", include("assure.assessments.urls")),
    path("evidence/", include("assure.evidence.urls")),
    path("reports/", include("assure.reports.urls")),
    path("", include("assure.surveys.urls")),
    path("partnerships/", include("assure.partnerships.urls")),
    path("good-practice/", include("assure.goodpractice.urls")),
    path("decisions/", include("assure.decisions.urls")),
    path("plans/", include("assure.plans.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", root, name="api_root"),  # before the API's own, which answers 404 there
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>[\s\S]*)$", not_found, name="api_not_found"),
]
