"""The demo city: the 24 agencies of the real case, their goals, and workbooks typed the way officers type them."""
