"""`pipeline.toml` → typed, checked settings.

Every problem is reported as one line naming the file and the key (`pipeline.toml: [scoring].grades: thresholds
must decrease`), so that an officer editing the file by hand can fix it without reading code.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.core.i18n import LANGS
from pipeline.core.layout import QUALITATIVE_GRADES
from pipeline.settings.home import resolve_home
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


class ConfigError(Exception):
    """A problem with pipeline.toml; its text is the one line shown to the operator."""


def load_config(home: str | Path | None = None) -> Config:
    base = resolve_home(home)
    path = base / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"{path}: not found (create one with `pipeline init {base}`)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_config(text, home=base, source=path)


def parse_config(text: str, home: Path, source: Path | None = None) -> Config:
    src = source or home / CONFIG_NAME
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{src.name}: not valid TOML: {exc}") from exc
    return _Parser(src.name, home).config(data, src)


class _Parser:
    """Reads the TOML tree; each accessor names the key it complains about."""

    def __init__(self, file_name: str, home: Path) -> None:
        self.file = file_name
        self.home = home

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.file}: {where}: {message}")

    # typed getters ------------------------------------------------------------------------------------
    def table(self, data: dict, key: str, where: str, required: bool = False) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                raise self.fail(where, "missing table")
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "must be a table")
        return value

    def get(self, data: dict, key: str, kind: type | tuple[type, ...], where: str, default: Any = ...) -> Any:
        if key not in data:
            if default is ...:
                raise self.fail(f"{where}.{key}", "missing key")
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(f"{where}.{key}", f"must be {_kind_name(kinds)}, not {value!r}")
        if not isinstance(value, kinds):
            raise self.fail(f"{where}.{key}", f"must be {_kind_name(kinds)}, not {value!r}")
        if isinstance(value, str) and str in kinds and not value.strip() and default is ...:
            raise self.fail(f"{where}.{key}", "must not be empty")
        return value

    def decimal(self, data: dict, key: str, where: str, default: Any = ...) -> Decimal:
        value = self.get(data, key, (int, float, str), where, default)
        if isinstance(value, Decimal):
            return value
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{where}.{key}", f"must be a number, not {value!r}") from None
        if not result.is_finite():
            raise self.fail(f"{where}.{key}", f"must be a finite number, not {value!r}")
        return result

    def unknown_keys(self, data: dict, known: set[str], where: str) -> None:
        extra = sorted(set(data) - known)
        if extra:
            raise self.fail(where, f"unknown key {extra[0]!r} (known: {', '.join(sorted(known))})")

    # sections --------------------------------------------------------------------------------------
    def config(self, data: dict, source: Path) -> Config:
        self.unknown_keys(
            data, {"evaluation", "agencies", "scoring", "adjustments", "paths", "batch", "mail"}, "top level"
        )
        evaluation = self.evaluation(self.table(data, "evaluation", "[evaluation]", required=True))
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
        )

    def evaluation(self, t: dict) -> Evaluation:
        w = "[evaluation]"
        self.unknown_keys(t, toml_keys(Evaluation), w)
        year = self.get(t, "year", int, w)
        if not 2000 <= year <= 2100:
            raise self.fail(f"{w}.year", f"must be a year between 2000 and 2100, not {year}")
        lang = self.get(t, "lang", str, w, Evaluation.lang)
        if lang not in LANGS:
            raise self.fail(f"{w}.lang", f"must be {_either(LANGS)}, not {lang!r}")
        title = self.get(t, "title", str, w, default_title(year, lang))
        if not title:
            title = default_title(year, "en")
        deadline = self.get(t, "deadline", date, w, Evaluation.deadline)
        return Evaluation(year=year, title=title, lang=lang, deadline=deadline)

    def agencies(self, items: Any) -> tuple[Agency, ...]:
        if not isinstance(items, list) or not items:
            raise self.fail("[[agencies]]", "missing: list every agency as an [[agencies]] table")
        seen: set[str] = set()
        out = []
        for i, t in enumerate(items, start=1):
            w = f"[[agencies]] #{i}"
            if not isinstance(t, dict):
                raise self.fail(w, "must be a table")
            self.unknown_keys(t, toml_keys(Agency), w)
            code = self.get(t, "code", str, w).strip()
            if code in seen:
                raise self.fail(f"{w}.code", f"duplicate agency code {code!r}")
            seen.add(code)
            email = self.get(t, "email", str, w).strip()
            if "@" not in email or any(ch in email for ch in "\r\n ,;"):
                raise self.fail(f"{w}.email", f"not a single e-mail address: {email!r}")
            out.append(
                Agency(
                    code=code,
                    name=self.get(t, "name", str, w).strip(),
                    group=self.get(t, "group", str, w).strip(),
                    supervising_dept=self.get(t, "supervising_dept", str, w, "").strip(),
                    email=email,
                )
            )
        return tuple(out)

    def scoring(self, t: dict, adjustments: Any, agencies: tuple[Agency, ...]) -> Scoring:
        w = "[scoring]"
        self.unknown_keys(t, toml_keys(Scoring), w)
        defaults = Scoring()
        grades = defaults.grades
        if "grades" in t:
            table = self.table(t, "grades", f"{w}.grades")
            if not table:
                raise self.fail(f"{w}.grades", "must name at least one grade")
            grades = tuple((name, self.decimal(table, name, f"{w}.grades")) for name in table)
            values = [v for _, v in grades]
            if any(a <= b for a, b in zip(values, values[1:], strict=False)):
                raise self.fail(f"{w}.grades", "thresholds must decrease (e.g. S = 90, A = 80, …, D = 0)")
            if values[-1] != 0:
                raise self.fail(f"{w}.grades", "the last grade must start at 0 so that every total has a grade")
        qual = dict(defaults.qualitative_points)
        if "qualitative_points" in t:
            table = self.table(t, "qualitative_points", f"{w}.qualitative_points")
            for name in table:
                if name not in QUALITATIVE_GRADES:
                    raise self.fail(
                        f"{w}.qualitative_points",
                        f"unknown grade {name!r} (known: {', '.join(QUALITATIVE_GRADES)})",
                    )
                value = self.decimal(table, name, f"{w}.qualitative_points")
                if not 0 <= value <= 100:
                    raise self.fail(f"{w}.qualitative_points.{name}", "must be within 0-100")
                qual[name] = value
        max_bonus = self.decimal(t, "max_bonus", w, defaults.max_bonus)
        if max_bonus < 0:
            raise self.fail(f"{w}.max_bonus", "must not be negative")
        margins = {}
        for key in ("range_margin_major", "range_margin_other"):
            margins[key] = self.decimal(t, key, w, getattr(defaults, key))
            if not 0 < margins[key] < 1:
                raise self.fail(f"{w}.{key}", "must be between 0 and 1 (0.2 means ±20%)")
        ks = {}
        for key in ("deviation_k_major", "deviation_k_other"):
            ks[key] = self.decimal(t, key, w, getattr(defaults, key))
            if ks[key] <= 0:
                raise self.fail(f"{w}.{key}", "must be positive")
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

    def excellence(self, t: dict, grade_names: tuple[str, ...]) -> Excellence:
        w = "[scoring.excellence]"
        self.unknown_keys(t, toml_keys(Excellence), w)
        defaults = Excellence()
        rule = self.get(t, "rule", str, w, defaults.rule)
        if rule not in EXCELLENCE_RULES:
            raise self.fail(f"{w}.rule", f"unknown rule {rule!r} (known: {', '.join(EXCELLENCE_RULES)})")
        grades = tuple(self.get(t, "grades", list, w, defaults.grades))
        for g in grades:
            if g not in grade_names:
                raise self.fail(f"{w}.grades", f"unknown grade {g!r} (known: {', '.join(grade_names)})")
        n = self.get(t, "n", int, w, defaults.n)
        if n < 1:
            raise self.fail(f"{w}.n", "must be at least 1")
        min_total = self.decimal(t, "min_total", w, defaults.min_total)
        return Excellence(rule=rule, grades=grades, n=n, min_total=min_total)

    def adjustments(self, items: Any, agencies: tuple[Agency, ...], max_bonus: Decimal) -> tuple[Adjustment, ...]:
        if not isinstance(items, list):
            raise self.fail("[[adjustments]]", "must be a list of tables")
        codes = {a.code for a in agencies}
        out = []
        bonus: dict[str, Decimal] = {}
        for i, t in enumerate(items, start=1):
            w = f"[[adjustments]] #{i}"
            if not isinstance(t, dict):
                raise self.fail(w, "must be a table")
            self.unknown_keys(t, toml_keys(Adjustment), w)
            code = self.get(t, "agency", str, w)
            if code not in codes:
                raise self.fail(f"{w}.agency", f"unknown agency code {code!r}")
            points = self.decimal(t, "points", w)
            if points == 0:
                raise self.fail(f"{w}.points", "must not be zero (positive = 가점, negative = 감점)")
            reason = self.get(t, "reason", str, w).strip()
            if points > 0:
                bonus[code] = bonus.get(code, Decimal(0)) + points
                if bonus[code] > max_bonus:
                    raise self.fail(
                        f"{w}.points", f"bonuses for {code} add up to {bonus[code]}, over [scoring].max_bonus"
                    )
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
            raise self.fail(f"{w}.min_file_age_seconds", "must not be negative")
        if size <= 0:
            raise self.fail(f"{w}.max_file_size_mb", "must be positive")
        return Batch(min_file_age_seconds=float(age), max_file_size_mb=float(size))

    def mail(self, t: dict) -> Mail:
        w = "[mail]"
        self.unknown_keys(t, toml_keys(Mail), w)
        transport = self.get(t, "transport", str, w, Mail.transport)
        if transport not in MAIL_TRANSPORTS:
            raise self.fail(f"{w}.transport", f"must be {_either(MAIL_TRANSPORTS)}, not {transport!r}")
        report = self.get(t, "report", str, w, Mail.report)
        if report not in MAIL_REPORTS:
            raise self.fail(f"{w}.report", f"must be {_either(MAIL_REPORTS)}, not {report!r}")
        to = self.get(t, "to", list, w, Mail.to)
        for address in to:
            if not isinstance(address, str) or "@" not in address:
                raise self.fail(f"{w}.to", f"not an e-mail address: {address!r}")
        smtp = self.smtp(self.table(t, "smtp", f"{w}.smtp"))
        days = self.get(t, "remind_days_before", int, w, Mail.remind_days_before)
        if days < 0:
            raise self.fail(f"{w}.remind_days_before", "must not be negative")
        retries = self.get(t, "retries", int, w, Mail.retries)
        if retries < 0:
            raise self.fail(f"{w}.retries", "must not be negative")
        max_attachment = float(self.get(t, "max_attachment_mb", (int, float), w, Mail.max_attachment_mb))
        if not max_attachment > 0:
            raise self.fail(f"{w}.max_attachment_mb", "must be more than 0")
        return Mail(
            transport=transport,
            sender=self.get(t, "from", str, w, Mail.sender),
            to=tuple(to),
            report=report,
            receipts=self.get(t, "receipts", bool, w, Mail.receipts),
            remind_days_before=days,
            retries=retries,
            max_attachment_mb=max_attachment,
            smtp=smtp,
        )

    def smtp(self, s: dict) -> Smtp:
        ws = "[mail.smtp]"
        if "password" in s:  # before the unknown-key check, which would hide this advice
            raise self.fail(f"{ws}.password", "never put a password in the file; name a variable in password_env")
        self.unknown_keys(s, toml_keys(Smtp), ws)
        security = self.get(s, "security", str, ws, Smtp.security)
        if security not in SMTP_PORTS:
            raise self.fail(f"{ws}.security", f"must be {_either(SMTP_PORTS)}, not {security!r}")
        return Smtp(
            host=self.get(s, "host", str, ws, Smtp.host),
            port=self.get(s, "port", int, ws, SMTP_PORTS[security]),
            security=security,
            username=self.get(s, "username", str, ws, Smtp.username),
            password_env=self.get(s, "password_env", str, ws, Smtp.password_env),
            timeout=float(self.get(s, "timeout", (int, float), ws, Smtp.timeout)),
        )


def _either(choices: tuple[str, ...] | dict[str, Any]) -> str:
    """`'a', 'b' or 'c'`: the choices as an error message lists them."""
    quoted = [repr(c) for c in choices]
    return f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "true or false",
        list: "a list",
        dict: "a table",
        date: "a date (YYYY-MM-DD)",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)
