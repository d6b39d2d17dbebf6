"""The year's end, under the run lock: `pipeline finalize` confirms the results (확정) — recorded in the ledger,
the outputs rebuilt saying so, every agency mailed its own final result and the office the confirmed workbook —
and `committee sheet --send` mails the committee sheet to its members. Later files of the year are rejected
(`evaluation.closed`) by the night until a committee merge with `--reopen`."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from pipeline.core.model import STATUS_ACCEPTED
from pipeline.mail import outbox
from pipeline.mail.committee_messages import committee_sheet_message, final_agency_message, final_office_message
from pipeline.mail.messages import department_cc
from pipeline.mail.outbox import DeliverySummary
from pipeline.mail.transports import make_transport
from pipeline.night import committee_ledger
from pipeline.night.ledger import Ledger
from pipeline.night.outputs import read_report_input, rebuild_outputs
from pipeline.night.summary import RunSummary
from pipeline.report.agency_results import agency_result_bytes
from pipeline.settings.schema import Config
from pipeline.system import clock

__all__ = ["finalize", "reopen", "send_committee_sheet"]


def finalize(config: Config, lang: str, final: date) -> tuple[RunSummary, int, DeliverySummary | None]:
    """Record the finalization, rebuild today's outputs (확정), mail each agency its result and the office the
    workbook. Returns the rebuild's summary, the number of messages queued, and the delivery (None: none)."""
    ledger = Ledger.open(config.paths.state)
    try:
        committee_ledger.set_final(ledger, config.evaluation.year, "finalize", clock.now(), final)
    finally:
        ledger.close()
    summary = rebuild_outputs(config, lang)
    today = clock.now().date()
    data = read_report_input(config, today)
    ledger = Ledger.open(config.paths.state)
    try:
        queued = 0
        run_id = f"finalize-{final.isoformat()}"
        for result in data.city.agencies:
            agency = config.agency(result.code)
            if agency is None or not agency.email or result.status != STATUS_ACCEPTED:
                continue
            made = agency_result_bytes(data, result.code)  # its 기관별 결과표, as the night writes it
            page = (made[0], made[1], f"{result.code}_result.xlsx") if made else None
            message = final_agency_message(config, agency, result, final, lang, page, department_cc(config, agency))
            key = ("final", config.evaluation.year, final.isoformat(), str(result.total))
            outbox.enqueue(ledger.conn, key, message, run_id, "receipt", agency.code, now=clock.now())
            queued += 1
        workbook = summary.outputs.get("workbook")
        if config.mail.to and workbook and Path(workbook).is_file():
            path = Path(workbook)
            message = final_office_message(
                config, data.city, final, path.read_bytes(), path.name,
                str(summary.outputs.get("workbook_ascii_name") or "results.xlsx"), queued, lang,
            )  # fmt: skip
            key = ("final", config.evaluation.year, final.isoformat())
            outbox.enqueue(ledger.conn, key, message, run_id, "report", None, now=clock.now())
            queued += 1
        delivery = _send(ledger, config, lang) if queued else None
    finally:
        ledger.close()
    return summary, queued, delivery


def reopen(config: Config) -> bool:
    """Open a confirmed year again (a committee merge with `--reopen`); False when it was not confirmed."""
    ledger = Ledger.open(config.paths.state)
    try:
        if committee_ledger.finalized(ledger, config.evaluation.year) is None:
            return False
        committee_ledger.set_final(ledger, config.evaluation.year, "reopen", clock.now())
        return True
    finally:
        ledger.close()


def send_committee_sheet(config: Config, path: Path, goals: int, lang: str) -> tuple[int, DeliverySummary | None]:
    """The sheet to every member with an e-mail address; (messages queued, delivery)."""
    ledger = Ledger.open(config.paths.state)
    try:
        data, queued = path.read_bytes(), 0
        for member in config.committee.members:
            if not member.email:
                continue
            message = committee_sheet_message(config, member, data, path.name, goals, lang)
            key = ("committee sheet", config.evaluation.year, member.name, hashlib.sha256(data).hexdigest())
            outbox.enqueue(ledger.conn, key, message, "committee", "report", None, now=clock.now())
            queued += 1
        return queued, (_send(ledger, config, lang) if queued else None)
    finally:
        ledger.close()


def _send(ledger: Ledger, config: Config, lang: str) -> DeliverySummary:
    transport = make_transport(config, config.paths.outbox / f"{clock.now():%Y-%m-%d}" / "mail")
    return outbox.send_pending(ledger.conn, transport, config.mail.retries, lang=lang)
