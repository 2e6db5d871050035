"""The dossier's history reads in the order things happened, each named for what it was (walk, 3c)."""

import pytest
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_the_forward_comes_before_its_step_and_a_drafted_result_is_named_so(client, province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.h")
    specialist = make_member(Role.SPECIALIST, province.commune, "cv.h")
    dossier = receive(commune_procedure(days="2"), province.commune, desk)
    services.forward_dossier(dossier, by=desk)
    services.generate_result(dossier, by=specialist)
    kinds = list(dossier.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-3:] == ["forwarded", "step_started", "result_drafted"]

    client.force_login(specialist)
    page = client.get(reverse("dossiers:detail", args=[dossier.code]), HTTP_ACCEPT_LANGUAGE="vi").text
    timeline = page[page.index('id="h-timeline"') :]
    timeline = timeline[: timeline.index("</table>")]
    assert "Dự thảo kết quả" in timeline
    assert "Đính kèm kết quả" not in timeline
    assert timeline.index("Chuyển xử lý") < timeline.index("Bắt đầu bước")
