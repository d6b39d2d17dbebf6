"""The settings' sections of the year around the night: `[calendar]` (the three phases' deadlines), `[report]`,
`[committee]` with its members and `[[departments]]`: the parts of `load._Parser` that issues 16–18 added, in a
mixin so that the reader stays one module a person can hold. They use the parser's own helpers (`get`, `fail`,
`table`, `unknown_keys`, `email`, `deadline`, `notes`), which `load._Parser` defines."""

from __future__ import annotations

from typing import Any

from pipeline.settings.messages import KEY, either
from pipeline.settings.schema import (
    AGENCY_PAGES,
    LATE_POLICIES,
    Agency,
    Calendar,
    Committee,
    Department,
    Evaluation,
    Member,
    Report,
    toml_keys,
)

__all__ = ["YearSections"]


def listed(names: Any) -> str:
    """Names as they are typed in the file: quoted, so that a key never reads as a word of the sentence."""
    return ", ".join(repr(name) for name in names)


class YearSections:
    """`[calendar]`, `[report]`, `[committee]`, `[[departments]]`."""

    lang: str
    notes: list[tuple[str, str]]

    def calendar(self, t: dict, evaluation: Evaluation) -> Calendar:
        """`[calendar]`; the old `[evaluation] deadline` is its results_deadline, with a note to move it."""
        w = "[calendar]"
        self.unknown_keys(t, toml_keys(Calendar), w)
        year, defaults = evaluation.year, Calendar()
        days = {
            key: self.deadline(t, year, key, w) for key in ("plan_deadline", "midyear_deadline", "results_deadline")
        }
        if evaluation.deadline is not None:
            if days["results_deadline"] is not None:
                raise self.fail("[evaluation].deadline", "deadline_twice")
            days["results_deadline"] = evaluation.deadline
            self.notes.append(KEY["deadline_moved"])
        late = self.get(t, "late", str, w, defaults.late)
        if late not in LATE_POLICIES:
            raise self.fail(f"{w}.late", "choice", choices=either(LATE_POLICIES, self.lang), value=repr(late))
        require = self.get(t, "require_confirmed_plan", bool, w, defaults.require_confirmed_plan)
        return Calendar(**days, late=late, require_confirmed_plan=require)

    def departments(self, items: Any, agencies: tuple[Agency, ...]) -> tuple[Department, ...]:
        """`[[departments]]`: when any is listed, every agency's supervising_dept must name one (a typo would
        silently drop the department from its agencies' mails)."""
        if not isinstance(items, list):
            raise self.fail("[[departments]]", "list_of_tables")
        out: dict[str, Department] = {}
        for i, t in enumerate(items, start=1):
            w = f"[[departments]] #{i}"
            if not isinstance(t, dict):
                raise self.fail(w, "not_table")
            self.unknown_keys(t, toml_keys(Department), w)
            name = self.get(t, "name", str, w).strip()
            if not name:
                raise self.fail(f"{w}.name", "empty")
            if name in out:
                raise self.fail(f"{w}.name", "duplicate_department", name=repr(name))
            out[name] = Department(name=name, email=self.email(self.get(t, "email", str, w), f"{w}.email"))
        for i, a in enumerate(agencies, start=1):
            if out and a.supervising_dept not in out:
                raise self.fail(
                    f"[[agencies]] #{i}.supervising_dept",
                    "unknown_department",
                    name=repr(a.supervising_dept),
                    known=listed(out),
                )
        return tuple(out.values())

    def report(self, t: dict) -> Report:
        w = "[report]"
        self.unknown_keys(t, toml_keys(Report), w)
        pdf = self.get(t, "pdf", bool, w, Report.pdf)
        timeout = self.get(t, "pdf_timeout_seconds", (int, float), w, Report.pdf_timeout_seconds)
        if timeout <= 0:
            raise self.fail(f"{w}.pdf_timeout_seconds", "positive")
        pages = self.get(t, "agency_pages", str, w, Report.agency_pages)
        if pages not in AGENCY_PAGES:
            raise self.fail(f"{w}.agency_pages", "choice", choices=either(AGENCY_PAGES, self.lang), value=repr(pages))
        return Report(pdf=pdf, pdf_timeout_seconds=float(timeout), agency_pages=pages)

    def committee(self, t: dict) -> Committee:
        w = "[committee]"
        self.unknown_keys(t, toml_keys(Committee) | {"members"}, w)
        quorum = self.get(t, "quorum", int, w, Committee.quorum)
        trim_from = self.get(t, "trim_from", int, w, Committee.trim_from)
        if quorum < 1:
            raise self.fail(f"{w}.quorum", "positive")
        if trim_from < 3:
            raise self.fail(f"{w}.trim_from", "at_least", least=3)
        items = t.get("members", [])
        if not isinstance(items, list) or not all(isinstance(m, dict) for m in items):
            raise self.fail("[[committee.members]]", "list_of_tables")
        members = []
        for i, m in enumerate(items, start=1):
            wm = f"[[committee.members]] #{i}"
            self.unknown_keys(m, toml_keys(Member), wm)
            email = self.get(m, "email", str, wm, "")
            members.append(
                Member(name=self.get(m, "name", str, wm), email=self.email(email, f"{wm}.email") if email else "")
            )
        names = [m.name for m in members]
        if len(set(names)) != len(names):
            raise self.fail(
                "[[committee.members]]", "duplicate_member", value=repr(next(n for n in names if names.count(n) > 1))
            )
        return Committee(quorum=quorum, trim_from=trim_from, members=tuple(members))
