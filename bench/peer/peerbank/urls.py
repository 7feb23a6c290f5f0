"""POST /accounts/<code>/transfer and GET /accounts/<code>/balance, as plain Django views."""

import json
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from hordak.models import Account

from peerbank.transfer import InsufficientFunds, transfer


@csrf_exempt
def post_transfer(request: HttpRequest, code: str) -> HttpResponse:
    body = json.loads(request.body)
    try:
        transaction_id = transfer(code, body["to_account_number"],
                                  Decimal(body["amount"]["amount"]),
                                  request.headers["Idempotency-Key"])
    except InsufficientFunds:
        return JsonResponse({"error": "insufficient funds"}, status=422)
    return JsonResponse({"transfer_id": str(transaction_id), "status": "completed"}, status=201)


def balance(request: HttpRequest, code: str) -> HttpResponse:
    account = Account.objects.get(full_code=code)
    return JsonResponse({"account_number": code,
                         "balance": str(account.get_simple_balance()["INR"].amount)})


urlpatterns = [path("accounts/<str:code>/transfer", post_transfer),
               path("accounts/<str:code>/balance", balance)]
