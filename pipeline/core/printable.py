"""Text from a submission made safe to print: every character that can move the cursor, start a new line, drive
the terminal or reverse the text around it is shown as a visible escape (`\\n`, `\\x1b`, `\\u202e`).

A file name is chosen by whoever drops it in the inbox and a cell holds what was typed, so neither may write to
the operator's terminal, the mail cron sends or the journal: a name holding a newline would add a line of its
own to the run summary (a forged "접수" line), ESC and OSC sequences would be run by the terminal, a bidi
override would show the name backwards. Every printer of such text (the run summary, the mails, `status`,
`validate`) passes it through `printable`. JSON escapes C0 itself but writes C1, bidi marks, separators and lone
surrogates raw: every JSON we print or log goes through `printable_json`, which escapes them too.
"""

from __future__ import annotations

import re

__all__ = ["printable", "printable_json"]

_UNPRINTABLE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0 (with ESC, CR, LF, TAB), DEL, C1 (with CSI U+009B and NEL U+0085)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides and isolates
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates (undecodable bytes kept by `surrogateescape`): unencodable on output
    "]"
)
_JSON_ACTIVE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
"""What `json.dumps(..., ensure_ascii=False)` leaves raw of `_UNPRINTABLE` (it escapes C0 in strings itself)."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object) -> str:
    """`text` on one line with nothing a terminal acts on: controls and direction marks as visible escapes."""
    value = str(text)
    return _UNPRINTABLE.sub(_escape, value) if _UNPRINTABLE.search(value) else value


def printable_json(text: str) -> str:
    """JSON text as `json.dumps(..., ensure_ascii=False)` writes it, with every character a terminal, a journal or a
    bidi renderer acts on as a `\\uXXXX` escape: the same JSON value, Korean still readable, and always encodable
    as UTF-8 (a lone surrogate, from a name whose bytes are not UTF-8, comes out as `\\udcff`). Outside its strings
    JSON text is ASCII, so only the strings change."""
    return _JSON_ACTIVE.sub(_json_escape, text) if _JSON_ACTIVE.search(text) else text


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"
