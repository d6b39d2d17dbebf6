"""`pipeline.toml` → typed, checked settings.

Every problem is reported as one line naming the file and the key (`pipeline.toml: [scoring].grades: thresholds
must decrease`), so that an officer editing the file by hand can fix it without reading code.
"""

from __future__ import annotations

import codecs
import re
import tomllib
from dataclasses import fields, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.core.i18n import LANGS, tr
from pipeline.core.layout import QUALITATIVE_GRADES
from pipeline.settings.home import resolve_home
from pipeline.settings.load_year import YearSections
from pipeline.settings.load_year import listed as _listed
from pipeline.settings.messages import FILE, KEY, either, kind_name, shown
from pipeline.settings.schema import (
    CONFIG_NAME,
    EXCELLENCE_RULES,
    MAIL_REPORTS,
    MAIL_TRANSPORTS,
    SMTP_PORTS,
    Adjustment,
    Agency,
    Batch,
    Config,
    Evaluation,
    Excellence,
    Mail,
    Paths,
    Scoring,
    Smtp,
    default_title,
    toml_keys,
)

EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
"""One address as mail servers take it: a local part, one `@`, and a domain of at least two labels."""
CODE = re.compile(r"[^\W_][\w-]{0,39}")
"""An agency code is part of file and folder names: letters (Hangul too), digits, `-` and `_`, at most 40."""


class ConfigError(Exception):
    """A problem with pipeline.toml; its text is the one line shown to the operator."""


def load_config(home: str | Path | None = None, lang: str | None = None) -> Config:
    """The home's settings. Mistakes are told in `lang`, else in the file's own `[evaluation] lang`, else Korean."""
    base = resolve_home(home)
    path = base / CONFIG_NAME
    if not path.is_file():
        say = lang if lang in LANGS else "ko"
        if path.is_dir():
            raise ConfigError(tr(FILE["unreadable"], say, path=path, reason=tr(FILE["folder"], say)))
        raise ConfigError(tr(FILE["not_found"], say, path=path, home=base))
    try:
        data = path.read_bytes()
    except OSError as exc:
        say = lang if lang in LANGS else "ko"
        raise ConfigError(tr(FILE["unreadable"], say, path=path, reason=_os_reason(exc, say))) from exc
    return parse_config(decode(data, path.name, lang), home=base, source=path, lang=lang)


def decode(data: bytes, file_name: str, lang: str | None = None) -> str:
    """UTF-8 text, with or without the BOM Notepad writes; any other encoding is named, with how to fix it."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    say = lang if lang in LANGS else _lang_hint(data.decode("utf-8", "replace"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise ConfigError(tr(FILE["utf16"], say, file=file_name))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            data.decode("cp949")
        except UnicodeDecodeError:
            line = data[: exc.start].count(b"\n") + 1
            raise ConfigError(tr(FILE["not_utf8"], say, file=file_name, line=line)) from None
        raise ConfigError(tr(FILE["cp949"], say, file=file_name)) from None


def parse_config(text: str, home: Path, source: Path | None = None, lang: str | None = None) -> Config:
    """Settings from the file's text; `lang` (else the file's `[evaluation] lang`, else Korean) for mistakes."""
    src = source or home / CONFIG_NAME
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        say = lang if lang in LANGS else _lang_hint(text)
        line, column = _position(str(exc), text)
        raise ConfigError(tr(FILE["not_toml"], say, file=src.name, line=line, column=column, detail=exc)) from exc
    if lang not in LANGS:
        evaluation = data.get("evaluation")
        lang = evaluation.get("lang") if isinstance(evaluation, dict) else None
    return _Parser(src.name, home, lang if lang in LANGS else "ko").config(data, src)


def _lang_hint(text: str) -> str:
    """The language a file that cannot be parsed asks for, if a line says so plainly."""
    return "en" if re.search(r'^\s*lang\s*=\s*["\']en["\']', text, re.MULTILINE) else "ko"


def _position(message: str, text: str) -> tuple[int, int]:
    """Line and column from tomllib's message (`… (at line 3, column 7)`), or the end of the document."""
    found = re.search(r"line (\d+), column (\d+)", message)
    if found:
        return int(found[1]), int(found[2])
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


