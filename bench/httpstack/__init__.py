"""Bench-only Django settings, URLconf and the gunicorn configuration (see ballots_http)."""
