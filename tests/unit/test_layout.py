"""The repository's layout rules: test folders mirror packages; benchmarks stand on their own."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {path.name for path in (ROOT / "services").iterdir() if (path / "__init__.py").is_file()}


def test_unit_test_folders_mirror_the_packages_and_are_packages() -> None:
    folders = [
        path for path in (ROOT / "tests" / "unit").iterdir() if path.is_dir() and path.name != "__pycache__"
    ]
    assert {folder.name for folder in folders} <= PACKAGES | {"deploy"}
    suites = [path for path in (ROOT / "tests").iterdir() if path.is_dir() and path.name != "__pycache__"]
    for folder in [*folders, *suites]:
        assert (folder / "__init__.py").is_file(), f"{folder} has no __init__.py"


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
