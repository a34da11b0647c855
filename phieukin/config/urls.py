"""Root URL configuration: back office, public pages, API."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # One sign-in page for everyone (throttled, then the second factor): the admin's own
    # login form is not offered.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("phieukin.ops.urls")),
    path("accounts/", include("phieukin.accounts.urls")),
    path("api/v1/", include("phieukin.api.urls")),
    path("", include("phieukin.public.urls")),
    path("", include("phieukin.console.urls")),
    path("units/", include("phieukin.units.urls")),
    path("questionnaires/", include("phieukin.questionnaires.urls")),
    path("rounds/", include("phieukin.rounds.urls")),
    path("ballots/", include("phieukin.ballots.urls")),
    path("paper/", include("phieukin.paper.urls")),
    path("reports/", include("phieukin.reports.urls")),
    path("followup/", include("phieukin.followup.urls")),
    path("audit/", include("phieukin.audit.urls")),
    path("criteria/", include("phieukin.criteria.urls")),
    path("recognition/", include("phieukin.recognition.urls")),
    path("records/", include("phieukin.records.urls")),
    path("", include("phieukin.public.recognition_urls")),
    path("jobs/", include("phieukin.jobs.urls")),
    path("selfchecks/", include("phieukin.selfcheck.urls")),
    path("gradings/", include("phieukin.grading.urls")),
]
