"""The night's outputs: what each sheet of the consolidated workbook shows (pure content modules), the xlsxwriter
writer that lays it out, and results.json.

Content (no xlsxwriter, no file system): `labels`, `shapes` (the plain values), `widths`, `grades`, `order`, one
module per sheet (`summary_sheet`, `agencies_sheet`, `goals_sheet`, `ledger_sheets`) and `content`, which puts
them together. Writers import the content they render and nothing imports a writer back: `xlsx_writer` (with
`xlsx_cells`, `xlsx_table`, `xlsx_summary`, and `xlsxwriter_private` for the fast rows) and `results_json` (with
`json_private`). `outputs` names the files and writes both.
"""
