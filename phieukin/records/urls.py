from django.urls import path

from phieukin.records import views

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:person_id>/", views.detail, name="detail"),
    path("<int:person_id>/record.<str:fmt>", views.export, name="export"),
]
