"""Back-office pages of the follow-through (mounted at /followup/)."""

from django.urls import path

from phieukin.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.index, name="index"),
    path("reports/<int:subject_id>/", views.subject_page, name="subject"),
    path("reports/<int:subject_id>/plan/", views.plan_start, name="plan_start"),
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("plans/<int:plan_id>/<str:action>/", views.plan_action, name="plan_action"),
    path("plans/<int:plan_id>/measures/new/", views.measure_edit, name="measure_new"),
    path("plans/<int:plan_id>/measures/<int:measure_id>/", views.measure_edit, name="measure"),
    path(
        "plans/<int:plan_id>/measures/<int:measure_id>/delete/",
        views.measure_delete,
        name="measure_delete",
    ),
    path(
        "plans/<int:plan_id>/measures/<int:measure_id>/progress/",
        views.measure_progress,
        name="measure_progress",
    ),
    path("evidence/<int:update_id>/", views.evidence, name="evidence"),
    path("rounds/<int:round_id>/", views.round_status, name="round"),
    path("report/", views.report, name="report"),
    path("report.<str:fmt>", views.report_download, name="report_download"),
    path(
        "self-cultivation/<int:unit_id>/<int:year>/edit/",
        views.cultivation_edit,
        name="cultivation_edit",
    ),
    path("self-cultivation/<int:plan_id>/", views.cultivation_page, name="cultivation"),
    path("self-cultivation/<int:plan_id>/post/", views.cultivation_post, name="cultivation_post"),
    path(
        "self-cultivation/<int:plan_id>/poster.pdf",
        views.cultivation_poster,
        name="cultivation_poster",
    ),
    path("self-cultivation/<int:plan_id>/note/", views.cultivation_note, name="cultivation_note"),
    path("feedback/", views.moderation, name="moderation"),
    path("feedback/<int:feedback_id>/moderate/", views.feedback_moderate, name="moderate"),
    path("feedback/<int:feedback_id>/answer/", views.feedback_answer, name="answer"),
]
