"""Messages as a real client sees them: sent through SmtpTransport to a real SMTP server on 127.0.0.1 and parsed
back with the stdlib `email` package."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mailserver import (
    Authenticator,
    RecordingHandler,
    SelfSigned,
    make_config,
    make_self_signed,
    make_xlsx,
    read_xlsx,
    smtp_server,
)

from pipeline.core.findings import CATALOGUE
from pipeline.core.model import AgencyResult, CityResult, FindingRow, SubmissionRecord
from pipeline.core.printable import printable
from pipeline.mail import outbox as delivery
from pipeline.mail.messages import feedback_message, receipt_message, reminder_message, reminders_due, report_message
from pipeline.mail.mime import (
    XLSX_TYPE,
    ascii_fallback,
    attachment_part,
    clean_header,
    encode_header,
    envelope,
    serialize,
)
from pipeline.mail.transports import FileTransport, SmtpTransport, StartTLSRequired, TransportSetupError, make_transport

REPORT_NAME = "2024년_공공기관_성과평가_결과.xlsx"
REPORT_ASCII = "evaluation-2024-results.xlsx"


# --- fixtures -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def cert(tmp_path_factory) -> SelfSigned:
    return make_self_signed(tmp_path_factory.mktemp("tls"))


def city() -> CityResult:
    return CityResult(
        year=2024,
        agencies=(
            AgencyResult("GMRT", "광주도시철도공사", "공사·공단", "교통정책과", "accepted",
                         total=Decimal("92.50"), grade="S", rank=1, excellent=True),
            AgencyResult("GGCA", "광주그린카진흥원", "출자·출연기관", "미래차산업과", "rejected"),
            AgencyResult("GCF", "광주문화재단", "출자·출연기관", "문화정책과", "missing"),
        ),
    )  # fmt: skip


def rejected_record() -> SubmissionRecord:
    return SubmissionRecord(
        received_at=datetime(2024, 12, 10, 21, 5),
        file_name="그린카_성과실적.xlsx",
        sha256="ab" * 32,
        agency_code="GGCA",
        outcome="rejected",
        errors=2,
        warnings=1,
    )


def findings() -> list[FindingRow]:
    return [
        FindingRow("그린카_성과실적.xlsx", "GGCA", "W201", "warning", "성과목표", "K9", "실적치", "0",
                   "실적치가 0입니다", "확인해 주십시오"),
        FindingRow("그린카_성과실적.xlsx", "GGCA", "E102", "error", "성과목표", "J7", "목표치", "",
                   "목표치가 비어 있습니다", "숫자를 입력하십시오"),
    ]  # fmt: skip


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def naive_filename(part) -> str | None:
    """What a client that ignores RFC 2231 reads: the plain `filename="…"` parameter, nothing else."""
    raw = " ".join(v for k, v in part.raw_items() if k.lower() == "content-disposition")
    m = re.search(r'(?:^|;)\s*filename="([^"]*)"', raw)
    return m.group(1) if m else None


def send_one(db, transport, message, kind="report", agency=None, retries=0) -> delivery.DeliverySummary:
    delivery.enqueue(db, ("test", kind, agency), message, "run-1", kind, agency)
    return delivery.send_pending(db, transport, retries=retries, sleep=lambda s: None)


# --- the report, end to end over SMTP -------------------------------------------------------------------------
def test_report_over_smtp_korean_subject_attachment_names_and_workbook(config, db):
    workbook = make_xlsx([("기관", "총점", "등급"), ("광주도시철도공사", 92.5, "S")])
    msg = report_message(config, city(), [rejected_record()], workbook, REPORT_NAME, REPORT_ASCII, "ko")
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        transport = SmtpTransport(make_config(config.home, port=server.port).mail.smtp)
        summary = send_one(db, transport, msg)

    assert (summary.sent, summary.temporary, summary.permanent) == (1, 0, 0)
    [got] = handler.received
    assert got.mail_from == "evaluation@gwangju.example.go.kr"
    assert got.rcpt_tos == ["office@gwangju.example.go.kr"]
    received = parse(got.data)
    assert received["Subject"] == "[2024년 공공기관 성과창출 평가] 평가 결과 보고: 제출 1/3개 기관"
    assert received["Message-ID"] and received["Date"]
    assert got.data.isascii(), "7-bit clean: no relay needs 8BITMIME"

    body = received.get_body(("plain",)).get_content()
    assert "접수 1, 반려 1, 미제출 1" in body
    assert "- 광주도시철도공사: 총점 92.50점, S등급" in body
    assert "- 광주그린카진흥원 (반려)" in body and "- 광주문화재단 (미제출)" in body
    assert "- 그린카_성과실적.xlsx (광주그린카진흥원): 오류 2건, 경고 1건" in body

    [part] = received.iter_attachments()
    assert part.get_content_type() == XLSX_TYPE
    assert part.get_filename() == REPORT_NAME  # RFC 2231 filename*, decoded
    assert naive_filename(part) == REPORT_ASCII  # what a client ignoring RFC 2231 shows
    assert part.get_content() == workbook
    assert read_xlsx(part.get_content()) == [("기관", "총점", "등급"), ("광주도시철도공사", 92.5, "S")]


def test_report_in_english(config):
    msg = report_message(config, city(), [], make_xlsx([("x",)]), REPORT_NAME, REPORT_ASCII, "en")
    assert msg["Subject"] == "[2024년 공공기관 성과창출 평가] Evaluation report: 1 of 3 agencies submitted"
    body = msg.get_body(("plain",)).get_content()
    assert "1 accepted, 1 rejected, 1 not submitted" in body
    assert "Files rejected in this run: none" in body


@pytest.mark.parametrize(
    ("outcomes", "ko", "listed"),
    [
        ((), "이번 실행: 접수 0, 반려 0, 중복 0", 0),
        (("accepted", "accepted"), "이번 실행: 접수 2, 반려 0, 중복 0", 0),
        (("accepted", "rejected", "duplicate"), "이번 실행: 접수 1, 반려 1, 중복 1", 1),
        (("rejected", "rejected"), "이번 실행: 접수 0, 반려 2, 중복 0", 2),
    ],
)
def test_the_report_tells_this_runs_outcomes_and_lists_its_rejections(config, outcomes, ko, listed):
    """The files the run passes are the report's only news: nothing of an earlier run is listed again."""
    files = [replace(rejected_record(), outcome=o, file_name=f"{i}_{o}.xlsx") for i, o in enumerate(outcomes)]
    body = report_message(config, city(), files, b"PK", REPORT_NAME, REPORT_ASCII, "ko").get_body(("plain",))
    lines = body.get_content().splitlines()
    assert ko in lines
    assert len([line for line in lines if line.startswith("- ") and "_rejected.xlsx" in line]) == listed
    assert ("이번 실행에서 반려된 파일: 없음" in lines) == (listed == 0)


