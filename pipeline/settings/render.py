"""The commented `pipeline.toml`, for `pipeline init` and the demo city.

`render_config` writes the commented file for `pipeline init` and for the demo city, so both read the same way
and every default of the scoring spec is visible to the officer who edits it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: str
    group: str
    supervising_dept: str
    email: str


EXAMPLE_AGENCIES = (
    AgencyEntry("GMRT", "광주도시철도공사", "공사·공단", "교통정책과", "eval@grtc.example.kr"),
    AgencyEntry("GGCA", "광주그린카진흥원", "출자·출연기관", "미래차산업과", "eval@greencar.example.kr"),
)


def _q(value: str) -> str:
    """A TOML basic string (JSON's escaping is a subset TOML accepts)."""
    return json.dumps(value, ensure_ascii=False)


def render_config(
    agencies: Iterable[AgencyEntry],
    year: int,
    deadline: str,
    adjustments: Iterable[tuple[str, str, str]] = (),
    min_file_age_seconds: int = 60,
    office: str = "evaluation@example.go.kr",
) -> str:
    """The commented pipeline.toml: every setting present with its default, so nothing is hidden."""
    agency_blocks = "\n".join(
        f"[[agencies]]\ncode = {_q(a.code)}\nname = {_q(a.name)}\ngroup = {_q(a.group)}\n"
        f"supervising_dept = {_q(a.supervising_dept)}\nemail = {_q(a.email)}\n"
        for a in agencies
    )
    adjustment_blocks = "\n".join(
        f"[[adjustments]]\nagency = {_q(code)}\npoints = {points}\nreason = {_q(reason)}\n"
        for code, points, reason in adjustments
    ) or (
        "# [[adjustments]]          # committee bonus (가점, positive) or penalty (감점, negative)\n"
        '# agency = "GMRT"\n# points = 1.5\n# reason = "국내 최초 ISO 10002 인증"\n'
    )
    return f"""\
# pipeline.toml: settings of the yearly public-agency evaluation.
# Every key below shows its default. Paths are relative to this file's folder.

[evaluation]
year = {year}
title = "{year}년 공공기관 성과창출 평가 결과"
lang = "ko"                 # language of everything people read: "ko" or "en"
deadline = {deadline}       # submission deadline (reminders are sent before it)

# One table per agency. The e-mail is the registered address: feedback is only ever sent here.
{agency_blocks}
[scoring]
# Grade thresholds on the total, highest first; the last must start at 0.
grades = {{ S = 90, A = 80, B = 70, C = 60, D = 0 }}
# Points for the evaluators' qualitative grades (정성평가).
qualitative_points = {{ "탁월" = 100, "우수" = 90, "양호" = 80, "보통" = 70, "미흡" = 60, "아주미흡" = 50 }}
max_bonus = 3               # total is kept within [0, 100 + max_bonus]; bonuses per agency may not exceed it
range_margin_major = 0.2    # 목표부여: top/floor = baseline × (1 ± margin) for major programmes (주요사업)
range_margin_other = 0.1    # … and for the others
deviation_k_major = 2       # 목표부여(편차): top/floor = baseline ± k·σ for major programmes
deviation_k_other = 1

[scoring.excellence]
rule = "grades"             # "grades" | "top_n" | "top_n_per_group" | "min_total"
grades = ["S", "A"]         # rule "grades": these grades are excellent
n = 11                      # rules "top_n" and "top_n_per_group"
min_total = 85              # rule "min_total"

{adjustment_blocks}
[paths]
inbox = "inbox"
outbox = "outbox"
archive = "archive"
rejected = "rejected"
state = "state"             # ledger (SQLite), run lock and logs; all folders must be on one filesystem

[batch]
min_file_age_seconds = {min_file_age_seconds}   # younger files are left for the next run (may still be copying)
max_file_size_mb = 20

[mail]
transport = "file"          # "file" writes .eml files into outbox/<date>/mail/; "smtp" sends
from = {_q(office)}
to = [{_q(office)}]         # the evaluation office: receives the consolidated workbook
report = "on-change"        # "on-change" | "always" | "never"
receipts = false            # send accepted submissions a receipt with their provisional score
remind_days_before = 7      # remind agencies without an accepted submission this many days before the deadline
retries = 3
max_attachment_mb = 7       # a larger consolidated workbook is not attached; the report mail gives its path
                            # (mail servers refuse big messages: Postfix's default limit is 10 MB, base64 adds 1/3)

[mail.smtp]
host = "localhost"
port = 587
security = "starttls"       # "starttls" | "ssl" | "none"
username = ""
password_env = "PIPELINE_SMTP_PASSWORD"   # the password is read from this environment variable, never from here
timeout = 30
"""
