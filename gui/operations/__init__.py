"""What the GUI's buttons do, as plain functions over archive/indexing/exporters calls.

No widgets here: each function takes the library and ids, opens its own session, and returns
plain data, so it runs equally on the UI thread (a quick edit) or in a worker (an import).
"""