def test_report_needs_an_office_address(tmp_path):
    with pytest.raises(ValueError, match=r"\[mail\]\.to"):
        report_message(make_config(tmp_path, to=()), city(), [], b"", REPORT_NAME, REPORT_ASCII, "ko")


def test_long_korean_file_name_is_continued_and_lines_stay_short():
    name = "2024년_광주광역시_공공기관_성과창출_평가결과_피드백_광주도시철도공사_최종본.xlsx"
    part = attachment_part(b"PK\x03\x04", name, "GMRT-feedback.xlsx")
    data = part.as_bytes(policy=email.policy.SMTP)
    assert b"filename*0*=utf-8''" in data and b"filename*1*=" in data
    # every line within 78 columns, except the media type, which has no place to fold
    assert max(len(line) for line in data.split(b"\r\n") if not line.startswith(b"Content-Type:")) <= 78
    back = parse(data)
    assert back.get_filename() == name
    assert naive_filename(back) == "GMRT-feedback.xlsx"


# --- feedback, receipt, reminder ------------------------------------------------------------------------------
def test_feedback_goes_to_the_registered_address_with_findings(config, db):
    agency = config.agency("GGCA")
    workbook = make_xlsx([("검토결과",), ("성과목표!J7", "목표치가 비어 있습니다")])
    msg = feedback_message(config, agency, rejected_record(), findings(), workbook, "그린카_피드백.xlsx", "ko")
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        summary = send_one(db, SmtpTransport(make_config(config.home, port=server.port).mail.smtp), msg,
                           "feedback", "GGCA")  # fmt: skip
    assert summary.sent == 1
    [got] = handler.received
    assert got.rcpt_tos == ["eval@greencar.example.kr"]
    received = parse(got.data)
    assert received["To"].addresses[0].addr_spec == "eval@greencar.example.kr"
    assert received["To"].addresses[0].display_name == "광주그린카진흥원"
    assert (
        received["Subject"]
        == "[2024년 공공기관 성과창출 평가] 제출 파일 반려 안내: 광주그린카진흥원 (그린카_성과실적.xlsx)"
    )
    body = received.get_body(("plain",)).get_content()
    assert "오류 2건, 경고 1건" in body and "제출 마감: 2024-12-20" in body
    # errors first, each naming its cell, with the fix
    assert body.index("- 성과목표!J7 [오류] 목표치가 비어 있습니다") < body.index(
        "- 성과목표!K9 [경고] 실적치가 0입니다"
    )
    assert "  고치는 방법: 숫자를 입력하십시오" in body
    [part] = received.iter_attachments()
    assert part.get_filename() == "그린카_피드백.xlsx"
    assert naive_filename(part) == "GGCA-feedback.xlsx"
    assert read_xlsx(part.get_content())[1] == ("성과목표!J7", "목표치가 비어 있습니다")


