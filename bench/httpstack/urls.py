"""Bench-only URLconf: the product's URLs plus ``POST /bench/insert/`` (one row, one commit)."""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from phieukin.config.urls import urlpatterns as product_urlpatterns


@csrf_exempt
def insert_one(request: HttpRequest) -> JsonResponse:
    """Parse a JSON body and insert one row in one transaction: the baseline write."""
    payload = json.loads(request.body or b"{}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (v) VALUES (%s)", [str(payload.get("v", ""))])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/insert/", insert_one), *product_urlpatterns]
