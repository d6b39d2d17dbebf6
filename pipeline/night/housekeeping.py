"""Before a run touches anything: its folders exist, they share one filesystem, and a killed run's half-written
files are gone."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pipeline.core.i18n import Text, tr
from pipeline.settings.load import ConfigError
from pipeline.settings.schema import Config

T_TWO_FILESYSTEMS: Text = (
    "[paths]: inbox·archive·rejected·outbox·state 폴더는 한 파일 시스템에 있어야 합니다(파일을 이름 바꾸기로 "
    "옮기므로): {where}",
    "[paths]: inbox, archive, rejected, outbox and state must be on one filesystem (files are moved by renaming "
    "them): {where}",
)


def prepare_folders(config: Config) -> None:
    for name in ("inbox", "outbox", "archive", "rejected", "state"):
        getattr(config.paths, name).mkdir(parents=True, exist_ok=True)


def sweep_temp_files(roots: Iterable[Path]) -> list[Path]:
    """Remove our own half-written files (`.<name>.tmp`) left by a killed run. Submitted files never look like
    this at their destination (they are prefixed with the time received), so nothing received is touched."""
    removed = []
    for root in roots:
        if not root.is_dir():
            continue
        for folder, _dirs, names in os.walk(root, followlinks=False):
            for name in names:
                if name.startswith(".") and name.endswith(".tmp"):
                    path = Path(folder) / name
                    if path.is_file() and not path.is_symlink():
                        path.unlink()
                        removed.append(path)
    return removed


def check_one_filesystem(config: Config, lang: str) -> None:
    """Moves are renames, which only work (atomically) within one filesystem: say so up front, as a config error."""
    paths = config.paths
    devices = {}
    for name in ("inbox", "archive", "rejected", "outbox", "state"):
        p = getattr(paths, name)
        if p.exists():
            devices[name] = os.stat(p).st_dev
    if len(set(devices.values())) > 1:
        where = ", ".join(f"{k}={getattr(paths, k)}" for k in devices)
        raise ConfigError(tr(T_TWO_FILESYSTEMS, lang, where=where))