def test_receipt_states_the_provisional_score(config):
    agency = config.agency("GMRT")
    record = SubmissionRecord(datetime(2024, 12, 1, 9, 0), "도시철도.xlsx", "cd" * 32, "GMRT", "accepted")
    result = AgencyResult("GMRT", "광주도시철도공사", "공사·공단", "교통정책과", "accepted",
                          total=Decimal("88.25"), grade="A", provisional=True)  # fmt: skip
    msg = receipt_message(config, agency, record, result, "ko")
    assert msg["Subject"] == "[2024년 공공기관 성과창출 평가] 제출 접수 확인: 광주도시철도공사"
    assert envelope(msg) == ("evaluation@gwangju.example.go.kr", ["eval@grtc.example.kr"])
    body = msg.get_body(("plain",)).get_content()
    assert "잠정 총점: 88.25점 (A등급)" in body and "바뀔 수 있습니다" in body
    assert not list(msg.iter_attachments())
    en = receipt_message(config, agency, record, result, "en")
    assert "Provisional total: 88.25 (grade A)" in en.get_body(("plain",)).get_content()


def test_reminder_carries_the_prefilled_template(config):
    template = make_xlsx([("기관코드", "GCF")])
    msg = reminder_message(config, config.agency("GCF"), 3, template, "광주문화재단_서식.xlsx", "ko")
    back = parse(serialize(msg))
    assert back["Subject"] == "[2024년 공공기관 성과창출 평가] 성과 실적 제출 마감 3일 전 안내: 광주문화재단"
    assert "마감은 2024-12-20입니다" in back.get_body(("plain",)).get_content()
    [part] = back.iter_attachments()
    assert (part.get_filename(), naive_filename(part)) == ("광주문화재단_서식.xlsx", "GCF-template.xlsx")
    assert read_xlsx(part.get_content()) == [("기관코드", "GCF")]
    today = reminder_message(config, config.agency("GCF"), 0, template, "서식.xlsx", "en")
    assert today["Subject"] == "[2024년 공공기관 성과창출 평가] Submission deadline is today: 광주문화재단"


