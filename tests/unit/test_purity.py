"""The pure core imports only the standard library; nothing in ledger/ imports a web framework.

STYLE.md: "The pure core never imports flask, sqlalchemy, marshmallow, jwt or
apscheduler; a test that walks the imports keeps it so."
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

LEDGER = Path(__file__).resolve().parents[2] / "ledger"
# The crediting rule is a package (ledger/rules/) of the pure core, held to the same rule.
CORE = sorted([*LEDGER.glob("*.py"), *(LEDGER / "rules").glob("*.py")])
EVERYTHING = sorted(LEDGER.rglob("*.py"))

BANNED_IN_CORE = {"flask", "sqlalchemy", "marshmallow", "jwt", "apscheduler", "yaml"}
BANNED_ANYWHERE = {"flask", "marshmallow", "jwt", "apscheduler"}

# The one library the core may use: DESIGN.md puts the working-day calendar in the core
# "with Chinese holidays and make-up days (a maintained library)", and issue 3 names it.
ALLOWED_LIBRARIES = {"workdays.py": {"holidays"},
                     # Issue 8: the standalone attestation verifier is "standard library
                     # plus cryptography", so a committee can run it alone.
                     "verify_attestation.py": {"cryptography"}}


def top_level_imports(path: Path) -> set[str]:
    """The top-level names of every absolute import in a file (relative ones excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def rel(path: Path) -> str:
    return str(path.relative_to(LEDGER.parent))


def test_the_walk_finds_the_core_modules_and_the_store():
    names = {rel(p) for p in CORE}
    assert {"ledger/rules/__init__.py", "ledger/rules/values.py", "ledger/rules/deciding.py",
            "ledger/policy.py", "ledger/standing.py", "ledger/identity.py",
            "ledger/journal.py"} <= names
    assert any(p.parent.name == "store" for p in EVERYTHING)


def test_the_import_walker_sees_absolute_imports_and_skips_relative_ones(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os.path\nfrom flask import Flask\nfrom . import rules\n"
        "from .policy import load_book\ndef f():\n    import sqlalchemy.orm\n"
    )
    assert top_level_imports(sample) == {"os", "flask", "sqlalchemy"}


@pytest.mark.parametrize("path", CORE, ids=[rel(p) for p in CORE])
def test_a_core_module_imports_only_the_standard_library(path):
    imports = top_level_imports(path)
    assert not imports & BANNED_IN_CORE, f"{rel(path)} imports {imports & BANNED_IN_CORE}"
    allowed = ALLOWED_LIBRARIES.get(path.name, set())
    foreign = {name for name in imports
               if name not in sys.stdlib_module_names and name != "__future__"
               and name not in allowed}
    assert not foreign, f"{rel(path)} imports non-standard modules {sorted(foreign)}"


@pytest.mark.parametrize("path", EVERYTHING, ids=[rel(p) for p in EVERYTHING])
def test_nothing_in_ledger_imports_flask_marshmallow_jwt_or_apscheduler(path):
    banned = top_level_imports(path) & BANNED_ANYWHERE
    assert not banned, f"{rel(path)} imports {sorted(banned)}"
