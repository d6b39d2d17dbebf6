"""Standard output that goes quiet when its reader leaves (`pipeline status | head -1`).

Without it, the first write after `head` exits raises BrokenPipeError: click turns that into exit 1 (the code of a
bug) and Python adds "Exception ignored" at shutdown. With it, the command finishes its work (a nightly run must
not stop half-way because nobody reads its summary), its output goes nowhere, and it exits with its own code.
"""

from __future__ import annotations

import os
from typing import Any, TextIO


class QuietStdout:
    """A text stream around stdout; after a broken pipe, stdout is pointed at the null device and writes vanish."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_left = False

    def write(self, text: str) -> int:
        if not self.reader_left:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._go_quiet()
        return len(text)

    def flush(self) -> None:
        if not self.reader_left:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._go_quiet()

    def _go_quiet(self) -> None:
        """What is still buffered, and all that follows, is written to the null device: no error at shutdown."""
        self.reader_left = True
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
