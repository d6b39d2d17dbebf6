"""The MIME form of a message: 7-bit clean headers (RFC 2047), attachments whose Korean names survive in every
client (RFC 2231), the serialised bytes and the envelope taken from them.

Serialisation is 7-bit clean (RFC 2047 headers, base64 bodies) so that no relay needs 8BITMIME or SMTPUTF8.
"""

from __future__ import annotations

import base64
import email
import email.policy
import re
import unicodedata
from collections.abc import Sequence
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from urllib.parse import quote

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

POLICY = email.policy.SMTP
"""CRLF line ends and 78-column folding: the form that goes on the wire, and into .eml files unchanged."""


# --- header hygiene -------------------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_header(value: str) -> str:
    """One line, no control characters: text from agency data cannot start a header of its own.

    CR and LF are what header injection needs; the other control characters are removed too because no
    client shows them usefully and some mangle the line around them.
    """
    return " ".join(_CONTROL.sub(" ", value).split())


MAX_DISPLAY_NAME = 40


def address(name: str, addr_spec: str) -> str:
    """`Name <addr>` as header text whose every line fits in 78 columns.

    A Korean name becomes RFC 2047 words folded by `email.header.Header`. Short lines matter beyond looks: when
    a line is too long the library refolds the header itself, and CPython 3.11 then writes a decoded display
    name back *unencoded*, so a name holding `Bcc: x@evil` turns into a group with that address (found by the
    injection test). An ASCII name is quoted by `formataddr`, and dropped if it would not fit.
    """
    name = clean_header(name)[:MAX_DISPLAY_NAME]
    addr = clean_header(addr_spec)
    if not name:
        return addr
    if name.isascii():
        text = formataddr((name, addr))
        return text if len(text) <= 70 else addr
    return f"{Header(name, 'utf-8', header_name='To').encode(linesep=chr(13) + chr(10))}\r\n <{addr}>"


def encode_header(name: str, value: str) -> str:
    """RFC 2047 encoded words, folded under 78 columns, with every space inside a word.

    Why not let `EmailMessage` fold: CPython 3.11's folder drops the space between two encoded words at a fold
    (`평가] 평가` arrives as `평가]평가`, found by the SMTP test). The legacy `email.header.Header` encoder keeps
    the spaces inside the encoded words, where decoders must keep them.
    """
    text = clean_header(value)
    if text.isascii() and len(name) + 2 + len(text) <= 78 and "=?" not in text:  # "=?" would read as a word
        return text
    return Header(text, "utf-8", header_name=name).encode(linesep="\r\n")


def ascii_fallback(name: str, default: str) -> str:
    """A file name every client shows: ASCII letters, digits, `._-` only; `default` when little is left.

    Hangul has no ASCII decomposition, so a Korean name usually falls back to `default` entirely (built from
    the agency code), which reads better than a name with its Korean parts stripped out.
    """
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    flat = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    flat = re.sub(r"[^A-Za-z0-9._-]+", "_", flat).strip("._-")
    if sum(ch.isalnum() for ch in flat) < max(3, len(stem) // 2):
        return default
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:8]
    return f"{flat[:60]}.{ext}" if ext else flat[:60]


def _rfc2231_sections(name: str, width: int = 60) -> list[str]:
    """The RFC 2231 extended value of `name`, cut into continuation sections at character boundaries.

    Cutting between characters (never inside a UTF-8 sequence) keeps each section decodable on its own, which
    some clients rely on; `width` keeps each header line under 78 columns.
    """
    sections: list[str] = []
    current = "utf-8''"
    for ch in name:
        piece = quote(ch, safe="!#$&+-.^_`|~")
        if len(current) + len(piece) > width and current not in ("", "utf-8''"):
            sections.append(current)
            current = ""
        current += piece
    sections.append(current)
    return sections


