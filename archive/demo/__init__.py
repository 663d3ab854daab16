"""A realistic demo library: three ledger years of generated evidence, with the defects a real
ledger has, filed through the ordinary importer (``build_demo``; CLI ``demo``)."""

from archive.demo.builder import DEFAULT_DOCUMENTS, DemoReport, build_demo
from archive.demo.plan import DEFECT_KINDS, DemoPlan, plan_demo
from archive.demo.sources import write_sources

__all__ = ["DEFAULT_DOCUMENTS", "DEFECT_KINDS", "DemoPlan", "DemoReport", "build_demo",
           "plan_demo", "write_sources"]
