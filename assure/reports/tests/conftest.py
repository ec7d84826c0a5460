from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assure.assessments.models import Assessment


@pytest.fixture
def camden(demo) -> Assessment:
    """NHS Camden CCG's self-assessment: a draft, domains 1 and 2 rated."""
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)


@pytest.fixture
def islington(demo) -> Assessment:
    """NHS Islington CCG's self-assessment: submitted and shared with its HWB."""
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_pages_as_png(content: bytes, tmp_path: Path) -> list[Path]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page-*.png"))


@pytest.fixture(autouse=True)
def _poppler():
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils (.ci/run installs it)")
