"""Text from a submission made safe to print: every character that can move the cursor, start a new line, drive
the terminal or reverse the text around it is shown as a visible escape (`\\n`, `\\x1b`, `\\u202e`).

A file name is chosen by whoever drops it in the inbox and a cell holds what was typed, so neither may write to
the operator's terminal, the mail cron sends or the journal: a name holding a newline would add a line of its
own to the run summary (a forged "접수" line), ESC and OSC sequences would be run by the terminal, a bidi
override would show the name backwards. Every printer of such text (the run summary, the mails, `status`,
`validate`) passes it through `printable`; JSON needs no help for C0 (the encoder escapes it) but prints C1,
bidi and separators raw unless written with `ensure_ascii=True`.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

_UNPRINTABLE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0 (with ESC, CR, LF, TAB), DEL, C1 (with CSI U+009B and NEL U+0085)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides and isolates
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates (undecodable bytes kept by `surrogateescape`): unencodable on output
    "]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object) -> str:
    """`text` on one line with nothing a terminal acts on: controls and direction marks as visible escapes."""
    value = str(text)
    return _UNPRINTABLE.sub(_escape, value) if _UNPRINTABLE.search(value) else value
