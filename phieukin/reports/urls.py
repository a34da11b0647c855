from django.urls import path

from phieukin.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:round_id>/", views.round_reports, name="round"),
    path("<int:round_id>/summary.<str:fmt>", views.summary_download, name="summary_download"),
    path("<int:round_id>/map/", views.round_map, name="map"),
    path("<int:round_id>/access/", views.access_log_view, name="access_log"),
    path("<int:round_id>/set/", views.render_set, name="render_set"),
    path("<int:round_id>/wards/<int:unit_id>/", views.ward_results, name="ward"),
    path("<int:round_id>/leaders/<int:subject_id>/", views.leader_report, name="leader"),
    path(
        "<int:round_id>/leaders/<int:subject_id>/report.<str:fmt>",
        views.leader_download,
        name="leader_download",
    ),
]
