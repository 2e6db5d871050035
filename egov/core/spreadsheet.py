"""Cells that a spreadsheet program will not run: every Excel and CSV export writes through here.

A text cell that starts with `=`, `+`, `-` or `@` is read as a formula by Excel and LibreOffice
(and a leading tab or carriage return hides such a start), so an applicant who types
`=HYPERLINK("http://…")` as their name would get a live link, or worse, into an officer's
spreadsheet (OWASP "CSV injection"). In .xlsx files such text is written as a plain string with
Excel's own quote prefix, so it shows and edits exactly as typed; in CSV, which has no types,
it gets a leading apostrophe, which `csv_value` takes off again on import.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported only by the exports that use it (start-up time)
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def append_row(sheet: "Worksheet", values: Iterable[Any]) -> None:
    """`sheet.append(values)`, with text that looks like a formula kept as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_cell(value: object) -> object:
    """A value for a CSV writer: formula-like text gets a leading apostrophe."""
    if is_formula_like(value):
        return f"{CSV_ESCAPE}{value}"
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(value) for value in values]


def csv_value(cell: str) -> str:
    """The text an exported CSV cell stood for (the inverse of `csv_cell`)."""
    if cell.startswith(CSV_ESCAPE) and is_formula_like(cell[1:]):
        return cell[1:]
    return cell
