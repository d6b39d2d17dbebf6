"""The `--help` page and the command-line mistakes of `pipeline`, written by us in the user's language.

typer (and the click it builds on) print their own English: `Usage:`, `Show this message and exit.`, `Missing
argument`, `Try … for help.`, with no translations and, since typer 0.23, no gettext hook either. So the command
classes below render the help page from the parameters typer built, and turn each usage error into one line in
the language of the `pipeline` command being run (its root context's `obj`, set by `cli.build_app`).
"""

from __future__ import annotations

import re
import shutil
import sys
import unicodedata
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from pipeline.core.i18n import LANGS, Text, tr
from pipeline.exit_codes import Exit

WORDS: dict[str, Text] = {
    "usage": ("사용법:", "Usage:"),
    "arguments": ("인자", "Arguments"),
    "options": ("옵션", "Options"),
    "commands": ("명령", "Commands"),
    "help": ("이 도움말을 보여 주고 끝냅니다.", "Show this message and exit."),
    "default": ("기본값: {value}", "default: {value}"),
    "required": ("필수", "required"),
    "try": ("도움말: {command} --help", "help: {command} --help"),
    "argument": ("인자", "argument"),
    "option": ("옵션", "option"),
    "missing": ("빠진 {kind}: {name}", "missing {kind}: {name}"),
    "missing_command": ("명령을 쓰세요: {commands}", "missing command, one of: {commands}"),
    "no_such_command": (
        "없는 명령입니다: {name} (있는 명령: {commands})",
        "no such command: {name} (one of: {commands})",
    ),
    "no_such_option": ("없는 옵션입니다: {name}", "no such option: {name}"),
    "did_you_mean": (" (혹시 {names}?)", " (did you mean {names}?)"),
    "needs_value": ("옵션 {name} 뒤에 값을 쓰세요", "option {name} needs a value"),
    "bad_value": ("{name} 값이 올바르지 않습니다", "invalid value for {name}: {message}"),
    "extra": ("필요 없는 인자가 있습니다: {args}", "not expected here: {args}"),
    "other": ("명령줄이 잘못되었습니다: {message}", "{message}"),
}
"""typer's and click's own English words, in both languages."""


def page_lang(ctx: Any) -> str:
    """The language `build_app` chose for this command's pages (English for a context without one)."""
    lang = ctx.find_root().obj if ctx is not None else None
    return lang if lang in LANGS else "en"


# --- the help page ---------------------------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns (Hangul takes two), broken between words."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and _width(line) + 1 + _width(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def _rows(rows: list[tuple[str, str]], total: int) -> list[str]:
    """`  left  right` rows, the right column aligned and wrapped under itself."""
    left = min(max((_width(a) for a, _ in rows), default=0), 30)
    out = []
    for name, text in rows:
        wrapped = _wrap(text, max(total - left - 6, 20)) or [""]
        if _width(name) > left:
            out.append(f"  {name}")
            first, rest = "", wrapped
        else:
            first, rest = name + " " * (left - _width(name)), wrapped
        if first:
            out.append(f"  {first}  {rest[0]}".rstrip())
            rest = rest[1:]
        out += [f"  {' ' * left}  {line}" for line in rest]
    return out


def _default(param: Any) -> str | None:
    value = getattr(param, "default", None)
    if isinstance(value, bool) or not isinstance(value, int | str | Path) or value == "":
        return None
    return str(value)


def _param_row(param: Any, lang: str) -> tuple[str, str]:
    if param.name == "help":
        return ", ".join(param.opts), tr(WORDS["help"], lang)
    extras = []
    default = _default(param)
    if default is not None:
        extras.append(tr(WORDS["default"], lang, value=default))
    if param.required:
        extras.append(tr(WORDS["required"], lang))
    text = (param.help or "") + (f"  [{'; '.join(extras)}]" if extras else "")
    if param.param_type_name == "argument":
        return _name(param), text
    flag = getattr(param, "is_flag", False)
    return ", ".join(param.opts) + ("" if flag else f" {param.metavar or 'VALUE'}"), text


def _name(param: Any) -> str:
    """How a mistake names a parameter: `FILE...` for an argument, `--out` for an option."""
    if param.param_type_name == "argument":
        return (param.metavar or param.name.upper()) + ("..." if param.nargs == -1 else "")
    return "/".join(param.opts)


