"""The standard Excel template that agencies fill in (openpyxl): dropdowns, protection, version property, prefilled
copies."""
