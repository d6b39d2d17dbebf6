"""The night's outputs: what each sheet shows (content, pure), the consolidated workbook writer (xlsxwriter) and
results.json."""
