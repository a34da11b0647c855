"""The Celery application of the queue workers: `celery -A phieukin.config worker`."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")

app = Celery("phieukin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["phieukin.jobs"])
