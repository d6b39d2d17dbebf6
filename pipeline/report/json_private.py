"""`json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)`, in pieces and ≈ 3× faster, through a private
API of the standard library: results.json's text.

Why: `indent` makes the json module use its pure-Python encoder (≈ 0.4 s per 1,000 agencies, most of it the
goals). The C encoder takes no indent, but its separators may be any text: with ",\n" + the indentation of the
items as the item separator, a container whose items are all plain values (a goal, a submission, an adjustment)
comes out of one C call with exactly the lines `indent=2` gives, once "{"/"[" and the closing bracket are put on
their own lines. Containers holding containers (the document, the agency list, an agency) are walked here, as the
pure-Python encoder walks them.

Private API used: `json.encoder.c_make_encoder` (the `_json` accelerator's `make_encoder`, undocumented), called
with the nine positional arguments `JSONEncoder.iterencode` passes it, and `json.encoder.encode_basestring`.
Without the accelerator (`c_make_encoder` is None) the public `JSONEncoder.encode` is used: the same text,
slower. Checked byte for byte against `json.dumps` (with and without the accelerator, on generated values and on the demo
city's results) on CPython 3.11.7, 3.12.1 and 3.13.0; tests/test_report_fastrows.py repeats the check on the
Python that runs the tests, so a new Python that changes the private call fails there first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

__all__ = ["indented_json"]

_INDENT = "  "
_PLAIN = frozenset({str, int, float, bool, type(None)})
_STREAMED = 2
"""Nesting levels written piece by piece (the document, its lists); deeper, each value is made as one string (an
agency: ≈ 15 KB), which saves a generator step per piece."""


@lru_cache(maxsize=32)
def _flat(level: int) -> Callable[[Any], str]:
    """The C encoder for a value at nesting `level` whose items are plain values, items one per line. Made once
    per level: `JSONEncoder.encode` makes a new one on every call, a quarter of the time of a goal."""
    separators = (",\n" + _INDENT * (level + 1), ": ")
    encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=separators)
    make = json.encoder.c_make_encoder
    if make is None:  # Python without its _json accelerator: the same text, slower
        return encoder.encode
    # what `JSONEncoder.iterencode` makes for these options; no circular check, as plain items cannot nest
    encode = make(None, encoder.default, json.encoder.encode_basestring, None, ": ", separators[0], False, False, False)
    return lambda value: "".join(encode(value, 0))


def _reference(value: Any, level: int) -> str:
    """The json module's own indented text, at nesting `level` (JSON text has no raw newline but the indent's)."""
    text = json.dumps(value, ensure_ascii=False, indent=len(_INDENT), allow_nan=False)
    return text.replace("\n", "\n" + _INDENT * level)


def _whole(value: Any, level: int) -> str | None:
    """The text of a plain value, or of a container of plain values (one C call); None for anything else."""
    kind = type(value)
    if kind in _PLAIN:
        return _flat(level)(value)
    if kind is not dict and kind is not list and kind is not tuple:
        return None
    items = value.values() if kind is dict else value
    if not items:
        return "{}" if kind is dict else "[]"
    if not _PLAIN.issuperset(map(type, items)):
        return None
    text = _flat(level)(value)
    return f"{text[0]}\n{_INDENT * (level + 1)}{text[1:-1]}\n{_INDENT * level}{text[-1]}"


def _pieces(value: Any, level: int) -> Iterator[str]:
    """The text of `value` at nesting `level`, in pieces."""
    whole = _whole(value, level)
    if whole is not None:
        yield whole
        return
    kind = type(value)
    if kind not in (dict, list, tuple) or (kind is dict and not all(type(k) is str for k in value)):
        yield _reference(value, level)  # never in a results document: the json module decides (or refuses)
        return
    separator = "\n" + _INDENT * (level + 1)
    yield "{" if kind is dict else "["
    for i, item in enumerate(value.items() if kind is dict else value):
        lead = separator if i == 0 else "," + separator
        if kind is dict:
            key, item = item
            lead += json.encoder.encode_basestring(key) + ": "
        whole = _whole(item, level + 1)
        if whole is not None:
            yield lead + whole
        elif level + 1 < _STREAMED:
            yield lead
            yield from _pieces(item, level + 1)
        else:
            yield lead + "".join(_pieces(item, level + 1))
    yield "\n" + _INDENT * level + ("}" if kind is dict else "]")


def indented_json(value: Any) -> Iterator[str]:
    """The text of `json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)`, in pieces (no final newline).
    Raises what `json.dumps` raises (ValueError for NaN, TypeError for an object it cannot encode)."""
    return _pieces(value, 0)
