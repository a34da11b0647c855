from django.urls import path

from phieukin.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.index, name="index"),
    path("sets/", views.set_list, name="sets"),
    path("sets/upload/", views.set_upload, name="set_upload"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/download.yaml", views.set_download, name="set_download"),
    path("commitments/new/", views.commitment_new, name="commitment_new"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("commitments/<int:pk>/q<int:quarter>/", views.assessment, name="assessment"),
    path("reminders/", views.reminders, name="reminders"),
]
