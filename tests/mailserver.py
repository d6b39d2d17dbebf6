"""A real SMTP server on 127.0.0.1 for the mail tests (aiosmtpd), scripted to answer what a test needs.

Nothing here mocks smtplib: the client under test speaks SMTP over a socket to this server, and the tests parse
the bytes the server received.
"""

from __future__ import annotations

import socket
import sqlite3
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool


@dataclass
class RecordingHandler:
    """Stores every accepted envelope; `data_replies` / `rcpt_replies` script non-250 answers, used up in order."""

    data_replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    rcpt_commands: int = 0
    data_commands: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        self.rcpt_commands += 1
        if self.rcpt_replies:
            reply = self.rcpt_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        self.data_commands += 1
        if self.data_replies:
            reply = self.data_replies.pop(0)
            if not reply.startswith("250"):
                return reply
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.ssl is not None)
        )
        return "250 OK queued"


@dataclass
class Authenticator:
    """Accepts one login; remembers what was tried so a test can see the password came from the environment."""

    username: str
    password: str
    tried: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.tried.append((login, password))
        return AuthResult(success=(login, password) == (self.username, self.password))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(handler: RecordingHandler, port: int | None = None, **kwargs) -> Iterator[Controller]:
    """A running aiosmtpd Controller on 127.0.0.1 and a free port; kwargs go to aiosmtpd (tls_context, …)."""
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@dataclass(frozen=True)
class SelfSigned:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """Trusts exactly this certificate, and still checks the host name (127.0.0.1 is in its SAN)."""
        return ssl.create_default_context(cafile=str(self.cert))


def make_self_signed(folder: Path) -> SelfSigned:
    """A throw-away certificate for 127.0.0.1 / localhost, made with the openssl command line."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return SelfSigned(cert, key)


# --- values shared by the mail tests ------------------------------------------------------------------------
CONFIG_TOML = """
[evaluation]
year = 2024
title = "2024년 공공기관 성과창출 평가"
deadline = 2024-12-20

[[agencies]]
code = "GMRT"
name = "광주도시철도공사"
group = "공사·공단"
supervising_dept = "교통정책과"
email = "eval@grtc.example.kr"

[[agencies]]
code = "GGCA"
name = "광주그린카진흥원"
group = "출자·출연기관"
supervising_dept = "미래차산업과"
email = "eval@greencar.example.kr"

[[agencies]]
code = "GCF"
name = "광주문화재단"
group = "출자·출연기관"
supervising_dept = "문화정책과"
email = "eval@gjcf.example.kr"

[mail]
transport = "smtp"
from = "evaluation@gwangju.example.go.kr"
to = ["office@gwangju.example.go.kr"]
remind_days_before = 7
"""


def make_config(home: Path, *, to: tuple[str, ...] | None = None, agency_name: str | None = None, **smtp):
    """The three-agency city of the tests; `smtp` overrides [mail.smtp] fields (host, port, security, …)."""
    from dataclasses import replace

    from pipeline.settings.load import parse_config

    config = parse_config(CONFIG_TOML, home=home)
    mail = replace(config.mail, smtp=replace(config.mail.smtp, **{"host": "127.0.0.1", "security": "none", **smtp}))
    if to is not None:
        mail = replace(mail, to=to)
    agencies = config.agencies
    if agency_name is not None:
        agencies = (replace(agencies[0], name=agency_name), *agencies[1:])
    return replace(config, mail=mail, agencies=agencies)


def make_xlsx(rows: list[tuple]) -> bytes:
    """A tiny real workbook (openpyxl), so the test can check the attachment opens and holds its rows."""
    from io import BytesIO

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "요약"
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def read_xlsx(data: bytes) -> list[tuple]:
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(data), read_only=True)
    return [tuple(r) for r in wb["요약"].iter_rows(values_only=True)]


# --- fixtures shared by the mail tests (registered in conftest.py) ------------------------------------------------
@pytest.fixture
def config(tmp_path: Path):
    """A home whose pipeline.toml sends mail through the SMTP settings `make_config` writes."""
    return make_config(tmp_path)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A WAL SQLite database with the mail outbox's tables: real SQLite, as the ledger is."""
    from pipeline.mail import outbox as delivery

    conn = sqlite3.connect(tmp_path / "ledger.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    delivery.ensure_schema(conn)
    yield conn
    conn.close()
