"""The styles part as the XML patcher edits it: fonts, fills and cell formats appended (never renumbered), the
marked cells' formats copied from their own with a fill, and the findings sheet's formats."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.feedback.xml_edit import (
    Decline,
    apply_edits,
    end_of,
    only_one,
    require_main_namespace,
    root_tag,
    set_attrs,
    start_tags,
)


@dataclass
class Styles:
    """xl/styles.xml with fonts, fills and cell formats appended; `marked` and `plain` hand out cellXfs indexes."""

    xml: str
    fonts: list[str] = field(default_factory=list)
    fills: list[str] = field(default_factory=list)
    xfs: list[str] = field(default_factory=list)  # new <xf> elements
    font_count: int = 0
    fill_count: int = 0
    existing_xfs: list[str] = field(default_factory=list)  # the cellXfs children as written
    _fill_ids: dict[str, int] = field(default_factory=dict)
    _font_ids: dict[str, int] = field(default_factory=dict)
    _marked: dict[tuple[int, str], int] = field(default_factory=dict)
    _plain: dict[tuple[int, int, bool], int] = field(default_factory=dict)

    @classmethod
    def parse(cls, xml: str) -> Styles:
        require_main_namespace(root_tag(xml, "styleSheet"), "styles")
        styles = cls(xml)
        styles.font_count = len(start_tags("font").findall(styles._section("fonts")))
        styles.fill_count = len(start_tags("fill").findall(styles._section("fills")))
        xfs = styles._section("cellXfs")
        for m in start_tags("xf").finditer(xfs):
            styles.existing_xfs.append(xfs[m.start() : end_of(xfs, m, "xf") + (0 if m.group(0).endswith("/>") else 5)])
        if not styles.font_count or not styles.fill_count or not styles.existing_xfs:
            raise Decline("styles: no fonts, fills or cellXfs")
        if not start_tags("xf").search(styles._section("cellStyleXfs")):
            raise Decline("styles: no cellStyleXfs")
        return styles

    def _span(self, name: str) -> tuple[re.Match[str], int]:
        start = only_one(start_tags(name), self.xml, f"<{name}>")
        if start.group(0).endswith("/>"):
            raise Decline(f"styles: empty <{name}/>")
        return start, end_of(self.xml, start, name)

    def _section(self, name: str) -> str:
        start, end = self._span(name)
        return self.xml[start.end() : end]

    def fill(self, rgb: str) -> int:
        if rgb not in self._fill_ids:
            self._fill_ids[rgb] = self.fill_count + len(self.fills)
            self.fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="00{rgb}"/></patternFill></fill>')
        return self._fill_ids[rgb]

    def font(self, xml: str) -> int:
        if xml not in self._font_ids:
            self._font_ids[xml] = self.font_count + len(self.fonts)
            self.fonts.append(xml)
        return self._font_ids[xml]

    def _new_xf(self, xml: str) -> int:
        self.xfs.append(xml)
        return len(self.existing_xfs) + len(self.xfs) - 1

    def marked(self, base: int, rgb: str) -> int:
        """A copy of cell format `base` (alignment, protection and all) with a solid fill: one per (base, colour)."""
        key = (base, rgb)
        if key not in self._marked:
            if base >= len(self.existing_xfs):
                raise Decline(f"style index {base} out of range")
            xf = self.existing_xfs[base]
            tag = start_tags("xf").match(xf)
            assert tag is not None
            new = set_attrs(tag.group(0), {"fillId": str(self.fill(rgb)), "applyFill": "1"}) + xf[tag.end() :]
            self._marked[key] = self._new_xf(new)
        return self._marked[key]

    def plain(self, font: int = 0, fill: int = 0, wrap: bool = False) -> int:
        """A cell format of the findings sheet (the openpyxl path's: a font, a fill, top-aligned wrapped text)."""
        key = (font, fill, wrap)
        if key not in self._plain:
            attrs = f'numFmtId="0" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
            attrs += ' applyFont="1"' if font else ""
            attrs += ' applyFill="1"' if fill else ""
            if wrap:
                xml = f'<xf {attrs} applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
            else:
                xml = f"<xf {attrs}/>"
            self._plain[key] = self._new_xf(xml)
        return self._plain[key]

    def patched(self) -> str:
        xml = self.xml
        edits = []
        for name, count, added in (
            ("fonts", self.font_count, self.fonts),
            ("fills", self.fill_count, self.fills),
            ("cellXfs", len(self.existing_xfs), self.xfs),
        ):
            if added:
                start, end = self._span(name)
                edits.append(
                    (start.start(), start.end(), set_attrs(start.group(0), {"count": str(count + len(added))}))
                )
                edits.append((end, end, "".join(added)))
        return apply_edits(xml, edits)
