"""Run every benchmark module in this folder (``make bench``), or the ones named.

Usage: ``python -m bench [name ...]``. Each module ``bench/<name>.py`` has a ``main()``
that prints its figures; none of them asserts a time.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path


def main() -> int:
    """Run the named benchmarks, or all of them, and return the number that failed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "phieukin.config.settings")
    here = Path(__file__).resolve().parent
    names = sys.argv[1:] or sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
    failed = 0
    for name in names:
        print(f"\n=== bench/{name}.py", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            module.main()
        except Exception as exc:  # a failing benchmark must not hide the others
            failed += 1
            print(f"FAILED: {exc!r}", flush=True)
        print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
