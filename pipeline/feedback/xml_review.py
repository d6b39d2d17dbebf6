"""The findings sheet (`검토결과` / `Review`) as a worksheet part of the XML patcher, laid out cell for cell as the
openpyxl writer lays it out, from the same `review.Review`."""

from __future__ import annotations

from pipeline.core.refs import column_letter
from pipeline.feedback.review import (
    FROZEN_CELL,
    HEADER_FILL,
    HEADER_ROW,
    HEADER_TEXT,
    LAST_COLUMN,
    LINK_COLOR,
    LOCATION_COLUMN,
    PAGE_FOOTER,
    PAGE_HEADER,
    PRINT_MARGIN,
    RED,
    TITLE_FONT_SIZE,
    WIDTHS,
    YELLOW,
    Review,
)
from pipeline.feedback.xml_styles import Styles
from pipeline.xlsx.package import NS_MAIN, NS_R
from pipeline.xlsx.xmltext import XML_DECLARATION, escape_text, quoted_attr


def review_sheet(content: Review, styles: Styles) -> str:
    """The findings sheet, laid out as the openpyxl path lays it out, with inline strings (a value starting
    with "=" is text: only `<f>` makes a formula)."""

    def cell(ref: str, text: str, s: int = 0) -> str:
        style = f' s="{s}"' if s else ""
        if not text:
            return f'<c r="{ref}"{style}/>'
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{escape_text(text)}</t></is></c>'

    title = styles.plain(font=styles.font(f'<font><b val="1"/><sz val="{TITLE_FONT_SIZE}"/></font>'))
    header = styles.plain(
        font=styles.font(f'<font><b val="1"/><color rgb="00{HEADER_TEXT}"/></font>'), fill=styles.fill(HEADER_FILL)
    )
    wrap = styles.plain(wrap=True)
    link = styles.plain(font=styles.font(f'<font><color rgb="00{LINK_COLOR}"/><u val="single"/></font>'), wrap=True)
    severity = {
        True: styles.plain(fill=styles.fill(RED), wrap=True),
        False: styles.plain(fill=styles.fill(YELLOW), wrap=True),
    }
    rows = [
        f'<row r="1">{cell("A1", content.title, title)}</row>',
        f'<row r="2">{cell("A2", content.file_line)}</row>',
        f'<row r="3">{cell("A3", content.summary)}</row>',
        f'<row r="{HEADER_ROW}">'
        + "".join(cell(f"{column_letter(c)}{HEADER_ROW}", h, header) for c, h in enumerate(content.headings, 1))
        + "</row>",
    ]
    links = []
    location = column_letter(LOCATION_COLUMN)
    for r, row in enumerate(content.rows, start=HEADER_ROW + 1):
        cells = []
        for c, value in enumerate(row.values, start=1):
            s = severity[row.is_error] if c == 1 else link if c == LOCATION_COLUMN and row.link else wrap
            cells.append(cell(f"{column_letter(c)}{r}", value, s))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        if row.link:
            links.append(f'<hyperlink ref="{location}{r}" location={quoted_attr(row.link)}/>')
    last = HEADER_ROW + len(content.rows)
    cols = "".join(f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>' for c, w in enumerate(WIDTHS, 1))
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="A1:{LAST_COLUMN}{last}"/>'
        f'<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="{HEADER_ROW}" topLeftCell="{FROZEN_CELL}" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>{''.join(rows)}</sheetData>"
        + (f'<autoFilter ref="{content.filter_ref}"/>' if content.filter_ref else "")
        + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "")
        + f'<pageMargins left="{PRINT_MARGIN}" right="{PRINT_MARGIN}" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter><oddHeader>{escape_text(PAGE_HEADER)}</oddHeader>"
        f"<oddFooter>{escape_text(PAGE_FOOTER)}</oddFooter></headerFooter></worksheet>"
    )
