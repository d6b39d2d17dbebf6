"""`pipeline template --out`: where the templates go, and what is never overwritten by surprise.

A folder argument (one that exists, or a path ending in `/`) gets the usual file name(s); `--all` takes a folder
only. A file that exists is refused with one line and exit 73 unless `--force`, before anything is written; a
target that cannot be created (a file in the way, a folder of the same name) is one line and exit 73 too. Never a
traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.exit_codes import Exit
from pipeline.settings.home import init_home
from pipeline.settings.render import EXAMPLE_AGENCIES, render_config
from pipeline.template.workbook import TEMPLATE_FILE

MODES = {
    # mode: (extra arguments, the files it writes)
    "blank": ([], [TEMPLATE_FILE]),
    "one agency": (["--agency", "GMRT"], [f"GMRT_{TEMPLATE_FILE}"]),
    "every agency": (["--all"], sorted(f"{a.code}_{TEMPLATE_FILE}" for a in EXAMPLE_AGENCIES)),
}
FOLDERS: dict[str, Callable[[Path], str]] = {
    "existing folder": lambda home: str(_mkdir(home / "send")),
    "existing folder/": lambda home: str(_mkdir(home / "send")) + "/",
    "new folder/": lambda home: str(home / "new" / "send") + "/",
}


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    init_home(tmp_path, text=render_config(EXAMPLE_AGENCIES, year=2026, deadline="2026-12-15"))
    return tmp_path


def template(home: Path, *args: str):
    return CliRunner().invoke(app, ["template", "--home", str(home), *args])


def assert_refused(result, *words: str) -> None:
    assert result.exit_code == Exit.CANT_CREATE == 73, result.output
    assert result.stderr.startswith("pipeline: ") and result.stderr.count("\n") == 1, result.stderr
    assert all(w in result.stderr for w in words), result.stderr
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("folder", FOLDERS)
def test_a_folder_argument_gets_the_usual_file_names(home: Path, mode: str, folder: str) -> None:
    args, names = MODES[mode]
    out = FOLDERS[folder](home)
    result = template(home, *args, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in Path(out).iterdir()) == names
    assert Path(out.rstrip("/")).is_dir()


@pytest.mark.parametrize("mode", MODES)
def test_an_existing_file_is_refused_unless_force(home: Path, mode: str) -> None:
    args, names = MODES[mode]
    folder = home / "templates"
    first = folder / names[0]
    _mkdir(folder)
    first.write_bytes(b"the officer's own edits")
    result = template(home, *args)
    assert_refused(result, str(first), "이미 있습니다", "--force")
    assert first.read_bytes() == b"the officer's own edits"
    assert sorted(p.name for p in folder.iterdir()) == [first.name]  # nothing else written either
    forced = template(home, *args, "--force")
    assert forced.exit_code == 0, forced.output
    assert first.read_bytes().startswith(b"PK") and sorted(p.name for p in folder.iterdir()) == names


def test_a_named_file_that_exists_is_refused_unless_force(home: Path) -> None:
    out = home / "mine.xlsx"
    out.write_bytes(b"keep")
    assert_refused(template(home, "--agency", "GMRT", "--out", str(out)), "이미 있습니다")
    assert out.read_bytes() == b"keep"
    assert template(home, "--agency", "GMRT", "--out", str(out), "--force").exit_code == 0
    assert out.read_bytes().startswith(b"PK")


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "--force"])
def test_all_into_an_existing_file_is_refused(home: Path, force: list[str]) -> None:
    out = home / "templates.xlsx"
    out.write_bytes(b"keep")
    assert_refused(template(home, "--all", "--out", str(out), *force), "--all", "폴더")
    assert out.read_bytes() == b"keep"


TARGETS_IN_THE_WAY: dict[str, Callable[[Path], str]] = {
    "a file where the folder should be": lambda home: _file(home / "f") + "/sub/t.xlsx",
    "a file named as the folder argument's parent": lambda home: _file(home / "f") + "/t.xlsx",
    "a folder where the file should be": lambda home: str(_mkdir(home / "d" / TEMPLATE_FILE).parent) + "/",
}


def _file(path: Path) -> str:
    path.write_bytes(b"x")
    return str(path)


@pytest.mark.parametrize("case", TARGETS_IN_THE_WAY)
def test_a_target_that_cannot_be_created_is_one_line(home: Path, case: str) -> None:
    out = TARGETS_IN_THE_WAY[case](home)
    for force in ([], ["--force"]):
        assert_refused(template(home, "--out", out, *force), "만들 수 없습니다")
