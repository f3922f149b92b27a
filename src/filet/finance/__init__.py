"""Follow the money: laundering typologies over the ``transactions`` event table.

Each detector (fan-in and fan-out, cycles, structuring) is SQL written once in DuckDB's
dialect that also runs on Spark; its alerts name the pattern, the accounts, the
transactions (evidence rows) and the amounts. A learned score (``model``: LightGBM over
time-respecting transfer and graph features) is measured against them on labelled
transfers. See ``docs/finance.md``.
"""
