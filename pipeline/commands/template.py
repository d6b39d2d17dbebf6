"""`pipeline template`: write the standard template, blank, prefilled for one agency, or one per agency."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.exit_codes import Exit
from pipeline.settings.schema import Config
from pipeline.template.workbook import template_file_name, write_template


def template_command(config: Config | None, lang: str, agency: str | None, all_agencies: bool, out: Path | None) -> int:
    """`pipeline template`: blank, one prefilled (`--agency`), or one per agency (`--all`)."""
    home = config.home if config else Path.cwd()
    if agency or all_agencies:
        assert config is not None
        chosen = list(config.agencies) if all_agencies else [config.agency(agency or "")]
        if chosen == [None]:
            known = ", ".join(a.code for a in config.agencies)
            print(f"pipeline: unknown agency code {agency!r} (known: {known})", file=sys.stderr)
            return Exit.BAD_ARGUMENT
        folder = out if (out and all_agencies) else home / "templates"
        for a in chosen:
            assert a is not None
            target = out if (out and not all_agencies) else folder / template_file_name(lang, a)
            print(write_template(target, lang, config, a))
        return Exit.OK
    target = out or home / "templates" / template_file_name(lang)
    print(write_template(target, lang, config))
    return Exit.OK
