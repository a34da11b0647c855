"""Helpers of the paper tests."""

from __future__ import annotations

from django.test import Client

from phieukin.accounts.models import User


def login(user: User) -> Client:
    """Return a test client signed in as *user*."""
    client = Client()
    client.force_login(user)
    return client


def keys_of(n: int, pattern: str = "1") -> str:
    """Return *n* digits repeating *pattern*."""
    return (pattern * n)[:n]
