"""Shared fixtures."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice's soffice, for real-client checks (open the file the way a user's program does).

    Absent LibreOffice skips those tests on a developer's laptop; CI sets PIPELINE_REQUIRE_SOFFICE=1 so that a
    missing install fails loudly instead of silently skipping the only check a real client makes.
    """
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("PIPELINE_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) not installed but PIPELINE_REQUIRE_SOFFICE=1")
        pytest.skip("LibreOffice (soffice) not installed: real-client check skipped")
    return path
