"""Amounts of money as Vietnamese receipts write them: 200.000 đồng, "Hai trăm nghìn đồng".

A receipt of fees and charges writes the amount in figures and in words (Số tiền bằng chữ; the
receipt forms of Nghị định 11/2020/NĐ-CP and Thông tư 32/2025/TT-BTC). The words come from
num2words' Vietnamese speller ("một trăm lẻ năm nghìn").
"""

from num2words import num2words


def vnd_figures(amount: int) -> str:
    """200000 → "200.000 đồng"."""
    return f"{amount:,} đồng".replace(",", ".")


def vnd_in_words(amount: int) -> str:
    """200000 → "Hai trăm nghìn đồng"; 0 → "Không đồng"."""
    if amount < 0:
        raise ValueError("an amount of money is not negative")
    words = str(num2words(amount, lang="vi"))
    return f"{words[:1].upper()}{words[1:]} đồng"
