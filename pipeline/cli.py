"""The `pipeline` command: parses options, calls the stage that does the work, turns outcomes into exit codes.

Heavy libraries (pandas, pandera, openpyxl, xlsxwriter) are imported inside the commands, never at module level,
so that `pipeline --help` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.core.i18n import LANGS
from pipeline.exit_codes import Exit
from pipeline.settings.home import resolve_home
from pipeline.settings.load import ConfigError, load_config
from pipeline.settings.schema import CONFIG_NAME

app = typer.Typer(
    name="pipeline",
    help="Validate, score and report public agencies' performance workbooks (nightly batch).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

HomeOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
    typer.Option("--home", help="Working home holding pipeline.toml (default: $PIPELINE_HOME, else current dir)."),
]
LangOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--lang", help="Language of everything a person reads: ko (default) or en."),
]


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"pipeline: {message}", err=True)
    return typer.Exit(code)


def _load(home: Path | None):
    try:
        return load_config(home)
    except ConfigError as exc:
        raise _fail(str(exc), Exit.CONFIG) from None


def _lang(lang: str | None, config=None) -> str:
    chosen = lang or (config.evaluation.lang if config is not None else "ko")
    if chosen not in LANGS:
        raise _fail(f"--lang must be 'ko' or 'en', not {chosen!r}", Exit.BAD_ARGUMENT)
    return chosen


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to make into a working home.")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing pipeline.toml.")] = False,
) -> None:
    """Create a working home: a commented pipeline.toml and the inbox/outbox/archive/rejected/state folders."""
    from pipeline.commands.init import init_command

    raise typer.Exit(init_command(directory, force=force))


@app.command()
def template(
    home: HomeOption = None,
    lang: LangOption = None,
    agency: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--agency", help="Prefill the agency block for this agency code."),
    ] = None,
    all_agencies: Annotated[bool, typer.Option("--all", help="Write one prefilled template per agency.")] = False,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--out", help="File (or folder with --all) to write; default: templates/ in the home."),
    ] = None,
) -> None:
    """Write the standard template workbook (blank, or prefilled for one or every agency)."""
    from pipeline.commands.template import template_command

    config = _load(home) if (agency or all_agencies) else _try_load(home)
    code = template_command(config, lang=_lang(lang, config), agency=agency, all_agencies=all_agencies, out=out)
    raise typer.Exit(code)


def _try_load(home: Path | None):
    """The blank template needs no config, but uses the year and language when there is one."""
    if (resolve_home(home) / CONFIG_NAME).is_file():
        return _load(home)
    return None


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Workbooks to check.")],
    home: HomeOption = None,
    lang: LangOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print findings as JSON on stdout.")] = False,
    feedback: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--feedback", help="Write a feedback workbook per file into this folder."),
    ] = None,
) -> None:
    """Check workbooks and report every problem, cell by cell. Exit 0 clean, 65 errors, 66 unreadable."""
    from pipeline.commands.validate import validate_command

    config = _try_load(home)
    raise typer.Exit(validate_command(files, config, lang=_lang(lang, config), as_json=as_json, feedback_dir=feedback))


@app.command()
def run(
    home: HomeOption = None,
    lang: LangOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate and score; write, move and send nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON on stdout.")] = False,
) -> None:
    """The nightly batch: pick up inbox files, validate, score, report, mail."""
    config = _load(home)
    from pipeline.commands.run import run_command
    from pipeline.system.gc_policy import fewer_collections

    fewer_collections()
    raise typer.Exit(run_command(config, lang=_lang(lang, config), dry_run=dry_run, as_json=as_json))


@app.command()
def status(home: HomeOption = None, lang: LangOption = None) -> None:
    """Per agency: current submission, total and grade, open problems; agencies not yet submitted; last runs."""
    config = _load(home)
    from pipeline.commands.status import status_command

    raise typer.Exit(status_command(config, lang=_lang(lang, config)))


@app.command()
def report(home: HomeOption = None, lang: LangOption = None) -> None:
    """Rebuild today's outputs (workbook, results.json) from the ledger without touching the inbox."""
    config = _load(home)
    from pipeline.commands.report import report_command

    raise typer.Exit(report_command(config, lang=_lang(lang, config)))


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo home.")] = Path("demo"),
    lang: LangOption = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated workbooks.")] = 2019,
) -> None:
    """Build a demo home with the 24 agencies of the real case, fill their workbooks, and run the batch."""
    from pipeline.commands.demo import demo_command

    raise typer.Exit(demo_command(directory, lang=_lang(lang), seed=seed))


def main() -> None:
    try:
        app()
    except ConfigError as exc:  # raised late, e.g. by a command that reloads settings
        typer.echo(f"pipeline: {exc}", err=True)
        sys.exit(Exit.CONFIG)
