"""Online fee payment: the citizen's "pay" page, the gateway's IPN and return URLs, the receipt.

Thin views over egov.dossiers.payments. The IPN answers the JSON gateways expect
({"RspCode", "Message"}), always with HTTP 200: a gateway reads the code, not the status.
The gateway reaches egov at SITE_URL, so the callback URLs are built from it, not from the request.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.accounts.http import AuthenticatedRequest
from egov.core import money
from egov.core.ratelimit import client_ip
from egov.core.site import site_url
from egov.dossiers import payments, services
from egov.dossiers.models import Payment
from egov.dossiers.permissions import get_dossier_for_user


def _site_url(name: str) -> str:
    return site_url(reverse(name))


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """GET: the fee lines charged and, when it can be paid now, the ways to pay; POST: open the
    order and go to the gateway."""
    if request.method == "GET":
        dossier = get_dossier_for_user(request.user, code)
        return render(
            request,
            "dossiers/payment_start.html",
            {
                "dossier": dossier,
                "lines": dossier.fee_lines.all(),
                "refusal": services.payment_refusal_text(dossier),
                "back": _back(request, dossier.code),
            },
        )
    try:
        with transaction.atomic():
            dossier = get_dossier_for_user(request.user, code, for_update=True)
            _payment, url = payments.start_online_payment(
                dossier,
                by=request.user,
                return_url=_site_url("dossiers:payment_return"),
                ipn_url=_site_url("dossiers:payment_ipn"),
                client_ip=client_ip(request),
            )
    except ValidationError as error:
        return render(
            request,
            "dossiers/payment_error.html",
            {"code": code, "errors": error.messages, "codes": _codes(error), "back": _back(request, code)},
            # The dossier's state, not the request, is what refuses the payment.
            status=409,
        )
    return HttpResponseRedirect(url)


def _is_staff(request: HttpRequest) -> bool:
    # The gateway's return may arrive without a session: such a browser is the citizen's.
    return request.user.is_authenticated and not getattr(request.user, "is_citizen", False)


def _back(request: HttpRequest, code: str) -> str:
    """The dossier's page for whoever is paying or reading: the citizen's, or the workspace's."""
    if _is_staff(request):
        return reverse("dossiers:detail", args=[code])
    return reverse("portal:citizen_dossier", args=[code])


def _back_to_list(request: HttpRequest) -> str:
    """Where to go back when the dossier is not known (an answer that could not be verified)."""
    return reverse("dossiers:queue") if _is_staff(request) else reverse("portal:my_dossiers")


def _codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list if e.code]


_IPN_MESSAGES = {
    "00": "Confirm Success",
    "02": "Order already confirmed",
    "01": "Order not found",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}


@csrf_exempt
@require_POST
def payment_ipn(request: HttpRequest) -> JsonResponse:
    """The gateway's server-to-server result: applied once, answered with RspCode."""
    try:
        confirmation = payments.confirm_callback(request.POST.dict())
    except payments.PaymentError as error:
        code = error.code
    else:
        code = "00" if confirmation.changed else "02"
    return JsonResponse({"RspCode": code, "Message": _IPN_MESSAGES[code]})


@require_GET
def payment_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the citizen back; applies the result too, in case the IPN is lost."""
    try:
        payment = payments.confirm_payment(request.GET.dict())
    except payments.UnknownOrderError as error:
        raise Http404 from error
    except payments.PaymentError:
        return render(
            request,
            "dossiers/payment_result.html",
            {
                "payment": None,
                "error": _("The payment gateway's answer could not be verified."),
                "back": _back_to_list(request),
            },
            status=400,
        )
    return render(
        request,
        "dossiers/payment_result.html",
        {"payment": payment, "error": "", "back": _back(request, payment.dossier.code)},
    )


@login_required
@require_GET
def payment_receipt(request: AuthenticatedRequest, order_id: str) -> HttpResponse:
    """The electronic receipt of a paid order, for whoever may see its dossier."""
    payment = get_object_or_404(
        Payment.objects.select_related("dossier", "receipt_unit"),
        order_id=order_id,
        status=Payment.State.PAID,
    )
    dossier = get_dossier_for_user(request.user, payment.dossier.code)
    return render(
        request,
        "dossiers/payment_receipt.html",
        {
            "payment": payment,
            "dossier": dossier,
            "lines": dossier.fee_lines.all(),
            "in_words": money.vnd_in_words(payment.amount),
            "back": _back(request, dossier.code),
        },
    )
