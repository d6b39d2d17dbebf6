"""Picking files from the inbox, and moving them out of it.

The inbox is a shared folder: files still being copied, Office lock files, symlinks, odd names. `classify` decides
from an `lstat` alone (pure; never opens or follows anything), the shell around it hashes and moves. Moves are
`rename(2)` within one filesystem, so a file is in the inbox or at its destination, never in both or neither;
nothing is ever deleted, and an existing destination is never overwritten.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.core.findings import Finding, finding
from pipeline.core.i18n import Bilingual

TAKEN_SUFFIXES = (".xlsx", ".xlsm")

# actions of `classify`
TAKE = "take"  # a workbook to check
REJECT = "reject"  # moved to rejected/ with a reason, without being opened as a workbook
IGNORE = "ignore"  # left alone on purpose, logged once (lock, hidden, temporary files, folders)
WAIT = "wait"  # left for the next run (too young, still changing)

KIND_FILE = "file"
KIND_SYMLINK = "symlink"
KIND_SPECIAL = "special"  # fifo, socket, device: never opened (a fifo would block the run)
KIND_DIR = "dir"

# Why a file is rejected before it is read: the validator's catalogue, so that one kind of problem has one code
# whichever stage finds it, and the catalogue (and docs/findings.md) stays in one place. A symlink (`file.symlink`)
# or a special file (`file.special`) is never opened or followed.


@dataclass(frozen=True)
class Entry:
    """One inbox entry as `lstat` saw it."""

    path: Path
    raw: bytes  # the exact name bytes
    name: str  # the name as a person reads it
    kind: str
    size: int
    mtime_ns: int
    ino: int

    @property
    def signature(self) -> tuple[int, int, int, str]:
        """What must not change between the first look and the move."""
        return (self.size, self.mtime_ns, self.ino, self.kind)


@dataclass(frozen=True)
class Verdict:
    action: str
    reason: str = ""  # for IGNORE/WAIT: a short code (lock_file, hidden, no_extension, folder, too_young, changing)
    finding: Finding | None = None  # for REJECT


def display_name(raw: bytes) -> str:
    """A name fit for a ledger, a log and a workbook: NFC (macOS writes NFD Hangul), undecodable bytes as \\xNN."""
    return unicodedata.normalize("NFC", raw.decode("utf-8", errors="backslashreplace"))


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return KIND_SYMLINK
    if stat.S_ISDIR(mode):
        return KIND_DIR
    if stat.S_ISREG(mode):
        return KIND_FILE
    return KIND_SPECIAL


def entry_of(path: Path) -> Entry | None:
    """`lstat` one path (never following a link); None when it is gone."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    raw = os.fsencode(path.name)
    return Entry(path, raw, display_name(raw), _kind(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino)


def scan(inbox: Path) -> list[Entry]:
    """The inbox's entries, oldest first (then by name), so that of two files for one agency the later received
    is processed later and wins."""
    entries = []
    with os.scandir(os.fsencode(inbox)) as it:
        for de in it:
            e = entry_of(inbox / os.fsdecode(de.name))
            if e is not None:
                entries.append(e)
    return sorted(entries, key=lambda e: (e.mtime_ns, e.raw))


def classify(e: Entry, now: datetime, min_age_seconds: float, max_bytes: int) -> Verdict:
    """What to do with an entry, from its name and `lstat` only."""
    name = e.name
    if name.startswith("~$"):
        return Verdict(IGNORE, "lock_file")
    if name.startswith("."):
        return Verdict(IGNORE, "hidden")
    if e.kind == KIND_DIR:
        return Verdict(IGNORE, "folder")
    suffix = Path(name).suffix.lower()
    if not suffix or suffix == ".":
        return Verdict(IGNORE, "no_extension")
    if name.endswith("~") or suffix in (".tmp", ".part", ".crdownload", ".partial"):
        return Verdict(IGNORE, "temporary")
    if e.kind == KIND_SYMLINK:
        return Verdict(REJECT, finding=finding("file.symlink"))
    if e.kind == KIND_SPECIAL:
        return Verdict(REJECT, finding=finding("file.special"))
    age = now.timestamp() - e.mtime_ns / 1e9
    if age < min_age_seconds:
        return Verdict(WAIT, "too_young")
    if suffix not in TAKEN_SUFFIXES:
        return Verdict(REJECT, finding=finding("file.not_xlsx", detail=suffix))
    if e.size > max_bytes:
        size, limit = f"{e.size / 1048576:.1f}", f"{max_bytes / 1048576:g}"
        detail = Bilingual(f"{size} MB, 한도 {limit} MB", f"{size} MB, limit {limit} MB")
        return Verdict(REJECT, finding=finding("file.too_large", detail=detail))
    return Verdict(TAKE)


class Unreadable(Exception):
    """The pipeline's user may not read the file (its permissions): a finding for the office, not a file still
    being copied (which would be left for the next run, every night, for ever)."""

    def __init__(self, error: OSError) -> None:
        self.detail = error.strerror or str(error)
        super().__init__(self.detail)


def sha256_of(e: Entry) -> str | None:
    """The content hash of a regular file, opened without following links and checked to be the file `lstat`
    saw; None when it changed or vanished meanwhile (left for the next run). Raises `Unreadable` when its
    permissions forbid reading it."""
    if e.kind != KIND_FILE:
        return ""
    try:
        fd = os.open(e.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except PermissionError as exc:
        raise Unreadable(exc) from None
    except OSError:
        return None
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or (st.st_ino, st.st_size, st.st_mtime_ns) != (e.ino, e.size, e.mtime_ns):
            return None
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def unchanged(e: Entry) -> bool:
    now = entry_of(e.path)
    return now is not None and now.signature == e.signature


# --- names and moves ------------------------------------------------------------------------------------------
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]|[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
MAX_NAME_BYTES = 200  # room for the prefix and a suffix within the usual 255-byte limit


def safe_name(name: str) -> str:
    """The original name kept readable (Korean, spaces, quotes stay) minus what breaks paths, terminals or the
    eye: control characters, separators, bidi overrides; shortened to a byte budget, keeping the extension."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip() or "_"
    if name in (".", ".."):
        name = "_"
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, suffix = os.path.splitext(name)
    suffix = suffix if len(suffix.encode()) <= 16 else ""
    budget = MAX_NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", errors="ignore")
    return stem + suffix


def source_path(inbox: Path, raw: bytes) -> Path:
    """An entry's path in the inbox from its exact name bytes (as the ledger keeps them, to finish a move)."""
    return inbox / os.fsdecode(raw)


def stamp(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


def dest_name(received_at: datetime, sha256: str, kind: str, name: str, n: int = 0) -> str:
    """`<received-at>_<sha8>_<original name>`; a counter only when that name is already taken."""
    tag = sha256[:8] if sha256 else kind
    base = f"{stamp(received_at)}_{tag}_{safe_name(name)}"
    if n:
        stem, suffix = os.path.splitext(base)
        return f"{stem}_{n}{suffix}"
    return base


def move(src: Path, dest: Path) -> None:
    """Rename without overwriting (we hold the run lock; only an outsider could race us here). A symlink is
    moved as the link itself: rename never follows it."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(dest):
        raise FileExistsError(f"{dest}: already exists, not overwriting")
    os.rename(src, dest)
