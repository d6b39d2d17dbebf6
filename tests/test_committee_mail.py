"""The committee's mail over a real SMTP server on localhost: the sheet to each member with an address
(`committee sheet --send`), and at `finalize` each agency's own final result and the office's workbook."""

from __future__ import annotations

import email
import os
import time
from decimal import Decimal
from email import policy
from pathlib import Path

import factory
from mailserver import RecordingHandler, smtp_server
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline.cli import app

OFFICE = "office@gwangju.example.go.kr"


def home(tmp_path: Path, port: int) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    members = '\n[[committee.members]]\nname = "위원A"\nemail = "a@committee.example.kr"\n'
    members += '\n[[committee.members]]\nname = "위원B"\n'  # no address: not mailed
    mail = (
        f'\n[mail]\ntransport = "smtp"\nto = ["{OFFICE}"]\n'
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
    )
    text = factory.CONFIG_TOML + "\n[batch]\nmin_file_age_seconds = 0\n" + mail + members
    (h / "pipeline.toml").write_text(text, encoding="utf-8")
    inbox = h / "inbox"
    inbox.mkdir()
    path = factory.write(inbox / "gj01.xlsx")
    old = time.time() - 120
    os.utime(path, (old, old))
    return h


def parsed(handler: RecordingHandler) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(r.data, policy=policy.default) for r in handler.received]


def test_the_sheet_to_members_and_the_final_results_to_agencies_and_office(tmp_path: Path) -> None:
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        h = home(tmp_path, server.port)
        assert CliRunner().invoke(app, ["run", "--home", str(h)]).exit_code == 0
        handler.received.clear()  # the night's receipt and report

        sent = CliRunner().invoke(app, ["committee", "sheet", "--home", str(h), "--send"])
        assert sent.exit_code == 0, sent.output
        (sheet_mail,) = parsed(handler)
        assert handler.received[0].rcpt_tos == ["a@committee.example.kr"]
        (attachment,) = list(sheet_mail.iter_attachments())
        xlsx = tmp_path / "got.xlsx"
        xlsx.write_bytes(attachment.get_content())
        assert load_workbook(xlsx).worksheets[0].cell(5, 1).value == factory.CODE
        handler.received.clear()

        done = CliRunner().invoke(app, ["finalize", "--home", str(h), "--date", "2025-12-20", "--force"])
        assert done.exit_code == 0, done.output
    by_rcpt = {tuple(r.rcpt_tos): m for r, m in zip(handler.received, parsed(handler), strict=True)}
    assert set(by_rcpt) == {("gj01@example.go.kr",), (OFFICE,)}  # GJ02 submitted nothing: no result to send
    agency = by_rcpt[("gj01@example.go.kr",)]
    body = agency.get_body(("plain",)).get_content()
    assert "2025-12-20" in agency["Subject"] and "총점 72.33점" in body and "- 6 " in body
    (page,) = list(agency.iter_attachments())  # its one-page result (기관별 결과표), as the night writes it
    assert page.get_filename() == f"{factory.CODE}_{factory.NAME}_결과.xlsx"
    (tmp_path / "page.xlsx").write_bytes(page.get_content())
    texts = [v for row in load_workbook(tmp_path / "page.xlsx").worksheets[0].iter_rows(values_only=True) for v in row]
    assert Decimal("72.33") in texts or 72.33 in texts
    office = by_rcpt[(OFFICE,)]
    assert [a.get_filename() for a in office.iter_attachments()][0].endswith(".xlsx")
