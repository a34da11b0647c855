"""WSGI entry point (gunicorn phieukin.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")
application = get_wsgi_application()
