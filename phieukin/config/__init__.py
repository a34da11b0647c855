"""Project configuration; loads the Celery app so tasks bind to it (see celery.py)."""

from phieukin.config.celery import app as celery_app

__all__ = ["celery_app"]
