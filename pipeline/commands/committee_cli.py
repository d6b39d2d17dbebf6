"""The typer functions of `pipeline committee sheet|merge` and `pipeline finalize`, added to the app by `cli`.

Kept beside their commands so that `cli.py` grows by one line; each imports its command inside the function (so
`pipeline --help` stays fast). Options and help texts follow the other commands (`words.HELP`)."""

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from pipeline.commands.help_page import PipelineCommand, PipelineGroup
from pipeline.core.i18n import Text, tr

HELP: dict[str, Text] = {
    "committee": (
        "평가위원회: 정성평가 평정표를 만들고(sheet), 채운 평정표를 반영합니다(merge).",
        "The evaluation committee: make the grading sheet (sheet) and merge a filled one (merge).",
    ),
    "committee.sheet": (
        "현재 승인된 제출 파일의 정성평가 목표로 평정표(엑셀)를 만듭니다.",
        "Write the committee's grading workbook from the qualitative goals of the current accepted submissions.",
    ),
    "committee.out": ("평정표를 쓸 경로입니다(기본: outbox/정성평가평정표_연도.xlsx).", "Where to write the sheet."),
    "committee.members": (
        "위원 수: '평가위원 1'…'평가위원 N' 열을 만듭니다([[committee.members]] 대신).",
        "Number of members: columns 'Member 1'…'Member N' (instead of [[committee.members]]).",
    ),
    "committee.send": ("전자우편이 있는 위원에게 평정표를 보냅니다.", "Mail the sheet to every member with an e-mail."),
    "committee.merge": (
        "채운 평정표를 받은편지함에 넣은 것처럼 반영합니다(검사, 보관, 기록, 결과물 다시 만들기).",
        "Merge a filled sheet as if dropped into the inbox (checked, archived, recorded, outputs rebuilt).",
    ),
    "committee.file": ("채운 평정표 파일입니다.", "The filled committee sheet."),
    "committee.reopen": ("확정된 연도를 다시 열고 반영합니다.", "Reopen a confirmed year and merge."),
    "finalize": (
        "올해 결과를 확정합니다: 결과물에 확정 표시, 기관별 결과 메일, 이후 제출은 반려(evaluation.closed).",
        "Confirm the year's results: outputs marked final, each agency mailed its result, later files rejected.",
    ),
    "finalize.date": (
        "확정일(YYYY-MM-DD, 기본: 오늘)입니다.",
        "The date of the confirmation (YYYY-MM-DD, default today).",
    ),
    "finalize.force": (
        "정성평가가 끝나지 않은(잠정) 기관이 있어도 확정합니다(없으면 종료 코드 65로 거부).",
        "Finalize even while agencies are provisional (qualitative goals not graded); without it: exit code 65.",
    ),
}


def add_committee(app: typer.Typer, lang: str, home_option: Any, lang_option: Any, load: Any, pick_lang: Any) -> None:
    """`pipeline committee sheet|merge` and `pipeline finalize` on `app`."""
    group = typer.Typer(cls=PipelineGroup, help=tr(HELP["committee"], lang), no_args_is_help=True)

    @group.command(cls=PipelineCommand, help=tr(HELP["committee.sheet"], lang))
    def sheet(
        ctx: typer.Context,
        home: home_option = None,
        lang: lang_option = None,
        out: Annotated[
            Optional[Path],  # noqa: UP045 - typer reads the annotation at run time
            typer.Option("--out", help=tr(HELP["committee.out"], lang), metavar="FILE", show_default=False),
        ] = None,
        members: Annotated[
            Optional[int],  # noqa: UP045
            typer.Option("--members", help=tr(HELP["committee.members"], lang), metavar="N", show_default=False, min=1),
        ] = None,
        send: Annotated[
            bool, typer.Option("--send", help=tr(HELP["committee.send"], lang), show_default=False)
        ] = False,
    ) -> None:
        config = load(ctx, home, lang)
        from pipeline.commands.committee import sheet_command

        raise typer.Exit(sheet_command(config, out, members, send, pick_lang(ctx, lang, config)))

    @group.command(cls=PipelineCommand, help=tr(HELP["committee.merge"], lang))
    def merge(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help=tr(HELP["committee.file"], lang), metavar="FILE")],
        home: home_option = None,
        lang: lang_option = None,
        reopen: Annotated[
            bool, typer.Option("--reopen", help=tr(HELP["committee.reopen"], lang), show_default=False)
        ] = False,
    ) -> None:
        config = load(ctx, home, lang)
        from pipeline.commands.committee import merge_command

        raise typer.Exit(merge_command(config, file, reopen, pick_lang(ctx, lang, config)))

    app.add_typer(group, name="committee")

    @app.command(cls=PipelineCommand, help=tr(HELP["finalize"], lang))
    def finalize(
        ctx: typer.Context,
        home: home_option = None,
        lang: lang_option = None,
        when: Annotated[
            Optional[str],  # noqa: UP045
            typer.Option("--date", help=tr(HELP["finalize.date"], lang), metavar="YYYY-MM-DD", show_default=False),
        ] = None,
        force: Annotated[bool, typer.Option("--force", help=tr(HELP["finalize.force"], lang))] = False,
    ) -> None:
        config = load(ctx, home, lang)
        try:
            day = date.fromisoformat(when) if when else None
        except ValueError:
            typer.echo(f"pipeline: --date {when!r}: YYYY-MM-DD", err=True)
            raise typer.Exit(64) from None
        from pipeline.commands.finalize import finalize_command

        raise typer.Exit(finalize_command(config, day, pick_lang(ctx, lang, config), force))
