"""Benchmark: PAdES signing throughput (B-B, B-T, B-LT) and validation latency.

Run: .venv/bin/python bench/signatures.py --n 50

Single process, one core busy. The demo PKI lives in a temporary directory, the time-stamp
authority and the revocation answers are served in-process (as egov does for its own demo PKI), so
the figures measure PDF and cryptographic work, not the network. The revocation state is a fixed
snapshot: no database is needed.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
_work = tempfile.mkdtemp(prefix="egov-bench-sign-")
os.environ["EGOV_PKI_DIR"] = str(Path(_work) / "pki")

import django  # noqa: E402 — settings come from the environment set above

django.setup()

from egov.documents.tests.files import pdf_bytes  # noqa: E402
from egov.signatures import pki, signing  # noqa: E402
from egov.signatures.appearance import Appearance, signature_image  # noqa: E402
from egov.signatures.validation import validate_pdf  # noqa: E402

PIN = "123456"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50, help="signatures per level")
    args = parser.parse_args()

    demo = pki.ensure_demo_pki()
    cert, path = pki.issue_certificate(
        common_name="Nguyễn Văn Lãnh", organisation="Sở Tư pháp", kind="personal", pin=PIN
    )
    # The CA's state as the database would give it: the officer's certificate, not revoked.
    state = pki.RevocationState(
        {cert.serial_number: pki.CertStatus(), demo.tsa.certificate.serial_number: pki.CertStatus()}
    )
    pki.revocation_state = lambda _pki: state  # type: ignore[assignment]

    pdf = pdf_bytes(*(f"Trang {i}" for i in range(1, 4)))
    appearance = Appearance(
        signer_name="Nguyễn Văn Lãnh",
        position="Phó Giám đốc",
        unit="Sở Tư pháp",
        image_png=signature_image("Nguyễn Văn Lãnh"),
    )
    print(f"egov signature benchmark — {args.n} signatures per row, 3-page A4 PDF ({len(pdf)} bytes)")
    print(f"CPU cores: {os.cpu_count()}; one process, one core busy (throughput scales per core)")
    samples: dict[str, bytes] = {}
    with signing.open_signer(signing.Pkcs12Source(path, PIN)) as signer:
        rows: list[tuple[str, signing.Level, Appearance | None]] = [
            ("B-B invisible", "B-B", None),
            ("B-B visible (ND 30)", "B-B", appearance),
            ("B-T visible, in-process TSA", "B-T", appearance),
            ("B-LT visible, TSA + OCSP/CRL", "B-LT", appearance),
        ]
        for label, level, look in rows:
            signing.sign_pdf(pdf, signer, level=level, field_name="warm-up", appearance=look, reason="x")
            started = time.perf_counter()
            for number in range(args.n):
                signed = signing.sign_pdf(
                    pdf, signer, level=level, field_name=f"signature-{number}", appearance=look, reason="x"
                )
            elapsed = time.perf_counter() - started
            samples[level] = signed
            print(
                f"  sign {label:<30} {args.n / elapsed:7.1f} signatures/s  "
                f"({1000 * elapsed / args.n:6.1f} ms each, {len(signed)} bytes)"
            )

    for level in ("B-B", "B-T", "B-LT"):
        latencies = []
        for _ in range(args.n):
            started = time.perf_counter()
            result = validate_pdf(samples[level])
            latencies.append(time.perf_counter() - started)
            assert result.status == "valid", result.signatures[0].errors
        print(
            f"  validate {level:<5} p50 {1000 * statistics.median(latencies):6.1f} ms   "
            f"p95 {1000 * percentile(latencies, 0.95):6.1f} ms"
        )


if __name__ == "__main__":
    main()
