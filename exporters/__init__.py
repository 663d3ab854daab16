"""Everything CivLedger writes for people: workbooks, reports, evaluator packages."""
