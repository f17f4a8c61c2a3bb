"""The house rules of the code's layout (README, Architecture), checked rather than hoped for:
small application modules, tests that mirror the apps, and test modules that never import
one another (shared data lives in ``factories.py`` modules, shared fixtures in
``conftest.py``, shared helpers in ``tests/support.py``)."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
# The pure working-time clock keeps its rules, proofs and worked examples in one module.
LONG_MODULES_ALLOWED = {"core/clock.py"}


def project_apps() -> list[str]:
    return sorted(
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    )


def test_every_application_module_is_small():
    long = []
    for app in project_apps():
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in LONG_MODULES_ALLOWED:
                continue
            lines = len(path.read_text().splitlines())
            if lines > MAX_LINES:
                long.append(f"{relative}: {lines} lines")
    assert not long, f"split these modules (at most {MAX_LINES} lines): {long}"


def test_tests_mirror_the_apps():
    missing = [app for app in project_apps() if not (ROOT / "tests" / app).is_dir()]
    assert not missing, f"add tests/<app>/ for {missing}"


def _imported_modules(path: Path) -> set[str]:
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_no_test_module_imports_another():
    offending = []
    for path in (ROOT / "tests").rglob("*.py"):
        for module in _imported_modules(path):
            last = module.rsplit(".", 1)[-1]
            if module.startswith("tests") and (last.startswith("test_") or last == "conftest"):
                offending.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offending, (
        "move what is shared to a factories.py, conftest.py fixture or tests/support.py: "
        f"{offending}"
    )
