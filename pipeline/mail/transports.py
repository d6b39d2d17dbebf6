"""Handing a message's recorded bytes to the world: `.eml` files (the default) or an SMTP server.

A transport sends exactly the bytes the outbox recorded (`mime.serialize`), never a re-serialisation, so what the
ledger holds is what the server gets.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from pipeline.settings.schema import Config, Smtp
from pipeline.system.atomic import write_bytes_atomically

Refused = dict[str, tuple[int, bytes]]
"""Recipients the server refused while accepting the message for the others (smtplib's shape)."""


class TransportSetupError(Exception):
    """The session cannot be set up as configured (TLS, login): no message is tried, all stay pending."""


class StartTLSRequired(TransportSetupError):
    """`security = "starttls"` but the server does not offer it: we refuse to log in or send in clear text."""


class Transport(Protocol):
    def send(self, key: str, sender: str, recipients: Sequence[str], data: bytes) -> Refused:
        """Deliver `data`; return the refused recipients (empty when all accepted); raise when none accepted."""
        ...

    def close(self) -> None: ...


class FileTransport:
    """Writes each message as `<key>.eml`: the default, so a demo or a test needs no server.

    Written to a temporary file and renamed, so a reader (or a crash) never sees half a message; the same key
    overwrites the same file, so a resend after a crash leaves one file, not two.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, key: str, sender: str, recipients: Sequence[str], data: bytes) -> Refused:
        write_bytes_atomically(self.folder / f"{key}.eml", data)
        return {}

    def close(self) -> None:
        pass


class SmtpTransport:
    """SMTP submission with STARTTLS (required when configured), implicit TLS, or none.

    One session is opened lazily and reused for the following messages; any error closes it so that the next
    attempt starts from a clean connection. The password comes from the environment variable named in
    `password_env`; the TOML never holds it.
    """

    def __init__(
        self,
        settings: Smtp,
        env: Mapping[str, str] = os.environ,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
    ) -> None:
        if settings.security not in ("starttls", "ssl", "none"):
            raise ValueError(f"unknown security {settings.security!r}")
        self.settings = settings
        self.env = env
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _password(self) -> str:
        s = self.settings
        if not s.password_env:
            raise TransportSetupError("[mail.smtp].username is set but password_env names no environment variable")
        password = self.env.get(s.password_env, "")
        if not password:
            raise TransportSetupError(f"environment variable {s.password_env} (the SMTP password) is not set")
        return password

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        where = f"{s.host}:{s.port}"
        if s.username and s.security == "none":
            raise TransportSetupError(
                f'{where}: refusing to send the password over an unencrypted connection (security = "none"); '
                'use "starttls" or "ssl"'
            )
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, local_hostname=self.local_hostname, timeout=s.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, local_hostname=self.local_hostname, timeout=s.timeout)
        except ssl.SSLCertVerificationError as exc:
            raise TransportSetupError(f"{where}: server certificate not trusted: {exc.verify_message}") from exc
        except smtplib.SMTPConnectError as exc:
            if exc.smtp_code >= 500:
                raise TransportSetupError(f"{where}: server refuses connections: {_reply(exc)}") from exc
            raise
        try:
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise StartTLSRequired(
                        f"{where} does not offer STARTTLS, which [mail.smtp].security requires: "
                        "nothing was sent and no password was given"
                    )
                try:
                    smtp.starttls(context=self._context())
                except ssl.SSLCertVerificationError as exc:
                    raise TransportSetupError(f"{where}: server certificate not trusted: {exc.verify_message}") from exc
                smtp.ehlo()
            if s.username:
                password = self._password()
                if not smtp.has_extn("auth"):
                    raise TransportSetupError(f"{where} does not offer AUTH, but a username is configured")
                try:
                    smtp.login(s.username, password)
                except smtplib.SMTPAuthenticationError as exc:
                    raise TransportSetupError(f"{where}: login as {s.username} refused: {_reply(exc)}") from exc
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _session(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                self._smtp.noop()
            except (smtplib.SMTPException, OSError):
                self._drop()
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def send(self, key: str, sender: str, recipients: Sequence[str], data: bytes) -> Refused:
        """`sendmail` with the recorded bytes: `send_message` would serialise again and might differ.

        A 5xx to MAIL FROM (sender not allowed, "530 authentication required") is about our settings, not this
        message: it is raised as a setup error so that the messages stay pending instead of all failing.
        """
        try:
            return self._session().sendmail(sender, list(recipients), data)
        except smtplib.SMTPSenderRefused as exc:
            self._drop()
            if exc.smtp_code >= 500:
                raise TransportSetupError(f"sender {sender} refused: {_reply(exc)}") from exc
            raise
        except BaseException:
            self._drop()
            raise

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._drop()

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}"


def make_transport(config: Config, mail_dir: Path, env: Mapping[str, str] = os.environ) -> Transport:
    """`[mail].transport`: "file" writes .eml files into `mail_dir`, "smtp" talks to `[mail.smtp]`."""
    if config.mail.transport == "smtp":
        return SmtpTransport(config.mail.smtp, env=env)
    return FileTransport(mail_dir)
