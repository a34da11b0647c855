from django.urls import path

from phieukin.console import views

app_name = "console"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