def _os_reason(exc: OSError, lang: str) -> str:
    if isinstance(exc, PermissionError):
        return tr(FILE["permission"], lang)
    if isinstance(exc, IsADirectoryError):
        return tr(FILE["folder"], lang)
    return tr(FILE["os_error"], lang, errno=exc.errno)


class _Parser(YearSections):
    """Reads the TOML tree; each accessor names the key it complains about, in the reader's language."""

    def __init__(self, file_name: str, home: Path, lang: str) -> None:
        self.file = file_name
        self.home = home
        self.lang = lang
        self.notes: list[tuple[str, str]] = []  # accepted but worth saying (a deprecated key): Config.notes

    def fail(self, where: str, message: str, **values: Any) -> ConfigError:
        """The one line: `file: where: what is wrong`, `message` a key of the catalogue (`settings.messages`)."""
        return ConfigError(f"{self.file}: {where}: {tr(KEY[message], self.lang, **values)}")

    # typed getters ------------------------------------------------------------------------------------
    def table(self, data: dict, key: str, where: str, required: bool = False) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(where, "missing_table")
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "not_table")
        return value

    def get(self, data: dict, key: str, kind: type | tuple[type, ...], where: str, default: Any = ...) -> Any:
        if key not in data:
            if default is ...:
                raise self.fail(f"{where}.{key}", "missing_key")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise self.fail(f"{where}.{key}", "wrong_kind", kind=kind_name(kinds, self.lang), value=shown(value))
        if isinstance(value, str) and str in kinds and not value.strip() and default is ...:
            raise self.fail(f"{where}.{key}", "empty")
        return value

    def decimal(self, data: dict, key: str, where: str, default: Any = ...) -> Decimal:
        value = self.get(data, key, (int, float, str), where, default)
        if isinstance(value, Decimal):
            return value
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{where}.{key}", "not_number", value=repr(value)) from None
        if not result.is_finite():
            raise self.fail(f"{where}.{key}", "not_finite", value=repr(value))
        return result

    def email(self, value: Any, where: str) -> str:
        """One address, as a mail server takes it: `plan@@x.kr`, `plan@x` and `a@x.kr, b@x.kr` are refused."""
        if not isinstance(value, str) or not EMAIL.fullmatch(value.strip()) or ".." in value:
            raise self.fail(where, "bad_email", value=repr(value))
        return value.strip()

    def unknown_keys(self, data: dict, known: set[str], where: str) -> None:
        extra = sorted(set(data) - known)
        if extra:
            raise self.fail(where, "unknown_key", key=repr(extra[0]), known=_listed(sorted(known)))

    # sections --------------------------------------------------------------------------------------
    def config(self, data: dict, source: Path) -> Config:
        self.unknown_keys(
            data,
            {
                "evaluation",
                "agencies",
                "scoring",
                "adjustments",
                "paths",
                "batch",
                "mail",
                "report",
                "committee",
                "departments",
                "calendar",
            },
            tr(KEY["top_level"], self.lang),
        )
        evaluation = self.evaluation(self.table(data, "evaluation", "[evaluation]", required=True))
        calendar = self.calendar(self.table(data, "calendar", "[calendar]"), evaluation)
        evaluation = replace(evaluation, deadline=calendar.results_deadline)
        agencies = self.agencies(data.get("agencies"))
        scoring = self.scoring(self.table(data, "scoring", "[scoring]"), data.get("adjustments", []), agencies)
        return Config(
            home=self.home,
            source=source,
            evaluation=evaluation,
            agencies=agencies,
            scoring=scoring,
            paths=self.paths(self.table(data, "paths", "[paths]")),
            batch=self.batch(self.table(data, "batch", "[batch]")),
            mail=self.mail(self.table(data, "mail", "[mail]")),
            report=self.report(self.table(data, "report", "[report]")),
            committee=self.committee(self.table(data, "committee", "[committee]")),
            departments=self.departments(data.get("departments", []), agencies),
            calendar=calendar,
            notes=tuple(self.notes),
        )

    def evaluation(self, t: dict) -> Evaluation:
        w = "[evaluation]"
        self.unknown_keys(t, toml_keys(Evaluation) | {"deadline"}, w)
        year = self.get(t, "year", int, w)
        if not 2000 <= year <= 2100:
            raise self.fail(f"{w}.year", "year_range", year=year)
        lang = self.get(t, "lang", str, w, Evaluation.lang)
        if lang not in LANGS:
            raise self.fail(f"{w}.lang", "choice", choices=either(LANGS, self.lang), value=repr(lang))
        title = self.get(t, "title", str, w, default_title(year, lang))
        if not title:
            title = default_title(year, "en")
        return Evaluation(year=year, title=title, lang=lang, deadline=self.deadline(t, year))

    def deadline(self, t: dict, year: int, key: str = "deadline", w: str = "[evaluation]") -> date | None:
        """A TOML date in the evaluation's year; a quoted `"2026-12-15"` is taken as the date it plainly is."""
        where, value = f"{w}.{key}", t.get(key)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise self.fail(where, "deadline_text", year=year, value=shown(value)) from None
        if isinstance(value, datetime):
            raise self.fail(where, "deadline_time", day=value.date().isoformat(), value=value.isoformat())
        if value is not None and not isinstance(value, date):
            raise self.fail(where, "deadline_text", year=year, value=shown(value))
        if value is not None and value.year != year:
            raise self.fail(where, "deadline_year", deadline=value.isoformat(), year=year)
        return value

    def agencies(self, items: Any) -> tuple[Agency, ...]:
        if not isinstance(items, list) or not items:
            raise self.fail("[[agencies]]", "no_agencies")
        codes: dict[str, tuple[str, str]] = {}  # casefolded code → (code, where)
        names: dict[str, str] = {}  # name without spaces, casefolded → where
        out = []
        for i, t in enumerate(items, start=1):
            w = f"[[agencies]] #{i}"
            if not isinstance(t, dict):
                raise self.fail(w, "not_table")
            self.unknown_keys(t, toml_keys(Agency), w)
            code = self.get(t, "code", str, w).strip()
            if not CODE.fullmatch(code):
                raise self.fail(f"{w}.code", "bad_code", code=repr(code))
            if code.casefold() in codes:
                other, first = codes[code.casefold()]
                if other == code:
                    raise self.fail(f"{w}.code", "duplicate_code", code=repr(code), first=first)
                raise self.fail(f"{w}.code", "case_code", code=repr(code), other=repr(other), first=first)
            codes[code.casefold()] = (code, w)
            name = self.get(t, "name", str, w).strip()
            folded = "".join(name.split()).casefold()
            if folded in names:
                raise self.fail(f"{w}.name", "duplicate_name", name=repr(name), first=names[folded])
            names[folded] = w
            out.append(
                Agency(
                    code=code,
                    name=name,
                    group=self.get(t, "group", str, w).strip(),
                    supervising_dept=self.get(t, "supervising_dept", str, w, "").strip(),
                    email=self.email(self.get(t, "email", str, w), f"{w}.email"),
                )
            )
        return tuple(out)

    def scoring(self, t: dict, adjustments: Any, agencies: tuple[Agency, ...]) -> Scoring:
        w = "[scoring]"
        self.unknown_keys(t, toml_keys(Scoring), w)
        defaults = Scoring()
        grades = self.grades(t, w) if "grades" in t else defaults.grades
        qual = dict(defaults.qualitative_points)
        if "qualitative_points" in t:
            table = self.table(t, "qualitative_points", f"{w}.qualitative_points")
            for name in table:
                if name not in QUALITATIVE_GRADES:
                    known = _listed(QUALITATIVE_GRADES)
                    raise self.fail(f"{w}.qualitative_points", "unknown_grade", grade=repr(name), known=known)
                value = self.decimal(table, name, f"{w}.qualitative_points")
                if not 0 <= value <= 100:
                    raise self.fail(f"{w}.qualitative_points.{name}", "within_0_100")
                qual[name] = value
        max_bonus = self.decimal(t, "max_bonus", w, defaults.max_bonus)
        if max_bonus < 0:
            raise self.fail(f"{w}.max_bonus", "not_negative")
        margins = {}
        for key in ("range_margin_major", "range_margin_other"):
            margins[key] = self.decimal(t, key, w, getattr(defaults, key))
            if not 0 < margins[key] < 1:
                raise self.fail(f"{w}.{key}", "margin")
        ks = {}
        for key in ("deviation_k_major", "deviation_k_other"):
            ks[key] = self.decimal(t, key, w, getattr(defaults, key))
            if ks[key] <= 0:
                raise self.fail(f"{w}.{key}", "positive")
        names = tuple(name for name, _ in grades)
        excellence = self.excellence(self.table(t, "excellence", f"{w}.excellence"), names)
        return Scoring(
            grades=grades,
            qualitative_points=qual,
            max_bonus=max_bonus,
            excellence=excellence,
            adjustments=self.adjustments(adjustments, agencies, max_bonus),
            **margins,
            **ks,
        )

    def grades(self, t: dict, w: str) -> tuple[tuple[str, Decimal], ...]:
        table = self.table(t, "grades", f"{w}.grades")
        if not table:
            raise self.fail(f"{w}.grades", "no_grade")
        grades = tuple((name, self.decimal(table, name, f"{w}.grades")) for name in table)
        values = [v for _, v in grades]
        if any(a <= b for a, b in zip(values, values[1:], strict=False)):
            raise self.fail(f"{w}.grades", "grades_decrease")
        if values[-1] != 0:
            raise self.fail(f"{w}.grades", "last_grade_zero")
        return grades

    def excellence(self, t: dict, grade_names: tuple[str, ...]) -> Excellence:
        w = "[scoring.excellence]"
        self.unknown_keys(t, toml_keys(Excellence), w)
        defaults = Excellence()
        rule = self.get(t, "rule", str, w, defaults.rule)
        if rule not in EXCELLENCE_RULES:
            raise self.fail(f"{w}.rule", "unknown_rule", rule=repr(rule), known=_listed(EXCELLENCE_RULES))
        grades = tuple(self.get(t, "grades", list, w, defaults.grades))
        for g in grades:
            if g not in grade_names:
                raise self.fail(f"{w}.grades", "unknown_grade", grade=repr(g), known=_listed(grade_names))
        n = self.get(t, "n", int, w, defaults.n)
        if n < 1:
            raise self.fail(f"{w}.n", "at_least_one")
        min_total = self.decimal(t, "min_total", w, defaults.min_total)
        return Excellence(rule=rule, grades=grades, n=n, min_total=min_total)

    def adjustments(self, items: Any, agencies: tuple[Agency, ...], max_bonus: Decimal) -> tuple[Adjustment, ...]:
        if not isinstance(items, list):
            raise self.fail("[[adjustments]]", "list_of_tables")
        codes = [a.code for a in agencies]
        out = []
        bonus: dict[str, Decimal] = {}
        for i, t in enumerate(items, start=1):
            w = f"[[adjustments]] #{i}"
            if not isinstance(t, dict):
                raise self.fail(w, "not_table")
            self.unknown_keys(t, toml_keys(Adjustment), w)
            code = self.get(t, "agency", str, w)
            if code not in codes:
                raise self.fail(f"{w}.agency", "unknown_agency", code=repr(code), known=_listed(codes))
            points = self.decimal(t, "points", w)
            if points == 0:
                raise self.fail(f"{w}.points", "zero_points")
            reason = self.get(t, "reason", str, w).strip()
            if points > 0:
                bonus[code] = bonus.get(code, Decimal(0)) + points
                if bonus[code] > max_bonus:
                    raise self.fail(f"{w}.points", "bonus_over", code=code, total=bonus[code], max=max_bonus)
            out.append(Adjustment(agency=code, points=points, reason=reason))
        return tuple(out)

    def paths(self, t: dict) -> Paths:
        w = "[paths]"
        self.unknown_keys(t, toml_keys(Paths), w)
        resolved = {}
        for f in fields(Paths):
            raw = self.get(t, f.name, str, w, str(f.default))
            p = Path(raw).expanduser()
            resolved[f.name] = (p if p.is_absolute() else self.home / p).resolve()
        return Paths(**resolved)

    def batch(self, t: dict) -> Batch:
        w = "[batch]"
        self.unknown_keys(t, toml_keys(Batch), w)
        age = self.get(t, "min_file_age_seconds", (int, float), w, Batch.min_file_age_seconds)
        size = self.get(t, "max_file_size_mb", (int, float), w, Batch.max_file_size_mb)
        if age < 0:
            raise self.fail(f"{w}.min_file_age_seconds", "not_negative")
        if size <= 0:
            raise self.fail(f"{w}.max_file_size_mb", "positive")
        folders = self.get(t, "agency_folders", bool, w, Batch.agency_folders)
        return Batch(min_file_age_seconds=float(age), max_file_size_mb=float(size), agency_folders=folders)

    def mail(self, t: dict) -> Mail:
        w = "[mail]"
        self.unknown_keys(t, toml_keys(Mail), w)
        transport = self.choice(t, "transport", MAIL_TRANSPORTS, w, Mail.transport)
        report = self.choice(t, "report", MAIL_REPORTS, w, Mail.report)
        to = tuple(self.email(a, f"{w}.to") for a in self.get(t, "to", list, w, Mail.to))
        smtp = self.smtp(self.table(t, "smtp", f"{w}.smtp"))
        days = self.get(t, "remind_days_before", int, w, Mail.remind_days_before)
        if days < 0:
            raise self.fail(f"{w}.remind_days_before", "not_negative")
        retries = self.get(t, "retries", int, w, Mail.retries)
        if retries < 0:
            raise self.fail(f"{w}.retries", "not_negative")
        max_attachment = float(self.get(t, "max_attachment_mb", (int, float), w, Mail.max_attachment_mb))
        if not max_attachment > 0:
            raise self.fail(f"{w}.max_attachment_mb", "positive")
        return Mail(
            transport=transport,
            sender=self.email(self.get(t, "from", str, w, Mail.sender), f"{w}.from"),
            to=to,
            report=report,
            receipts=self.get(t, "receipts", bool, w, Mail.receipts),
            remind_days_before=days,
            retries=retries,
            max_attachment_mb=max_attachment,
            smtp=smtp,
        )

    def choice(self, t: dict, key: str, choices: tuple[str, ...] | dict[str, int], where: str, default: str) -> str:
        value = self.get(t, key, str, where, default)
        if value not in choices:
            raise self.fail(f"{where}.{key}", "choice", choices=either(choices, self.lang), value=repr(value))
        return value

    def smtp(self, s: dict) -> Smtp:
        ws = "[mail.smtp]"
        if "password" in s:  # before the unknown-key check, which would hide this advice
            raise self.fail(f"{ws}.password", "password")
        self.unknown_keys(s, toml_keys(Smtp), ws)
        security = self.choice(s, "security", SMTP_PORTS, ws, Smtp.security)
        return Smtp(
            host=self.get(s, "host", str, ws, Smtp.host),
            port=self.get(s, "port", int, ws, SMTP_PORTS[security]),
            security=security,
            username=self.get(s, "username", str, ws, Smtp.username),
            password_env=self.get(s, "password_env", str, ws, Smtp.password_env),
            timeout=float(self.get(s, "timeout", (int, float), ws, Smtp.timeout)),
        )
