from django.urls import path

from phieukin.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("import/", views.unit_import, name="import"),
    path("leaders/", views.leader_list, name="leaders"),
]
