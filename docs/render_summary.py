#!/usr/bin/env python3
"""Render page 1 of the meeting summary of the demo city to docs/summary.png.

    .venv/bin/python docs/render_summary.py              # -> docs/summary.png
    .venv/bin/python docs/render_summary.py --lang en    # the English summary

It builds the demo home in a temporary folder, runs the real nightly batch on it, converts the consolidated
workbook with LibreOffice (as the meeting's printer would see it) and keeps page 1 as a PNG, so the picture in
the README is what the pipeline actually produces. Needs LibreOffice (soffice) and poppler (pdftoppm).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.demo.build import demo_command  # noqa: E402


def convert(soffice: str, source: Path, out_dir: Path, profile: Path) -> Path:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    return out_dir / (source.stem + ".pdf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "summary.png")
    parser.add_argument("--lang", choices=("ko", "en"), default="ko")
    args = parser.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        print("needs LibreOffice (soffice) and pdftoppm", file=sys.stderr)
        return 69
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "demo"
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            demo_command(home, lang=args.lang)
        (workbook,) = (p for p in (home / "outbox").glob("*/*.xlsx") if not p.stem.endswith("_feedback"))
        pdf = convert(soffice, workbook, Path(tmp), Path(tmp) / "lo-profile")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(args.out.with_suffix("")),
            ],
            check=True,
            timeout=60,
        )
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
