"""The one place the batch asks for the time, so that tests (and the crash test's twin runs) can fix it.

`PIPELINE_NOW` is a **test hook**: an ISO 8601 moment (`2026-12-01T02:00:00+09:00`) that every reading of the
clock returns. With it, two runs of the same inbox produce the same archive names and the same outputs, which is
how the crash test compares an interrupted run with an uninterrupted one. Never set it in production.
"""

from __future__ import annotations

import os
from datetime import datetime

ENV_NOW = "PIPELINE_NOW"


def now() -> datetime:
    """The current moment, time-zone aware (local zone), or the fixed moment of `PIPELINE_NOW`."""
    fixed = os.environ.get(ENV_NOW)
    if fixed:
        moment = datetime.fromisoformat(fixed)
        return moment if moment.tzinfo is not None else moment.astimezone()
    return datetime.now().astimezone()
