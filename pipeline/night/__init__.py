"""The nightly batch: decide → record → act → done over the inbox, the worker pool, the SQLite ledger, tonight's
outputs and mail, and the run summary."""
