"""Stage 2, reading: a workbook's cells to values with their cell references (`성과목표!J7`), and what people type
normalised."""
