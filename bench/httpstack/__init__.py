"""Bench-only Django settings and URLconf (see ballots_http)."""
