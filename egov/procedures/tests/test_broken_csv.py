"""A CSV file Python's csv module cannot read is explained in the user's language, not by csv.Error
("field larger than field limit (131072)"): issue 11, item 1, "never a Python exception text"."""

from django.utils import translation

from egov.procedures import exchange

HUGE_CELL = '"' + "x" * 200_000 + '"'


def test_an_unreadable_header_is_explained():
    with translation.override("vi"):
        parsed = exchange.parse_csv(f"{HUGE_CELL}\n")
        messages = [exchange.format_error(error) for error in parsed.errors]

    assert len(messages) == 1
    assert "không đúng định dạng CSV" in messages[0]
    assert "field limit" not in messages[0]


def test_an_unreadable_row_is_explained_with_its_line():
    header = ",".join(exchange.CSV_COLUMNS)
    row = ",".join([HUGE_CELL, *[""] * (len(exchange.CSV_COLUMNS) - 1)])
    with translation.override("vi"):
        parsed = exchange.parse_csv(f"{header}\n{row}\n")

    [error] = parsed.errors
    assert "không đúng định dạng CSV" in error.message
    assert "field limit" not in error.message
    assert error.line == 2
