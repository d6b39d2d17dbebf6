"""Who may submit for whom (issue 15 C 7): a workbook that claims another agency's code must not replace that
agency's submission unnoticed.

- With `[batch] agency_folders = true` every agency drops into `inbox/<code>/`; a file there that carries another
  code is rejected (`agency.folder_mismatch`) and told to the folder's agency. Files in the inbox root are taken
  as before (the office's own drop).
- Every accepted file sends a receipt to the registered address (`[mail] receipts`, on by default): an agency
  hears the same night of a file accepted in its name, whoever dropped it.
- A workbook whose e-mail is not the registered one gets a warning (`agency.email_not_registered`).
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from test_batch import NOW, agency_doc, eml_files, goals, ledger_rows, make_home, run, workbook
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.settings.load import load_config
from pipeline.system.clock import ENV_NOW

GMRT_MAIL = "eval@grtc.example.kr"  # the registered addresses of the example agencies (settings.render)
GGCA_MAIL = "eval@greencar.example.kr"


@pytest.fixture
def folders_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home made by `pipeline init --agency-folders`: the example agencies, a drop folder each."""
    monkeypatch.setenv(ENV_NOW, NOW)
    home = tmp_path / "home"
    result = CliRunner().invoke(app, ["init", str(home), "--agency-folders"])
    assert result.exit_code == 0, result.output
    text = (home / "pipeline.toml").read_text(encoding="utf-8")
    (home / "pipeline.toml").write_text(text.replace("min_file_age_seconds = 60", "min_file_age_seconds = 0"), "utf-8")
    return home


def mails(home: Path) -> list[EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in eml_files(home)]  # type: ignore[misc]


def receipts_to(home: Path, address: str) -> list[str]:
    """The bodies of the receipts sent to `address`."""
    return [
        m.get_body(("plain",)).get_content()
        for m in mails(home)
        if address in str(m["To"]) and "제출 접수 확인" in str(m["Subject"])
    ]


# --- init and template make the folders ------------------------------------------------------------------------
def test_init_with_agency_folders_makes_a_folder_per_agency_and_turns_the_check_on(folders_home: Path) -> None:
    assert sorted(p.name for p in (folders_home / "inbox").iterdir()) == ["GGCA", "GMRT"]
    assert load_config(folders_home).batch.agency_folders is True
    assert "agency_folders = false" in (Path(__file__).parents[1] / "pipeline.toml").read_text(encoding="utf-8")


def test_template_all_makes_the_folder_of_an_agency_registered_since(folders_home: Path) -> None:
    config = folders_home / "pipeline.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[agencies]]\ncode = "GJNEW"\nname = "새 기관"\ngroup = "공사·공단"\nemail = "new@example.kr"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["template", "--all", "--home", str(folders_home), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (folders_home / "inbox" / "GJNEW").is_dir()
    assert f"created {folders_home / 'inbox' / 'GJNEW'}/" in result.output
    again = CliRunner().invoke(app, ["template", "--all", "--force", "--home", str(folders_home)])
    assert again.exit_code == 0 and "inbox" not in again.output  # nothing new to make


# --- a file in an agency's folder speaks for that agency only --------------------------------------------------
SPOOFS = {
    # case: (the folder it is dropped in, the code the workbook carries)
    "another registered agency's code": ("GGCA", "GMRT"),
    "an unregistered code": ("GGCA", "XXXX"),
    "its own code in another agency's folder": ("GMRT", "GGCA"),
}


@pytest.mark.parametrize(("folder", "claimed"), list(SPOOFS.values()), ids=list(SPOOFS))
def test_a_file_in_an_agency_folder_carrying_another_code_is_rejected_and_replaces_nothing(
    folders_home: Path, capsys: pytest.CaptureFixture[str], folder: str, claimed: str
) -> None:
    workbook(folders_home, "GMRT/own.xlsx", agency="GMRT")
    workbook(folders_home, "GGCA/own.xlsx", agency="GGCA")
    run(folders_home, capsys)
    before = {code: agency_doc(folders_home, code)["submission"]["sha256"] for code in ("GMRT", "GGCA")}
    workbook(folders_home, f"{folder}/spoof.xlsx", agency=claimed, rows=goals(actual=9999))
    code, summary = run(folders_home, capsys)
    assert code == 0 and summary["counts"]["rejected"] == 1
    row = ledger_rows(folders_home)[-1]
    assert (row["original_name"], row["outcome"], row["agency"]) == ("spoof.xlsx", "rejected", folder)
    assert '"agency.folder_mismatch"' in row["findings"]
    assert f"inbox/{folder}/" in summary["files"][0]["reason"] and f"'{claimed}'" in summary["files"][0]["reason"]
    after = {code: agency_doc(folders_home, code)["submission"]["sha256"] for code in ("GMRT", "GGCA")}
    assert after == before  # nobody's submission was replaced
    assert not list((folders_home / "inbox").rglob("*.xlsx"))  # the folders are emptied like the root


