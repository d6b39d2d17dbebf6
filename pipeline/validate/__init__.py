"""Stage 3, validation: pandera schemas, cell checks and cross-checks that turn a read workbook into findings and, when
clean, a Submission. It checks goals against the scoring rules, so it sits above `scoring`."""