def usage_line(command: Any, ctx: Any, lang: str) -> str:
    """`사용법: pipeline validate [OPTIONS] FILE...`: an optional argument in brackets."""
    pieces = [tr(WORDS["usage"], lang), ctx.command_path, "[OPTIONS]"]
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            pieces.append(_name(param) if param.required else f"[{_name(param)}]")
    if isinstance(command, TyperGroup):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def render_help(command: Any, ctx: Any) -> str:
    """The whole page: usage, what the command does, its arguments, options and (for the group) commands."""
    lang = page_lang(ctx)
    total = min(shutil.get_terminal_size((100, 24)).columns, 100)
    lines = [usage_line(command, ctx, lang), ""]
    if command.help:
        lines += [f"  {line}" for line in _wrap(command.help, total - 4)] + [""]
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    for kind, heading in (("argument", "arguments"), ("option", "options")):
        rows = [_param_row(p, lang) for p in params if p.param_type_name == kind]
        if rows:
            lines += [f"{tr(WORDS[heading], lang)}:", *_rows(rows, total), ""]
    if isinstance(command, TyperGroup):
        rows = [(name, _summary(command.get_command(ctx, name))) for name in command.list_commands(ctx)]
        lines += [f"{tr(WORDS['commands'], lang)}:", *_rows(rows, total), ""]
    return "\n".join(lines).rstrip()


def _summary(command: Any) -> str:
    """A command's first sentence, for the group's list."""
    text = " ".join((command.help or "").split())
    return re.split(r"(?<=\.)\s", text, maxsplit=1)[0].rstrip(".")


# --- command-line mistakes -------------------------------------------------------------------------------------
def _kinds(exc: BaseException) -> set[str]:
    """The names of the exception's classes: click's and typer's own copy of click raise look-alike classes."""
    return {cls.__name__ for cls in type(exc).__mro__}


def explain(exc: BaseException, ctx: Any, lang: str) -> str:
    """One line for a usage error, in `lang`."""
    kinds, message = _kinds(exc), str(getattr(exc, "message", "") or exc)
    param = getattr(exc, "param", None)
    if "NoSuchOption" in kinds:
        line = tr(WORDS["no_such_option"], lang, name=exc.option_name)  # type: ignore[attr-defined]
        near = getattr(exc, "possibilities", None)
        return line + (tr(WORDS["did_you_mean"], lang, names=", ".join(near)) if near else "")
    if "MissingParameter" in kinds and param is not None:
        return tr(WORDS["missing"], lang, kind=tr(WORDS[param.param_type_name], lang), name=_name(param))
    if "BadOptionUsage" in kinds and "requires" in message:
        return tr(WORDS["needs_value"], lang, name=exc.option_name)  # type: ignore[attr-defined]
    if "BadParameter" in kinds and param is not None:
        return tr(WORDS["bad_value"], lang, name=_name(param), message=message)
    if message.startswith("Missing command"):
        return tr(WORDS["missing_command"], lang, commands=", ".join(ctx.command.list_commands(ctx)))
    extra = re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message)
    if extra:
        return tr(WORDS["extra"], lang, args=extra[1])
    return tr(WORDS["other"], lang, message=message)


def usage_error(exc: BaseException, ctx: Any) -> typer.Exit:
    """Print the mistake, the usage line and where help is; exit 2 as every command-line tool does."""
    lang = page_lang(ctx)
    usage = usage_line(ctx.command, ctx, lang)
    hint = tr(WORDS["try"], lang, command=ctx.command_path)
    print(f"pipeline: {explain(exc, ctx, lang)}\n{usage}\n{hint}", file=sys.stderr)
    return typer.Exit(Exit.USAGE)


def _is_usage_error(exc: BaseException) -> bool:
    return "UsageError" in _kinds(exc) and "NoArgsIsHelpError" not in _kinds(exc)


class PipelineCommand(TyperCommand):
    """A `pipeline` command whose help and usage errors speak the user's language."""

    def get_help(self, ctx: Any) -> str:
        return render_help(self, ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if _is_usage_error(exc):
                raise usage_error(exc, ctx) from None
            raise


class PipelineGroup(TyperGroup):
    """The `pipeline` group: its help, its usage errors, and an unknown or missing command, in the user's language."""

    def get_help(self, ctx: Any) -> str:
        return render_help(self, ctx)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            if "NoArgsIsHelpError" in _kinds(exc):
                print(render_help(self, ctx), file=sys.stderr)
                raise typer.Exit(Exit.USAGE) from None
            if _is_usage_error(exc):
                raise usage_error(exc, ctx) from None
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if _is_usage_error(exc):  # `pipeline --lang en` and no command
                raise usage_error(exc, getattr(exc, "ctx", None) or ctx) from None
            raise

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            if not _is_usage_error(exc):
                raise
            lang, names = page_lang(ctx), ", ".join(self.list_commands(ctx))
            line = tr(WORDS["no_such_command"], lang, name=args[0] if args else "", commands=names)
            usage = usage_line(self, ctx, lang)
            print(f"pipeline: {line}\n{usage}\n{tr(WORDS['try'], lang, command=ctx.command_path)}", file=sys.stderr)
            raise typer.Exit(Exit.USAGE) from None