def test_files_in_their_own_folder_and_in_the_root_are_taken(folders_home: Path, capsys) -> None:
    workbook(folders_home, "GMRT/own.xlsx", agency="GMRT")
    workbook(folders_home, "office drop.xlsx", agency="GGCA")  # the root: the office's own drop, as before
    code, summary = run(folders_home, capsys)
    assert code == 0 and summary["counts"]["accepted"] == 2
    assert {r["original_name"]: r["agency"] for r in ledger_rows(folders_home)} == {
        "own.xlsx": "GMRT",
        "office drop.xlsx": "GGCA",
    }
    assert sorted(p.name for p in (folders_home / "inbox").iterdir()) == ["GGCA", "GMRT"]  # not reported as ignored
    assert not [f for f in summary["files"] if f["outcome"] == "ignored"]


def test_a_mismatch_is_told_to_the_folders_agency(folders_home: Path, capsys) -> None:
    workbook(folders_home, "GGCA/spoof.xlsx", agency="GMRT")
    run(folders_home, capsys)
    [feedback] = [m for m in mails(folders_home) if GGCA_MAIL in str(m["To"])]
    assert "inbox/GGCA/" in feedback.get_body(("plain",)).get_content()
    assert not [m for m in mails(folders_home) if GMRT_MAIL in str(m["To"])]


# --- every accepted file sends a receipt to the registered address ---------------------------------------------
NIGHTS = {
    # case: the files of the night in the order received (name, workbook e-mail); every one claims GMRT
    "the agency's own file": [("own.xlsx", GMRT_MAIL)],
    "a spoof from another address": [("spoof.xlsx", "attacker@example.com")],
    "a spoof replaced later the same night": [("spoof.xlsx", "attacker@example.com"), ("own.xlsx", GMRT_MAIL)],
    "a spoof after the agency's own file": [("own.xlsx", GMRT_MAIL), ("spoof.xlsx", GMRT_MAIL)],
}


@pytest.mark.parametrize("night", list(NIGHTS.values()), ids=list(NIGHTS))
def test_every_accepted_file_sends_a_receipt_to_the_registered_address_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], night: list[tuple[str, str]]
) -> None:
    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    assert load_config(home).mail.receipts is True
    for i, (name, address) in enumerate(night):
        workbook(home, name, rows=goals(actual=3000 + i), info={"email": address}, mtime=1e9 + i)
    code, summary = run(home, capsys)
    assert code == 0 and summary["counts"]["accepted"] == len(night)
    bodies = receipts_to(home, GMRT_MAIL)
    assert len(bodies) == len(night)  # one per accepted file, to the registered address only
    assert not [m for m in mails(home) if "attacker" in str(m["To"])]
    assert all("보내지 않으셨다면" in b for b in bodies)  # who did not send it is asked to say so
    assert sum("대신하므로" in b for b in bodies) == len(night) - 1  # the replaced ones say so, without a score


# --- the workbook's e-mail is held to the registered one -------------------------------------------------------
EMAILS = {
    # case: (the e-mail in the workbook, is it warned about)
    "another address": ("someone@example.com", True),
    "a look-alike domain": ("eval@grtc.example.kr.evil.com", True),
    "the registered address": (GMRT_MAIL, False),
    "another case": ("EVAL@GRTC.example.KR", False),
    "with a display name": (f"담당자 <{GMRT_MAIL}>", False),
    "blank": (None, False),
}


@pytest.mark.parametrize(("address", "warned"), list(EMAILS.values()), ids=list(EMAILS))
def test_a_workbook_email_that_is_not_the_registered_one_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, address: str | None, warned: bool
) -> None:
    monkeypatch.setenv(ENV_NOW, NOW)
    home = make_home(tmp_path / "home")
    workbook(home, "f.xlsx", info={"email": address})
    run(home, capsys)
    [row] = ledger_rows(home)
    assert row["outcome"] == "accepted"  # a warning: the file counts
    assert ('"agency.email_not_registered"' in row["findings"]) is warned
    assert row["warnings"] == int(warned)
    if warned:
        result = CliRunner().invoke(
            app,
            ["validate", "--home", str(home), "--lang", "en", str(home / "archive" / "GMRT" / Path(row["dest"]).name)],
        )
        assert "agency.email_not_registered" in result.output and f"registered address ({GMRT_MAIL})" in result.output


@pytest.mark.parametrize("step", [2, 3, 4])  # killed after the intent, after the move, after done
def test_a_run_killed_while_taking_a_file_from_an_agency_folder_is_finished_by_the_next(
    folders_home: Path, step: int
) -> None:
    from test_crash import run as run_process

    from pipeline.exit_codes import Exit

    workbook(folders_home, "GMRT/own.xlsx", agency="GMRT")
    assert run_process(folders_home, crash_after=step).returncode == Exit.KILLED
    assert run_process(folders_home).returncode == 0
    [row] = ledger_rows(folders_home)
    assert (row["state"], row["agency"], bytes(row["source_raw"])) == ("done", "GMRT", b"GMRT/own.xlsx")
    assert [p.name for p in (folders_home / "archive" / "GMRT").iterdir()] == [Path(row["dest"]).name]
    assert not list((folders_home / "inbox").rglob("*.xlsx"))