def test_reminders_due_from_n_days_before_until_the_deadline(config):
    # deadline 2024-12-20, remind_days_before 7: 12-13 … 12-20 inclusive
    codes = lambda agencies: [a.code for a in agencies]  # noqa: E731
    assert reminders_due(config, date(2024, 12, 12), set(), set()) == []
    assert codes(reminders_due(config, date(2024, 12, 13), set(), set())) == ["GMRT", "GGCA", "GCF"]
    assert codes(reminders_due(config, date(2024, 12, 20), {"GMRT"}, set())) == ["GGCA", "GCF"]
    assert codes(reminders_due(config, date(2024, 12, 18), {"GMRT"}, {"GCF"})) == ["GGCA"]
    assert reminders_due(config, date(2024, 12, 21), set(), set()) == []


def test_no_reminders_without_a_deadline(config):
    from dataclasses import replace

    no_deadline = replace(config, calendar=replace(config.calendar, results_deadline=None))
    assert reminders_due(no_deadline, date(2024, 12, 19), set(), set()) == []


# --- header injection -----------------------------------------------------------------------------------------
def test_crlf_in_agency_name_does_not_create_a_header(tmp_path, db):
    config = make_config(tmp_path, agency_name="광주도시철도공사\r\nBcc: thief@evil.example\r\nX-Injected: 1")
    record = SubmissionRecord(datetime(2024, 12, 1), "a\r\nCc: x@evil.example.xlsx", "ef" * 32, "GMRT", "rejected")
    msg = feedback_message(config, config.agency("GMRT"), record, [], make_xlsx([("x",)]), "피드백\r\n.xlsx", "ko")
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        send_one(db, SmtpTransport(make_config(tmp_path, port=server.port).mail.smtp), msg, "feedback", "GMRT")
    [got] = handler.received
    assert got.rcpt_tos == ["eval@grtc.example.kr"]
    received = parse(got.data)
    assert received["Bcc"] is None and received["Cc"] is None and received["X-Injected"] is None
    assert "\n" not in received["Subject"] and "Bcc: thief@evil.example" in received["Subject"]
    assert received["To"].addresses[0].addr_spec == "eval@grtc.example.kr"


@given(st.text())
def test_any_text_becomes_one_header_line_that_decodes_back(text):
    cleaned = clean_header(text)
    assert "\r" not in cleaned and "\n" not in cleaned
    raw = f"Subject: {encode_header('Subject', text)}\r\n\r\n".encode("ascii")
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert parse(raw)["Subject"] == cleaned


@given(st.text(max_size=200), st.sampled_from(["ko", "en"]))
def test_any_agency_name_leaves_one_recipient_the_registered_one(tmp_path_factory, name, lang):
    config = make_config(tmp_path_factory.getbasetemp(), agency_name=name)
    msg = reminder_message(config, config.agency("GMRT"), 1, b"PK", "서식.xlsx", lang)
    back = parse(serialize(msg))
    assert [a.addr_spec for a in back["To"].addresses] == ["eval@grtc.example.kr"]
    assert back["Bcc"] is None and back["Cc"] is None
    assert envelope(back)[1] == ["eval@grtc.example.kr"]
    assert back["Subject"] == msg["Subject"] and " ".join(printable(name).split()) in back["Subject"]


def test_ascii_fallback():
    assert ascii_fallback("광주도시철도공사.xlsx", "GMRT.xlsx") == "GMRT.xlsx"
    assert ascii_fallback("results 2024 final.xlsx", "x.xlsx") == "results_2024_final.xlsx"
    assert ascii_fallback("Résumé.xlsx", "x.xlsx") == "Resume.xlsx"


