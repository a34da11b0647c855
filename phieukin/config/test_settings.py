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

# Publishing in a test that commits (django_db(transaction=True)) would otherwise start the
# warm-up of the round's pages in a background thread that outlives the test; the tests of
# the warm-up turn it on with jobs run inline (reports/tests/test_warming.py).
PHIEUKIN_WARM_REPORTS = False
