"""The Content-Security-Policy middleware: django-csp's, for a response without a policy.

django-csp builds the site's policy string for every response, then keeps a policy the
response already carries. A response that sets its own (the JSON API's fixed
``default-src 'none'``) keeps it here without the site's policy being built.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware as SiteCSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase

CSP_HEADER = HEADER
# For responses that are data, never a document: nothing may load or frame them.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"


class CSPMiddleware(SiteCSPMiddleware):
    """Add the site's policy to every response that has none of its own."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if CSP_HEADER in response:
            return response
        return super().process_response(request, response)
