"""The xlsx format itself, below any reading of the template: the zip package (caps, sniffing, capped reads), XML
text and its safety, and the parts the reader parses (shared strings, styles, worksheets)."""
