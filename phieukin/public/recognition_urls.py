"""Public recognition pages (mounted at the site root by the root URLconf)."""

from django.urls import path

from phieukin.public import recognitions

app_name = "public_recognition"
urlpatterns = [
    path("units/<int:unit_id>/recognitions/", recognitions.unit_recognitions, name="unit"),
]
