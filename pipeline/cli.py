"""The `pipeline` command: parses options, calls the stage that does the work, turns outcomes into exit codes.

Heavy libraries (pandas, pandera, openpyxl, xlsxwriter) are imported inside the commands, never at module level,
so that `pipeline --help` answers at once. The help is in one language, chosen before the command is built
(`help_lang`): `--lang` anywhere on the line, else `$PIPELINE_LANG`, else the home's `[evaluation] lang`, else
Korean. What a command prints follows `--lang` (after or before the command), `$PIPELINE_LANG`, the settings.
"""

# No `from __future__ import annotations`: typer reads each command's annotations when `build_app` defines it,
# and the help texts inside them are those of the language being built.

import os
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from pipeline.commands.closed_pipe import QuietStdout
from pipeline.commands.committee_cli import add_committee
from pipeline.commands.help_page import PipelineCommand, PipelineGroup
from pipeline.commands.words import HELP, SAY
from pipeline.core.i18n import LANGS, tr
from pipeline.exit_codes import Exit
from pipeline.settings.home import resolve_home
from pipeline.settings.load import ConfigError, load_config
from pipeline.settings.schema import CONFIG_NAME

LANG_BEFORE_COMMAND = "pipeline.lang"
"""Where the group keeps a `--lang` given before the command (click shares `meta` with the command's context)."""


def build_app(lang: str) -> typer.Typer:
    """The `pipeline` command with its help in `lang`."""
    app = typer.Typer(
        name="pipeline",
        cls=PipelineGroup,
        help=tr(HELP["app"], lang),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"obj": lang},
    )
    for add in (
        _add_root,
        _add_init,
        _add_template,
        _add_validate,
        _add_run,
        _add_status,
        _add_report,
        _add_rollover,
        _add_demo,
    ):
        add(app, lang)
    app.add_typer(build_plan(lang), name="plan")
    add_committee(app, lang, _home_option(lang), _lang_option(lang), _load, _lang)
    return app


def build_plan(lang: str) -> typer.Typer:
    """`pipeline plan …`: the year-start plans (issue 16)."""
    plan = typer.Typer(
        cls=PipelineGroup,
        help=tr(HELP["plan"], lang),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"obj": lang},
    )
    for add in (_add_plan_confirm, _add_plan_show, _add_plan_book):
        add(plan, lang)
    return plan


