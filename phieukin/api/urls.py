"""URLs of the HTTP API (mounted at /api/v1/ by the root URLconf)."""

from phieukin.api.api import api

app_name = "api"
urlpatterns = [*api.urls[0]]
