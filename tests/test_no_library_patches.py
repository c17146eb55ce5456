"""No module of Talus patches a library: no assignment to an imported module's or class's attribute.

Fast paths go through a library's extension points (subclasses, settings, registries) or
not at all (docs/benchmarks.md, "Fast paths"). This test reads every module of the project
and fails on ``library_name.attribute = …``, ``setattr(library_name, …)`` and
``del library_name.attribute`` where ``library_name`` was imported from outside the project.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", "staticfiles", ".git", "tests"}


def project_packages() -> set[str]:
    """Top-level packages of the repository (each a directory with an __init__.py)."""
    return {p.parent.name for p in ROOT.glob("*/__init__.py")} | {"manage"}


def modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not SKIP.intersection(path.relative_to(ROOT).parts) and "migrations" not in path.parts
    )


def library_names(tree: ast.Module, ours: set[str]) -> set[str]:
    """Names bound at module level to something imported from outside the project."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in ours:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] not in ours
        ):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def base_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def patches(path: Path, ours: set[str]) -> list[str]:
    """``file:line`` of each assignment to, or deletion of, a library's attribute."""
    tree = ast.parse(path.read_text(), filename=str(path))
    libraries = library_names(tree, ours)
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"setattr", "delattr"}
            and node.args
        ):
            targets = [ast.Attribute(value=node.args[0], attr="?")]
        for target in targets:
            if isinstance(target, ast.Attribute) and base_name(target) in libraries:
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_it_finds_a_patch_when_there_is_one(tmp_path):
    module = tmp_path / "patched.py"
    module.write_text(
        "from django.db.backends.postgresql import psycopg_any\n"
        "import django_filters\n"
        "psycopg_any.BaseTzLoader = object\n"
        "setattr(django_filters.FilterSet, 'get_form_class', None)\n"
    )
    assert patches(module, {"clinic"}) == ["patched.py:3", "patched.py:4"]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_patches_a_library(path):
    assert patches(path, project_packages()) == []
