"""A working home: `pipeline.toml` plus the folders the batch moves files between, and where to find it."""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.settings.schema import CONFIG_NAME, Paths
from pipeline.system.atomic import write_bytes_atomically

FOLDERS = tuple(str(f.default) for f in fields(Paths))
"""The folders a new home gets: the default `[paths]`."""


def resolve_home(home: str | Path | None) -> Path:
    """`--home DIR`, else `$PIPELINE_HOME`, else the current directory."""
    if home:
        return Path(home).expanduser().resolve()
    env = os.environ.get("PIPELINE_HOME")
    if env:
        return Path(env).expanduser().resolve()
    return Path.cwd().resolve()


def init_home(directory: Path, force: bool = False, text: str | None = None) -> Path:
    """Create the folders and a pipeline.toml (examples when `text` is None); returns the config path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / CONFIG_NAME
    if config.exists() and not force:
        raise FileExistsError(str(config))
    for name in FOLDERS:
        (directory / name).mkdir(exist_ok=True)
    if text is None:
        text = render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-15")
    return write_bytes_atomically(config, text.encode("utf-8"))
