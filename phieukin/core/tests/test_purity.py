"""The pure cores import without Django: each is imported in a fresh interpreter with
``django`` blocked, so an import of Django anywhere in its chain fails the test.

The list is the "pure" contract of ``pyproject.toml`` ([tool.importlinter]); the test
proves at run time what the contract proves from the source.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _pure_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    pure = next(c for c in contracts if c["id"] == "pure")
    return list(pure["source_modules"])


def _submodules(package: str) -> list[str]:
    folder = ROOT.joinpath(*package.split("."))
    if not folder.is_dir():
        return [package]
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in sorted(folder.rglob("*.py"))
    ]


BLOCKED = (
    "import sys, importlib\n"
    "for name in ('django', 'ninja'):\n"
    "    sys.modules[name] = None  # any import of it now raises ImportError\n"
    "importlib.import_module(sys.argv[1])\n"
)

MODULES = [module for package in _pure_modules() for module in _submodules(package)]


def test_the_contract_lists_the_pure_cores() -> None:
    assert {"phieukin.ballots.codes", "phieukin.tallying.tally", "phieukin.paper.omr"} <= set(
        _pure_modules()
    )


@pytest.mark.parametrize("module", MODULES)
def test_a_pure_module_imports_with_django_blocked(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED, module],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]


def test_blocking_django_really_fails_an_impure_module() -> None:
    impure = subprocess.run(
        [sys.executable, "-c", BLOCKED, "phieukin.rounds.models"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert impure.returncode != 0 and "django" in impure.stderr.splitlines()[-1]