# --- transports: TLS and login --------------------------------------------------------------------------------
def test_starttls_with_self_signed_cert_and_password_from_env(config, db, cert):
    handler = RecordingHandler()
    auth = Authenticator("batch", "s3cret")
    with smtp_server(handler, tls_context=cert.server_context(), authenticator=auth, auth_require_tls=True) as server:
        settings = make_config(config.home, port=server.port, security="starttls", username="batch",
                               password_env="EVAL_SMTP_PASSWORD").mail.smtp  # fmt: skip
        transport = SmtpTransport(settings, env={"EVAL_SMTP_PASSWORD": "s3cret"}, ssl_context=cert.client_context())
        msg = reminder_message(config, config.agency("GCF"), 2, make_xlsx([("x",)]), "서식.xlsx", "ko")
        summary = send_one(db, transport, msg, "reminder", "GCF")
    assert summary.sent == 1
    assert auth.tried == [("batch", "s3cret")]
    [got] = handler.received
    assert got.tls, "the message went over the STARTTLS-protected session"
    assert parse(got.data)["Subject"].endswith("마감 2일 전 안내: 광주문화재단")


def test_starttls_required_but_not_offered_sends_nothing(config, db):
    handler = RecordingHandler()
    auth = Authenticator("batch", "s3cret")
    with smtp_server(handler, authenticator=auth, auth_require_tls=False) as server:
        settings = make_config(config.home, port=server.port, security="starttls", username="batch",
                               password_env="PW").mail.smtp  # fmt: skip
        transport = SmtpTransport(settings, env={"PW": "s3cret"})
        with pytest.raises(StartTLSRequired, match="does not offer STARTTLS"):
            transport.send("k", "a@example.kr", ["b@example.kr"], b"Subject: x\r\n\r\nx\r\n")
        msg = receipt_message(config, config.agency("GMRT"),
                              SubmissionRecord(datetime(2024, 12, 1), "f.xlsx", "00" * 32, "GMRT", "accepted"),
                              AgencyResult("GMRT", "광주도시철도공사", "공사·공단", "", "accepted"), "ko")  # fmt: skip
        key = delivery.enqueue(db, ("r",), msg, "run-1", "receipt", "GMRT")
        summary = delivery.send_pending(db, transport, retries=3, sleep=pytest.fail)
    assert handler.received == [] and handler.rcpt_commands == 0
    assert auth.tried == [], "no password was given to a server without TLS"
    assert summary.temporary == 1 and summary.sent == 0 and "STARTTLS" in summary.problems[0]
    assert db.execute("SELECT status FROM messages WHERE key = ?", (key,)).fetchone() == ("pending",)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # the server's choice here
def test_sender_refused_for_want_of_login_leaves_messages_pending(config, db):
    handler = RecordingHandler()
    with smtp_server(handler, authenticator=Authenticator("u", "p"), auth_required=True,
                     auth_require_tls=False) as server:  # fmt: skip
        transport = SmtpTransport(make_config(config.home, port=server.port).mail.smtp)  # no username configured
        msg = reminder_message(config, config.agency("GCF"), 2, make_xlsx([("x",)]), "서식.xlsx", "ko")
        key = delivery.enqueue(db, ("r",), msg, "run-1", "reminder", "GCF")
        summary = delivery.send_pending(db, transport, retries=3, sleep=pytest.fail)
    assert handler.received == []
    assert summary.temporary == 1 and summary.permanent == 0 and "530" in summary.problems[0]
    assert db.execute("SELECT status FROM messages WHERE key = ?", (key,)).fetchone() == ("pending",)


def test_untrusted_certificate_is_a_setup_error(config, cert):
    handler = RecordingHandler()
    with smtp_server(handler, tls_context=cert.server_context()) as server:
        settings = make_config(config.home, port=server.port, security="starttls").mail.smtp
        transport = SmtpTransport(settings)  # system trust store: does not know our self-signed cert
        with pytest.raises(TransportSetupError, match="certificate"):
            transport.send("k", "a@example.kr", ["b@example.kr"], b"Subject: x\r\n\r\nx\r\n")
    assert handler.received == []


