"""Settings for the test suite: the product's settings as a developer runs them.

The tests run the development configuration (``DEBUG=1`` when unset, so the development
secret is accepted and plain HTTP is served) with a per-process cache; Django's test runner
still turns DEBUG off while tests run. Production settings are tested by running
``manage.py check --deploy`` in a subprocess (``core/tests/test_deploy.py``).
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("PHIEUKIN_CACHE", "locmem")

from phieukin.config.settings import *  # noqa: F403
