"""The record stores nothing of its own: every part is read from the app that owns it."""
