"""`make run` / `make test` on a fresh machine: a clear stop without Python ≥ 3.12, npm from Debian."""

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _bin_with(tmp_path: Path, **scripts: str) -> Path:
    """A PATH directory holding make and the given stand-in commands, and nothing else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "make").symlink_to(shutil.which("make") or "/usr/bin/make")
    for name, body in scripts.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
    return bin_dir


def _make(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 — our own Makefile
        [str(bin_dir / "make"), "-C", str(ROOT), *args],
        env={"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/root")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_python_3_12_the_setup_stops_and_says_why(tmp_path):
    # The only Python on this PATH is too old: like Debian 12's python3 (3.11).
    old_python = 'case "$*" in *version_info*) exit 1;; esac; echo "Python 3.11.2"; exit 1'
    bin_dir = _bin_with(tmp_path, python3=old_python)
    venv = tmp_path / "venv"

    result = _make(bin_dir, "setup", f"VENV={venv}")

    assert result.returncode != 0
    assert "egov needs Python 3.12 or newer" in result.stderr
    assert "make PYTHON=" in result.stderr
    assert not venv.exists()


def test_make_test_installs_node_and_npm_from_debian_when_missing(tmp_path):
    record = tmp_path / "asked-for"
    bin_dir = _bin_with(tmp_path, **{"ensure-packages": f'echo "$@" > {record}'})

    # -B: as on a fresh clone, where node_modules/ does not exist yet. npm is still missing after
    # the stand-in installer, so `npm ci` fails: nothing is installed into this checkout.
    _make(bin_dir, "-B", "node_modules/axe-core/axe.min.js", f"ENSURE_PACKAGES={bin_dir / 'ensure-packages'}")

    assert record.read_text().split() == ["nodejs", "npm"]
