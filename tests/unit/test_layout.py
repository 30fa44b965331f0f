"""The repository's layout rules: test folders mirror packages and are packages, shared test helpers
live in tests/factories/, benchmarks stand on their own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
PACKAGES = {path.name for path in (ROOT / "services").iterdir() if (path / "__init__.py").is_file()}


def test_unit_test_folders_mirror_the_packages() -> None:
    folders = [
        path for path in (ROOT / "tests" / "unit").iterdir() if path.is_dir() and path.name != "__pycache__"
    ]
    assert {folder.name for folder in folders} <= PACKAGES | {"deploy"}


def test_every_test_folder_is_a_package() -> None:
    for folder in TESTS.rglob("*"):
        if folder.is_dir() and "__pycache__" not in folder.parts:
            assert (folder / "__init__.py").is_file(), f"{folder} has no __init__.py"


def test_shared_test_helpers_live_in_factories() -> None:
    """Outside tests/factories/ a module is a test, a conftest or a package marker: no loose helpers."""
    for module in TESTS.rglob("*.py"):
        if (TESTS / "factories") in module.parents:
            continue
        assert module.name in ("conftest.py", "__init__.py") or module.name.startswith("test_"), (
            f"{module.relative_to(ROOT)} is a shared helper: it belongs in tests/factories/"
        )


def test_benchmarks_do_not_import_from_tests() -> None:
    test_modules = {"factories", "conftest"} | {path.stem for path in (ROOT / "tests").rglob("*.py")}
    for script in (ROOT / "bench").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        assert '"tests"' not in source, f"{script.name} puts tests/ on sys.path"
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                roots = {name.split(".")[0] for name in names}
                assert not roots & (test_modules | {"tests"}), f"{script.name} imports {roots & test_modules}"


@pytest.mark.parametrize(
    ("folders", "markers"),
    [(["integration", "cluster"], "integration or cluster"), (["integration/browser"], "browser")],
)
def test_tests_that_need_engines_are_deselected_by_their_folder_marker(
    folders: list[str], markers: str
) -> None:
    """`-m "not integration"` must leave out every engine test, including modules without a pytestmark."""
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            f"not ({markers})",
        ]
        + [f"tests/{folder}" for folder in folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collected.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, collected.stdout[-2000:]
    assert "deselected" in collected.stdout