def _add_plan_confirm(plan: typer.Typer, lang: str) -> None:
    @plan.command(cls=PipelineCommand, help=tr(HELP["plan.confirm"], lang))
    def confirm(
        ctx: typer.Context,
        codes: Annotated[
            Optional[list[str]],  # noqa: UP045
            typer.Argument(help=tr(HELP["plan.codes"], lang), metavar="CODE", show_default=False),
        ] = None,
        all_agencies: _flag("--all", tr(HELP["plan.all"], lang)) = False,
        note: Annotated[
            str, typer.Option("--note", help=tr(HELP["plan.note"], lang), metavar="TEXT", show_default=False)
        ] = "",
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.plan import confirm_command

        raise typer.Exit(confirm_command(config, _lang(ctx, lang, config), codes or [], all_agencies, note))


def _add_plan_show(plan: typer.Typer, lang: str) -> None:
    @plan.command(cls=PipelineCommand, help=tr(HELP["plan.show"], lang))
    def show(
        ctx: typer.Context,
        code: Annotated[str, typer.Argument(help=tr(HELP["plan.code"], lang), metavar="CODE")],
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.plan import show_command

        raise typer.Exit(show_command(config, _lang(ctx, lang, config), code))


def _add_plan_book(plan: typer.Typer, lang: str) -> None:
    @plan.command(cls=PipelineCommand, help=tr(HELP["plan.book"], lang))
    def book(
        ctx: typer.Context,
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.plan_book import plan_book_command

        raise typer.Exit(plan_book_command(config, _lang(ctx, lang, config)))


# --- options every command shares ------------------------------------------------------------------------------
def _home_option(lang: str) -> Any:
    return Annotated[
        Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
        typer.Option("--home", help=tr(HELP["home"], lang), metavar="DIR", show_default=False),
    ]


def _lang_option(lang: str) -> Any:
    return Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--lang", help=tr(HELP["lang"], lang), metavar="ko|en", show_default=False),
    ]


def _flag(name: str, text: str) -> Any:
    return Annotated[bool, typer.Option(name, help=text, show_default=False)]


def _fail(ctx: typer.Context, key: str, code: int, **values: object) -> typer.Exit:
    """One line on stderr in the language of the help (the one a mistake on the command line is read in)."""
    typer.echo(f"pipeline: {tr(SAY[key], ctx.find_root().obj, **values)}", err=True)
    return typer.Exit(code)


def _explicit_lang(ctx: typer.Context, lang: str | None) -> str | None:
    """`--lang` after the command, else before it, else `$PIPELINE_LANG`; None when none is given."""
    given = (("--lang", lang), ("--lang", ctx.meta.get(LANG_BEFORE_COMMAND)), ("$PIPELINE_LANG", _env_lang()))
    for name, value in given:
        if value:
            if value not in LANGS:
                raise _fail(ctx, "bad_lang", Exit.BAD_ARGUMENT, name=name, value=repr(value))
            return value
    return None


def _env_lang() -> str | None:
    return os.environ.get("PIPELINE_LANG") or None


def _lang(ctx: typer.Context, lang: str | None, config: Any = None) -> str:
    return _explicit_lang(ctx, lang) or (config.evaluation.lang if config is not None else "ko")


def _load(ctx: typer.Context, home: Path | None, lang: str | None) -> Any:
    try:
        config = load_config(home, lang=_explicit_lang(ctx, lang))
    except ConfigError as exc:
        typer.echo(f"pipeline: {exc}", err=True)
        raise typer.Exit(Exit.CONFIG) from None
    for note in config.notes:  # accepted, but worth saying: a deprecated key
        typer.echo(f"pipeline: {config.source.name}: {tr(note, _lang(ctx, lang, config))}", err=True)
    return config


def _try_load(ctx: typer.Context, home: Path | None, lang: str | None) -> Any:
    """The blank template and `validate` need no config, but use the year, agencies and language when there is one."""
    if (resolve_home(home) / CONFIG_NAME).is_file():
        return _load(ctx, home, lang)
    return None


# --- the commands ----------------------------------------------------------------------------------------------
def _add_root(app: typer.Typer, lang: str) -> None:
    @app.callback()
    def root(ctx: typer.Context, lang: _lang_option(lang) = None) -> None:
        ctx.meta[LANG_BEFORE_COMMAND] = lang


def _add_init(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["init"], lang))
    def init(
        ctx: typer.Context,
        directory: Annotated[Path, typer.Argument(help=tr(HELP["init.directory"], lang), metavar="DIR")],
        force: _flag("--force", tr(HELP["init.force"], lang)) = False,
        agency_folders: _flag("--agency-folders", tr(HELP["init.agency_folders"], lang)) = False,
        lang: _lang_option(lang) = None,
    ) -> None:
        from pipeline.commands.init import init_command

        raise typer.Exit(init_command(directory, lang=_lang(ctx, lang), force=force, agency_folders=agency_folders))


def _add_template(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["template"], lang))
    def template(
        ctx: typer.Context,
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
        agency: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--agency", help=tr(HELP["template.agency"], lang), metavar="CODE", show_default=False),
        ] = None,
        all_agencies: _flag("--all", tr(HELP["template.all"], lang)) = False,
        out: Annotated[
            Optional[str],  # noqa: UP045 - a string: `templates/` must keep its slash (a folder)
            typer.Option("--out", help=tr(HELP["template.out"], lang), metavar="PATH", show_default=False),
        ] = None,
        force: _flag("--force", tr(HELP["template.force"], lang)) = False,
        kind: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--kind", help=tr(HELP["template.kind"], lang), metavar="plan|midyear|results"),
        ] = None,
    ) -> None:
        from pipeline.commands.template import template_command

        config = _load(ctx, home, lang) if (agency or all_agencies) else _try_load(ctx, home, lang)
        chosen = _lang(ctx, lang, config)
        raise typer.Exit(template_command(config, chosen, agency, all_agencies, out, force=force, kind=kind))


