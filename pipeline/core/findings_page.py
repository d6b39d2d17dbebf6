"""docs/findings.md, generated from the findings catalogue: `python -m pipeline.core.findings_page > docs/findings.md`.

Generated so that the page can never drift from the catalogue (a test compares them).
"""

from __future__ import annotations

from pipeline.core.findings import CATALOGUE

COMMAND = "python -m pipeline.core.findings_page > docs/findings.md"


def render_docs() -> str:
    """The page: one table row per finding type, in catalogue order."""
    lines = [
        "# Findings catalogue",
        "",
        f"Generated from the catalogue (`pipeline/core/catalogue_*.py`) by `{COMMAND}`; do not edit.",
        "Every finding names the cell (e.g. `성과목표!K6`) where there is one. Errors reject the submission;",
        "warnings are reported but do not block. In the texts `{field}` is the column heading and `{value}` the value",
        "as typed; every other placeholder is one of the finding's parameters (shown with a sample value).",
        "",
        "| code | severity | message (ko) | how to fix (ko) | message (en) | description | parameters |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in CATALOGUE.values():
        params = ", ".join(f"`{name}` (e.g. {sample})" for name, sample in kind.params.items())
        cells = (
            f"`{kind.code}`",
            kind.severity,
            kind.message[0],
            kind.hint[0],
            kind.message[1],
            kind.description,
            params,
        )
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(render_docs(), end="")
