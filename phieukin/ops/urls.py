from django.urls import path

from phieukin.ops import views

app_name = "ops"
urlpatterns = [path("healthz", views.health, name="health")]
