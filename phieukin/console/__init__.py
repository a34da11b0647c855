"""The console: the dashboard, the navigation bar and ``seed_demo``.

It sits on top of every domain app and may import any of them; nothing below imports it.
"""
