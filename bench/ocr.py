"""Benchmark: OCR throughput of Vietnamese scans and WeasyPrint A5 receipt latency.

Run: .venv/bin/python bench/ocr.py --pages 10 [--renders 50]
"""

import argparse
import datetime
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from egov.core.pdf import qr_svg, render_pdf  # noqa: E402
from egov.documents.ocr import run_ocr  # noqa: E402
from egov.documents.tests.test_ocr_engine import NOTICE, scanned_page  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_ocr(pages: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        latencies = []
        for number in range(pages):
            # A full A4 page at 300 dpi: the notice three times, about 330 words.
            source = Path(work) / f"page-{number}.png"
            scanned_page(" ".join([NOTICE] * 3), seed=number, size=(2480, 3508)).save(source, dpi=(300, 300))
            started = time.perf_counter()
            result = run_ocr(source, Path(work) / f"page-{number}.pdf")
            latencies.append(time.perf_counter() - started)
            assert result.pages_out == 1
        multi = Path(work) / "multi.pdf"
        images = [scanned_page(NOTICE, seed=n, size=(2480, 3508)) for n in range(pages)]
        images[0].save(multi, save_all=True, append_images=images[1:], resolution=300)
        started = time.perf_counter()
        result = run_ocr(multi, Path(work) / "multi-ocr.pdf")
        whole = time.perf_counter() - started
    print(f"OCR, {pages} single-page A4 PNG scans (300 dpi, vie, one Tesseract pass per page):")
    print(f"  per page p50 {statistics.median(latencies):.2f} s, p95 {percentile(latencies, 0.95):.2f} s")
    print(f"  {60 * pages / sum(latencies):.1f} pages/minute one file at a time")
    print(f"OCR, one {pages}-page PDF: {whole:.1f} s, {60 * pages / whole:.1f} pages/minute")
    print(f"  mean confidence {result.mean_confidence}, PDF/A {result.is_pdfa}")


def bench_pdf(renders: int) -> None:
    context = {
        "issuer_parent": "Ủy ban nhân dân huyện Đồng Hỷ",
        "issuer": "Ủy ban nhân dân xã Đồng Hỷ",
        "place": "Thái Nguyên",
        "date": datetime.date(2025, 2, 5),
        "applicant": "Nguyễn Thị Ánh Tuyết",
        "address": "Xóm Đồng Thái, xã Đồng Hỷ, tỉnh Thái Nguyên",
        "phone": "0912 345 678",
        "procedure": "Đăng ký khai sinh",
        "components": [
            ("Tờ khai đăng ký khai sinh theo mẫu", "01 bản chính"),
            ("Giấy chứng sinh", "01 bản chính"),
            ("Căn cước của người đi đăng ký", "Xuất trình"),
        ],
        "received_at": datetime.datetime(2025, 2, 5, 2, 30, tzinfo=datetime.UTC),
        "due_at": datetime.datetime(2025, 2, 6, 2, 30, tzinfo=datetime.UTC),
        "receiver_name": "Trần Quốc Vượng",
    }

    def render(number: int) -> float:
        code = f"000.00.19.H56-250205-{number:04d}"
        started = time.perf_counter()
        render_pdf(
            "pdf/sample_receipt.html",
            {**context, "dossier_code": code, "qr": qr_svg(f"https://dichvucong.example/tra-cuu/{code}")},
            page_size="A5",
        )
        return time.perf_counter() - started

    first = render(0)
    latencies = [render(n) for n in range(1, renders + 1)]
    print(f"WeasyPrint A5 receipt with QR, {renders} renders after a warm-up of {1000 * first:.0f} ms:")
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"  p50 {1000 * p50:.0f} ms, p95 {1000 * p95:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    # OCRmyPDF's advice on output size is noise here.
    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    print(f"CPUs: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    bench_pdf(args.renders)
    bench_ocr(args.pages)


if __name__ == "__main__":
    main()
