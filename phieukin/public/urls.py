"""Anonymous pages. Paths under /v/ and /r/ are redacted from every log line."""

from django.urls import path

from phieukin.public import plans, views

app_name = "public"
urlpatterns = [
    path("v/<int:box_id>/", views.vote, name="vote"),
    path("v/<int:box_id>/<str:code>/", views.vote, name="vote_code"),
    path("r/", views.receipt_lookup, name="receipt"),
    path("bulletin/<int:box_id>/", views.bulletin, name="bulletin"),
    path("niem-yet/<int:unit_id>/", plans.unit_plans, name="posted_plans"),
    path("niem-yet/ke-hoach/<int:plan_id>/", plans.plan_feedback, name="plan_feedback"),
]