def _add_validate(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["validate"], lang))
    def validate(
        ctx: typer.Context,
        files: Annotated[list[Path], typer.Argument(help=tr(HELP["validate.files"], lang), metavar="FILE")],
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
        as_json: _flag("--json", tr(HELP["validate.json"], lang)) = False,
        feedback: Annotated[
            Optional[Path],  # noqa: UP045
            typer.Option("--feedback", help=tr(HELP["validate.feedback"], lang), metavar="DIR", show_default=False),
        ] = None,
    ) -> None:
        from pipeline.commands.validate import validate_command

        config = _try_load(ctx, home, lang)
        code = validate_command(files, config, lang=_lang(ctx, lang, config), as_json=as_json, feedback_dir=feedback)
        raise typer.Exit(code)


def _add_run(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["run"], lang))
    def run(
        ctx: typer.Context,
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
        dry_run: _flag("--dry-run", tr(HELP["run.dry_run"], lang)) = False,
        as_json: _flag("--json", tr(HELP["run.json"], lang)) = False,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.run import run_command
        from pipeline.system.gc_policy import fewer_collections

        fewer_collections()
        raise typer.Exit(run_command(config, lang=_lang(ctx, lang, config), dry_run=dry_run, as_json=as_json))


def _add_status(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["status"], lang))
    def status(
        ctx: typer.Context,
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
        as_json: _flag("--json", tr(HELP["status.json"], lang)) = False,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.status import status_command

        raise typer.Exit(status_command(config, lang=_lang(ctx, lang, config), as_json=as_json))


def _add_report(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["report"], lang))
    def report(
        ctx: typer.Context,
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
        agency: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--agency", help=tr(HELP["report.agency"], lang), metavar="CODE", show_default=False),
        ] = None,
        pdf: Annotated[bool, typer.Option("--pdf", help=tr(HELP["report.pdf"], lang))] = False,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.report import report_command

        raise typer.Exit(report_command(config, lang=_lang(ctx, lang, config), agency=agency, pdf=pdf or None))


def _add_rollover(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["rollover"], lang))
    def rollover(
        ctx: typer.Context,
        year: Annotated[int, typer.Argument(help=tr(HELP["rollover.year"], lang), metavar="YEAR")],
        home: _home_option(lang) = None,
        lang: _lang_option(lang) = None,
    ) -> None:
        config = _load(ctx, home, lang)
        from pipeline.commands.rollover import rollover_command

        raise typer.Exit(rollover_command(config, lang=_lang(ctx, lang, config), year=year))


def _add_demo(app: typer.Typer, lang: str) -> None:
    @app.command(cls=PipelineCommand, help=tr(HELP["demo"], lang))
    def demo(
        ctx: typer.Context,
        directory: Annotated[Path, typer.Argument(help=tr(HELP["demo.directory"], lang), metavar="DIR")] = Path("demo"),
        lang: _lang_option(lang) = None,
        seed: Annotated[int, typer.Option(help=tr(HELP["demo.seed"], lang), metavar="N")] = 2019,
    ) -> None:
        from pipeline.commands.demo import demo_command

        raise typer.Exit(demo_command(directory, lang=_lang(ctx, lang), seed=seed))


# --- the language of the help, before there is a command ------------------------------------------------------
def help_lang(argv: list[str]) -> str:
    """`--lang` anywhere on the line, else `$PIPELINE_LANG`, else the home's `[evaluation] lang`, else Korean."""
    for value in (_option_value(argv, "--lang"), _env_lang()):
        if value in LANGS:
            return value
    return _home_lang(_option_value(argv, "--home")) or "ko"


def _option_value(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def _home_lang(home: str | None) -> str | None:
    """The language the home's pipeline.toml asks for, if the file reads cleanly (any mistake is told later)."""
    try:
        data = tomllib.loads((resolve_home(home) / CONFIG_NAME).read_bytes().decode("utf-8-sig"))
        lang = data["evaluation"]["lang"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    return lang if lang in LANGS else None


app = build_app("ko")
"""The command with its Korean help, for tests and for `python -m pipeline` run without `main`."""


def main() -> None:
    sys.stdout = QuietStdout(sys.stdout)
    try:
        build_app(help_lang(sys.argv[1:]))(prog_name="pipeline")
    except ConfigError as exc:  # raised late, e.g. by a command that reloads settings
        typer.echo(f"pipeline: {exc}", err=True)
        sys.exit(Exit.CONFIG)
    finally:
        sys.stdout.flush()
