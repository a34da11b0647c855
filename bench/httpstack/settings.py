"""Bench-only settings: the product settings plus a URLconf with a one-row insert view.

Never used by the product; ``bench/ballots_http.py`` runs gunicorn with it so that the
whole ballot path can be compared with the cheapest possible write through the same stack.
"""

from phieukin.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.httpstack.urls"
# The load generator runs from one address: keep the product's limits out of the way.
PHIEUKIN_CODE_ATTEMPTS_PER_CLIENT = 10**9
PHIEUKIN_CODE_ATTEMPTS_PER_BOX = 10**9
