"""Widgets, one module per area of the window; they call archive/indexing/exporters, nothing more."""
