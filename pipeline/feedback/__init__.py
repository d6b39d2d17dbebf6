"""The submitter's own workbook given back with every finding marked on its cell, plus a findings sheet."""
