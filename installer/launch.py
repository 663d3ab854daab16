"""The frozen program's entry point: ``main.main`` after multiprocessing's worker check.

Text extraction runs in worker processes (``indexing.workers``: ``spawn`` on Windows,
``forkserver`` on Linux). A frozen program has no Python interpreter to start them with, so each
worker is a new copy of ``civledger.exe`` with multiprocessing's arguments; ``freeze_support()``
(patched by PyInstaller's runtime hook for every start method) recognises those, runs the worker
and exits, before ``main`` would parse them as command-line options.
"""

import multiprocessing
import sys

multiprocessing.freeze_support()

from main import main  # noqa: E402 - only after the worker check above

sys.exit(main())
