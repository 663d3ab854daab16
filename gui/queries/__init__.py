"""Read-only queries the views need, as plain functions returning plain data (no Qt).

They use Core-style ``select(columns)`` so the tree and a 100,000-row list load in milliseconds,
and they take a session so the caller decides the unit of work. Everything that changes the
library goes through archive/indexing/exporters functions instead.
"""
