"""``make bench`` runs every benchmark module, and only those; the faint-mark view's runs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_every_module_make_bench_runs_has_a_main() -> None:
    # bench/__main__.py runs every bench/*.py not starting with "_"; a helper module
    # without main() would be reported as a failed benchmark.
    names = sorted(p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_"))
    assert "omr" in names and "faint_view" in names
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        assert callable(getattr(module, "main", None)), name


def test_the_faint_view_benchmark_prints_both_times_and_their_ratio(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import faint_view

    monkeypatch.setenv("BENCH_FAINT_PAGES", "2")
    monkeypatch.setenv("BENCH_FAINT_ROUNDS", "1")
    faint_view.main()
    out = capsys.readouterr().out
    assert "2 page images of the product mix (seed 4910), 1 rounds" in out
    base = re.search(r"baseline .*: median ([0-9.]+) ms a page", out)
    view = re.search(r"view with faint marks brought out: median ([0-9.]+) ms a page", out)
    ratio = re.search(r"ratio view / baseline: ([0-9.]+) ×", out)
    assert base and view and ratio
    assert float(ratio.group(1)) == pytest.approx(
        float(view.group(1)) / float(base.group(1)), rel=0.05
    )
