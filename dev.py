#!/usr/bin/env python3
"""Set-up and the everyday commands, needing nothing but Python 3.11+.

    python3 dev.py demo             # create .venv, install, build the demo home and run the nightly batch on it
    python3 dev.py test             # create .venv, install with test extras, lint (ruff, import layers), run the tests
    python3 dev.py pipeline ARGS…   # the `pipeline` command itself, without activating .venv
                                    # (or: `. .venv/bin/activate`, then `pipeline ARGS…`)

Installation is repeated only when pyproject.toml changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must explain itself on an old Python
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing the pipeline and its test tools into .venv …", flush=True)
    subprocess.run(
        [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]"],
        cwd=ROOT,
        check=True,
    )
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "setup", "pipeline"):
        print(__doc__)
        return 64
    ensure_venv()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "demo":
        return subprocess.call([str(BIN / "pipeline"), "demo", *(rest or ["demo"])], cwd=ROOT)
    if command == "pipeline":  # in the caller's folder: its paths are relative to where it was typed
        return subprocess.call([str(BIN / "pipeline"), *rest])
    lint = subprocess.call([str(BIN / "ruff"), "check", "--quiet", "."], cwd=ROOT)
    if lint:
        print("ruff found problems (above); fix them before the tests run", file=sys.stderr)
        return lint
    layers = subprocess.call([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, stdout=subprocess.DEVNULL)
    if layers:
        subprocess.call([str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT)
        print("an import points up the flow (above): see docs/architecture.md", file=sys.stderr)
        return layers
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