def test_implicit_tls(config, cert):
    handler = RecordingHandler()
    with smtp_server(handler, ssl_context=cert.server_context()) as server:
        settings = make_config(config.home, port=server.port, security="ssl").mail.smtp
        with SmtpTransport(settings, ssl_context=cert.client_context()) as transport:
            refused = transport.send("k", "a@example.kr", ["b@example.kr"], b"Subject: x\r\n\r\nhello\r\n")
    assert refused == {}
    assert [r.rcpt_tos for r in handler.received] == [["b@example.kr"]]


def test_missing_password_variable_is_a_setup_error(config):
    settings = make_config(config.home, port=1, security="starttls", username="batch", password_env="NOPE").mail.smtp
    transport = SmtpTransport(settings, env={})
    with pytest.raises(TransportSetupError, match="NOPE"):
        transport._password()


def test_no_password_over_an_unencrypted_connection(config):
    handler = RecordingHandler()
    with smtp_server(handler) as server:
        settings = make_config(config.home, port=server.port, security="none", username="batch",
                               password_env="PW").mail.smtp  # fmt: skip
        with pytest.raises(TransportSetupError, match="unencrypted"):
            SmtpTransport(settings, env={"PW": "x"}).send("k", "a@example.kr", ["b@example.kr"], b"x\r\n")
    assert handler.received == []


# --- file transport -------------------------------------------------------------------------------------------
def test_file_transport_writes_parseable_eml(config, db, tmp_path):
    mail_dir = tmp_path / "outbox" / "2024-12-10" / "mail"
    transport = make_transport(replace_transport(config, "file"), mail_dir)
    assert isinstance(transport, FileTransport)
    workbook = make_xlsx([("기관", "총점"), ("광주도시철도공사", 92.5)])
    msg = report_message(config, city(), [], workbook, REPORT_NAME, REPORT_ASCII, "ko")
    key = delivery.enqueue(db, ("state", "s1"), msg, "run-1", "report", None)
    assert delivery.send_pending(db, transport, retries=0).sent == 1
    files = sorted(p.name for p in mail_dir.iterdir())
    assert files == [f"{key}.eml"], "one file per message, no temporary files left"
    back = parse((mail_dir / f"{key}.eml").read_bytes())
    assert back["Subject"].startswith("[2024년 공공기관 성과창출 평가] 평가 결과 보고")
    [part] = back.iter_attachments()
    assert part.get_filename() == REPORT_NAME
    assert read_xlsx(part.get_content())[1] == ("광주도시철도공사", 92.5)


def test_make_transport_picks_smtp(config, tmp_path):
    assert isinstance(make_transport(config, tmp_path), SmtpTransport)


def replace_transport(config, transport: str):
    from dataclasses import replace

    return replace(config, mail=replace(config.mail, transport=transport))


def test_eml_path_is_inside_the_folder(tmp_path: Path):
    FileTransport(tmp_path / "m").send("abc", "a@x.kr", ["b@x.kr"], b"Subject: x\r\n\r\nx\r\n")
    assert (tmp_path / "m" / "abc.eml").read_bytes() == b"Subject: x\r\n\r\nx\r\n"


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("code", list(CATALOGUE))
def test_a_finding_in_the_feedback_mail_names_its_place_once(config, code, lang):
    """`성과목표!Q8 [오류] 성과목표!Q8: …` said the place twice: the line names it once, then the message."""
    from test_findings import sample

    found = sample(code)
    row = FindingRow("그린카_성과실적.xlsx", "GGCA", **found.to_dict(lang))
    msg = feedback_message(config, config.agency("GGCA"), rejected_record(), [row], b"PK", "x.xlsx", lang)
    body = msg.get_body(("plain",)).get_content()
    [line] = [line for line in body.splitlines() if line.startswith("- ")]
    place = found.ref or found.code
    assert line.startswith(f"- {place} [") and f"] {place}: " not in line
