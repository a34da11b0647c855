from django.urls import path

from phieukin.recognition import views

app_name = "recognition"
urlpatterns = [
    path("", views.index, name="index"),
    path("honourees/", views.honourees, name="honourees"),
    path("honourees/new/", views.honouree_new, name="honouree_new"),
    path("models/", views.models, name="models"),
    path("models/new/", views.model_new, name="model_new"),
    path("<str:kind>/<int:pk>/public/", views.toggle_public, name="toggle_public"),
    path("report/<int:unit_id>/", views.report, name="report"),
    path("report/<int:unit_id>/report.<str:fmt>", views.report_download, name="report_download"),
]
