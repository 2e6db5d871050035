"""Two endpoints: insert one row from a JSON body, look one row up by its unique code."""

import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from bare.models import Record


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    data = json.loads(request.body)
    record = Record.objects.create(code=data["code"], name=data["name"], unit=data["unit"])
    return JsonResponse({"id": record.pk, "code": record.code}, status=201)


def lookup(request: HttpRequest, code: str) -> JsonResponse:
    record = Record.objects.filter(code=code).values("code", "name", "unit", "status", "created_at").first()
    if record is None:
        raise Http404
    return JsonResponse(record)


urlpatterns = [path("insert", insert), path("lookup/<str:code>", lookup)]
