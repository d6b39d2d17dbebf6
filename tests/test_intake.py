"""Picking files from the inbox: what is taken, left, ignored or rejected, and how it is moved."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.intake import inbox as intake
from pipeline.intake.inbox import IGNORE, REJECT, TAKE, WAIT

KST = timezone(timedelta(hours=9))
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=KST)
OLD = NOW.timestamp() - 3600
MAX = 1000


def drop(folder: Path, name: str, data: bytes = b"PK\x03\x04 data", mtime: float = OLD) -> Path:
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return path


def verdict(path: Path, min_age: float = 60, max_bytes: int = MAX) -> intake.Verdict:
    entry = intake.entry_of(path)
    assert entry is not None
    return intake.classify(entry, NOW, min_age, max_bytes)


@pytest.mark.parametrize("name", ["보고서.xlsx", "report.XLSX", "매크로 포함.xlsm", 'it\'s "final" v2.xlsx'])
def test_workbooks_are_taken(tmp_path: Path, name: str) -> None:
    assert verdict(drop(tmp_path, name)).action == TAKE


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("~$보고서.xlsx", "lock_file"),
        (".~lock.보고서.xlsx#", "hidden"),
        (".DS_Store", "hidden"),
        ("tmp8a7f3c", "no_extension"),
        ("보고서.xlsx.part", "temporary"),
        ("보고서.xlsx~", "temporary"),
    ],
)
def test_lock_hidden_and_temporary_files_are_left_alone(tmp_path: Path, name: str, reason: str) -> None:
    v = verdict(drop(tmp_path, name))
    assert (v.action, v.reason) == (IGNORE, reason)


def test_a_folder_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "sub.xlsx").mkdir()
    assert verdict(tmp_path / "sub.xlsx").reason == "folder"


@pytest.mark.parametrize("name", ["보고서.xls", "data.csv", "보고서.hwp", "scan.pdf", "book.xlsb"])
def test_other_extensions_are_rejected_with_a_reason(tmp_path: Path, name: str) -> None:
    v = verdict(drop(tmp_path, name))
    assert v.action == REJECT
    assert v.finding is not None and v.finding.code == "file.not_xlsx"
    assert Path(name).suffix in v.finding.message("ko")


def test_a_young_file_waits_for_the_next_run(tmp_path: Path) -> None:
    young = drop(tmp_path, "a.xlsx", mtime=NOW.timestamp() - 10)
    assert verdict(young).action == WAIT
    assert verdict(young, min_age=5).action == TAKE


def test_a_file_from_the_future_waits(tmp_path: Path) -> None:
    """A clock skew on the copying machine must not make a half-copied file look old."""
    assert verdict(drop(tmp_path, "a.xlsx", mtime=NOW.timestamp() + 300), min_age=0).action == WAIT


def test_a_file_over_the_limit_is_rejected(tmp_path: Path) -> None:
    v = verdict(drop(tmp_path, "big.xlsx", b"x" * (MAX + 1)))
    assert v.action == REJECT and v.finding.code == "file.too_large"
    assert verdict(drop(tmp_path, "fits.xlsx", b"x" * MAX)).action == TAKE


def test_a_symlink_is_rejected_and_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(b"outside the inbox")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    link = inbox / "link.xlsx"
    link.symlink_to(secret)
    v = verdict(link)
    assert v.action == REJECT and v.finding.code == "file.symlink" and v.finding.value == ""
    assert "symbolic link" in v.finding.message("en") and "심볼릭 링크" in v.finding.message("ko")
    entry = intake.entry_of(link)
    assert entry.kind == intake.KIND_SYMLINK
    assert intake.sha256_of(entry) == ""  # the target's content is never read


def test_a_fifo_is_rejected_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    os.utime(fifo, (OLD, OLD), follow_symlinks=False)
    v = verdict(fifo)
    assert v.action == REJECT and v.finding.code == "file.special" and "Not a regular file" in v.finding.message("en")


def test_scan_orders_oldest_first(tmp_path: Path) -> None:
    drop(tmp_path, "b.xlsx", mtime=OLD + 20)
    drop(tmp_path, "a.xlsx", mtime=OLD + 10)
    drop(tmp_path, "c.xlsx", mtime=OLD)
    assert [e.name for e in intake.scan(tmp_path)] == ["c.xlsx", "a.xlsx", "b.xlsx"]


def test_scan_survives_names_that_are_not_utf8(tmp_path: Path) -> None:
    raw = b"\xb0\xe8\xc8\xb9.xlsx"  # EUC-KR bytes of 계획, as an old Windows share may write them
    with open(os.path.join(os.fsencode(tmp_path), raw), "wb") as fh:
        fh.write(b"x")
    (entry,) = intake.scan(tmp_path)
    assert entry.raw == raw
    assert entry.name.startswith("\\xb0\\xe8") and entry.name.endswith(".xlsx")  # readable, escaped
    assert entry.path.exists()


def test_a_file_that_changes_is_noticed(tmp_path: Path) -> None:
    path = drop(tmp_path, "a.xlsx")
    entry = intake.entry_of(path)
    assert intake.unchanged(entry)
    with open(path, "ab") as fh:
        fh.write(b"more")
    assert not intake.unchanged(entry)


def test_a_file_replaced_after_the_look_is_not_hashed(tmp_path: Path) -> None:
    path = drop(tmp_path, "a.xlsx")
    entry = intake.entry_of(path)
    path.unlink()
    drop(tmp_path, "a.xlsx", b"another file")
    assert intake.sha256_of(entry) is None


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("2026 성과계획 '최종'.xlsx", "2026 성과계획 '최종'.xlsx"),
        ("a\r\nb\t.xlsx", "a__b_.xlsx"),
        ("evil\u202excod.xlsx", "evil_xcod.xlsx"),
        ("c1\x85csi\x9b31m.xlsx", "c1_csi_31m.xlsx"),  # C1 controls (NEL, CSI) act on terminals too
        ("a\u2028b\u2029c.xlsx", "a_b_c.xlsx"),  # line and paragraph separators break a listing's line
        ("..", "_"),
        ("", "_"),
    ],
)
def test_safe_names_keep_what_people_wrote(name: str, safe: str) -> None:
    assert intake.safe_name(name) == safe


def test_a_long_name_is_shortened_keeping_its_extension() -> None:
    name = "가" * 300 + ".xlsx"
    safe = intake.safe_name(name)
    assert safe.endswith(".xlsx") and len(safe.encode()) <= intake.MAX_NAME_BYTES


def test_nfd_hangul_from_a_mac_becomes_nfc() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "보고서.xlsx")
    assert intake.safe_name(nfd) == "보고서.xlsx"
    assert intake.display_name(nfd.encode()) == "보고서.xlsx"


def test_dest_name_holds_time_hash_and_name() -> None:
    assert intake.dest_name(NOW, "ab" * 32, "file", "보고서.xlsx") == "20261201T020000_abababab_보고서.xlsx"
    assert intake.dest_name(NOW, "ab" * 32, "file", "보고서.xlsx", 2) == "20261201T020000_abababab_보고서_2.xlsx"
    assert intake.dest_name(NOW, "", "symlink", "l.xlsx") == "20261201T020000_symlink_l.xlsx"


def test_move_never_overwrites(tmp_path: Path) -> None:
    src = drop(tmp_path, "a.xlsx", b"new")
    dest = tmp_path / "archive" / "X" / "a.xlsx"
    intake.move(src, dest)
    assert dest.read_bytes() == b"new" and not src.exists()
    again = drop(tmp_path, "a.xlsx", b"other")
    with pytest.raises(FileExistsError):
        intake.move(again, dest)
    assert dest.read_bytes() == b"new" and again.exists()


def test_move_takes_the_link_itself(tmp_path: Path) -> None:
    target = drop(tmp_path, "target.xlsx", b"outside")
    link = tmp_path / "link.xlsx"
    link.symlink_to(target)
    dest = tmp_path / "rejected" / "link.xlsx"
    intake.move(link, dest)
    assert dest.is_symlink() and target.read_bytes() == b"outside" and target.exists()
