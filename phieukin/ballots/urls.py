"""Committee and organiser pages of ballot boxes."""

from django.urls import path

from phieukin.ballots import views

app_name = "ballots"
urlpatterns = [
    path("", views.box_list, name="list"),
    path("<int:box_id>/", views.box_detail, name="detail"),
    path("<int:box_id>/live/", views.live, name="live"),
    path("<int:box_id>/open/", views.open_box, name="open"),
    path("<int:box_id>/close/", views.close_box, name="close"),
    path("<int:box_id>/reopen/", views.reopen_box, name="reopen"),
    path("<int:box_id>/codes/", views.create_codes, name="codes"),
    path("<int:box_id>/codes/void/", views.void_codes, name="void"),
    path("<int:box_id>/paper/", views.paper_counts, name="paper"),
    path("<int:box_id>/attendance/", views.attendance, name="attendance"),
    path("<int:box_id>/attendance/propose/", views.propose_attendance, name="attendance_propose"),
    path(
        "<int:box_id>/attendance/<int:proposal_id>/confirm/",
        views.confirm_attendance,
        name="attendance_confirm",
    ),
    path("<int:box_id>/seal/", views.seal_box, name="seal"),
    path("<int:box_id>/signed/", views.upload_signed, name="signed"),
    path("<int:box_id>/verify/", views.verify, name="verify"),
    path("<int:box_id>/minutes.pdf", views.minutes_pdf, name="minutes"),
    path("<int:box_id>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("<int:box_id>/zero-report.pdf", views.zero_report_pdf, name="zero_report"),
]