def attachment_part(data: bytes, name: str, ascii_name: str) -> EmailMessage:
    """An .xlsx attachment whose Korean name survives in every client.

    Content-Disposition carries two parameters:
    - `filename*` (RFC 2231, UTF-8, continued as `filename*0*`, `filename*1*`, … when long), which
      Thunderbird, Apple Mail, Gmail, Outlook 2010+ and Python's own parser show as the Korean name;
    - `filename="<ASCII>"`, which a client ignoring RFC 2231 shows instead: it skips the unknown `filename*`
      parameter and finds a plain name that displays correctly everywhere.
    `filename*` comes first because parsers that keep only the first of two same-named parameters (Python's
    header registry among them) then keep the Korean one, while RFC 2231-ignorant parsers are unaffected by
    the order. Content-Type's legacy `name` gets the ASCII name for the same clients.

    We did not use an RFC 2047 encoded word inside `filename="=?utf-8?b?…?="`: RFC 2047 §5 forbids it inside a
    quoted string, and clients that follow the rule show the raw `=?utf-8?b?…` text, which is worse than ASCII.

    The stdlib header model keeps one value per parameter name, so it cannot write both parameters; the
    header text is written here (folded under 78 columns, hence emitted verbatim) and parsed into the part.
    """
    fallback = clean_header(ascii_name).replace('"', "").replace("\\", "")
    if not fallback or not fallback.isascii():
        raise ValueError(f"the fallback file name must be plain ASCII, not {ascii_name!r}")
    if len(fallback) > 60:  # a longer line would be refolded by the library, which drops one of the two names
        stem, dot, ext = fallback.rpartition(".")
        fallback = f"{stem[: 59 - len(ext)]}.{ext}" if dot and len(ext) <= 8 else fallback[:60]
    sections = _rfc2231_sections(clean_header(name) or fallback)
    if len(sections) == 1:
        extended = [f"filename*={sections[0]}"]
    else:
        extended = [f"filename*{i}*={s}" for i, s in enumerate(sections)]
    disposition = ";\r\n ".join(["attachment", *extended, f'filename="{fallback}"'])
    head = (
        f'Content-Type: {XLSX_TYPE}; name="{fallback}"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: {disposition}\r\n\r\n"
    )
    part = email.message_from_bytes(head.encode("ascii"), policy=POLICY)
    assert isinstance(part, EmailMessage)
    # The base64 text is set as the payload, not parsed with the headers: a 10,000-agency report is a 23 MB
    # attachment, whose 400,000 lines the parser would copy and split (seconds, and ~100 MB) only to give them
    # back; serialising writes each line with CRLF either way.
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part


def compose(
    sender: str,
    to: Sequence[str],
    subject: str,
    body: str,
    attachment: tuple[bytes, str, str] | None,
    cc: Sequence[str] = (),
) -> EmailMessage:
    """A message from `sender` (as configured) to `to` (`address` texts). From, To and Subject are written as
    text and parsed, so the library keeps them verbatim (see `encode_header`); everything else is the library's."""
    sender = address(*parseaddr(clean_header(sender)))
    head = [("From", sender), ("To", ",\r\n ".join(to)), ("Subject", encode_header("Subject", subject))]
    if cc:
        head.insert(2, ("Cc", ",\r\n ".join(cc)))
    text = "".join(f"{name}: {value}\r\n" for name, value in head) + "\r\n"
    if any(len(line) > 78 for line in text.split("\r\n")):  # would be refolded by the library: see `address`
        raise ValueError(f"header line too long to keep verbatim: {text!r}")
    msg = email.message_from_bytes(text.encode("ascii"), policy=POLICY)
    assert isinstance(msg, EmailMessage)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: vacation responders should not answer a batch
    msg.set_content(body, charset="utf-8", cte="base64")
    if attachment is not None:
        data, name, ascii_name = attachment
        msg.make_mixed()
        msg.attach(attachment_part(data, name, ascii_name))
    return msg


def serialize(message: EmailMessage) -> bytes:
    """The bytes recorded in the ledger and sent unchanged (CRLF, folded, 7-bit)."""
    return message.as_bytes(policy=POLICY)


def envelope(message: EmailMessage) -> tuple[str, list[str]]:
    """(MAIL FROM, RCPT TO) taken from the headers the builders set, so the two can never disagree."""
    sender = message["From"].addresses[0].addr_spec
    recipients: list[str] = []
    for field in ("To", "Cc", "Bcc"):
        header = message[field]
        if header is not None:
            recipients.extend(a.addr_spec for a in header.addresses if a.addr_spec not in recipients)
    return sender, recipients
