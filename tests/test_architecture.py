"""The layers of the house, read from the source: every import runs downhill.

dashboard.py, pages/    screens (and grantmon/server/, the server entry around dashboard.py)
grantmon/ui/            Streamlit pieces shared by the screens     grantmon/cli/, grantmon/api/,
                                                                   seed/ beside it
grantmon/services/      reads and commands by what they serve, over their core; never Streamlit
grantmon/charts/        one Plotly function per chart
data_model/             tables, engine, migrations
ground floor            grantmon.settings, periods, formatting, i18n: importable by all
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GROUND = "ground"
# Each layer and the layers it may import besides itself and the ground floor.
MAY_IMPORT: dict[str, set[str]] = {
    "pages": {"ui", "api", "services", "core", "charts", "data_model"},
    "ui": {"services", "core", "charts", "data_model"},
    "cli": {"services", "core", "charts", "data_model", "seed"},
    "api": {"services", "core", "data_model"},  # token -> actor, then the same service reads
    "seed": {"services", "core", "data_model"},
    "services": {"core", "charts", "data_model"},  # a group may use another group
    "core": {"data_model"},  # access, audit, commands, privacy...: under every group
    "charts": {"data_model"},
    "data_model": set(),
    GROUND: set(),
}
# Longest prefix first: the module's layer is that of the first prefix it starts with.
PREFIXES = [
    ("grantmon.ui", "ui"),
    ("grantmon.cli", "cli"),
    ("grantmon.api", "api"),
    ("grantmon.server", "pages"),  # the server entry around dashboard.py: the top of the house
    ("grantmon.services.core", "core"),
    ("grantmon.services", "services"),
    ("grantmon.charts", "charts"),
    ("grantmon", GROUND),
    ("data_model", "data_model"),
    ("seed", "seed"),
    ("pages", "pages"),
    ("dashboard", "pages"),
]
WITHOUT_STREAMLIT = {"services", "core", "charts", "data_model", "seed", "api", GROUND}
WITHOUT_SQL = {"pages"}
SQL_PACKAGES = ("sqlmodel", "sqlalchemy")
SOURCE_FOLDERS = ("pages", "grantmon", "data_model", "seed")


def layer_of(module: str) -> str | None:
    """The layer a first-party module belongs to; None for any other package."""
    for prefix, layer in PREFIXES:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


@dataclass(frozen=True)
class Import:
    """One import statement: where it is and what it names."""

    path: Path
    line: int
    module: str  # the importing module
    target: str  # the imported module


def module_name(path: Path) -> str:
    """`grantmon/ui/page.py` -> `grantmon.ui.page`; a package's __init__ is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_in(path: Path, source: str) -> list[Import]:
    """Every module an `import` or `from ... import` names, anywhere in the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, module, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:  # relative: resolved against the importing package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, target] if target else base)
            found.append(Import(path, node.lineno, module, target))
    return found


def source_files() -> list[Path]:
    """The product's Python files (migrations' generated revisions aside)."""
    files = [ROOT / "dashboard.py"]
    for folder in SOURCE_FOLDERS:
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if "versions" not in f.relative_to(ROOT).parts]


def problems(found: Import) -> list[str]:
    """What is wrong with one import, in words (nothing when it runs downhill)."""
    source = layer_of(found.module)
    target = layer_of(found.target)
    top_package = found.target.split(".")[0]
    where = f"{found.path.relative_to(ROOT)}:{found.line} imports {found.target}"
    wrong = []
    if source is None:
        wrong.append(f"{where}: {found.module} belongs to no layer; add it to the layers")
    elif target is not None and target not in {source, GROUND, *MAY_IMPORT[source]}:
        wrong.append(f"{where}: {source} may not import {target} (uphill or sideways)")
    if source in WITHOUT_STREAMLIT and top_package == "streamlit":
        wrong.append(f"{where}: only the screens, ui and the command line use Streamlit")
    if source in WITHOUT_SQL and top_package in SQL_PACKAGES:
        wrong.append(f"{where}: a screen reads and writes through services, never SQL")
    return wrong


def all_problems() -> list[str]:
    """Every wrong import in the product."""
    return [
        problem
        for path in source_files()
        for found in imports_in(path, path.read_text(encoding="utf-8"))
        for problem in problems(found)
    ]


def test_every_import_runs_downhill():
    assert all_problems() == []


def test_every_source_folder_is_in_a_layer():
    assert {layer_of(module_name(path)) for path in source_files()} == set(MAY_IMPORT)


@pytest.mark.parametrize(
    "path, source, complaint",
    [
        ("grantmon/charts/maps.py", "from grantmon.services import x", "charts may not"),
        ("grantmon/services/core/x.py", "import streamlit as st", "use Streamlit"),
        ("grantmon/cli/x.py", "from grantmon.ui.runtime import load", "cli may not"),
        ("grantmon/ui/x.py", "from grantmon.cli import main", "ui may not"),
        ("pages/x.py", "from sqlmodel import select", "never SQL"),
        ("grantmon/periods.py", "from data_model.common import ALL", "ground may not"),
        ("grantmon/services/budget/x.py", "from ..core import access", None),
        ("grantmon/services/core/x.py", "from ..workflow import reads", "core may not"),
        ("grantmon/charts/x.py", "from ..ui import charts", "charts may not"),
        ("grantmon/api/x.py", "from grantmon.ui.runtime import load", "api may not"),
        ("grantmon/api/x.py", "from grantmon.cli.users import CONSOLE", "api may not"),
        ("grantmon/api/x.py", "import streamlit", "use Streamlit"),
        ("grantmon/cli/x.py", "from grantmon.api.app import api_app", "cli may not"),
        ("grantmon/api/x.py", "from grantmon.services.core import tokens", None),
    ],
)
def test_an_uphill_import_is_found(path, source, complaint):
    found = [p for f in imports_in(ROOT / path, source) for p in problems(f)]
    if complaint is None:
        assert found == []
    else:
        assert len(found) == 1 and complaint in found[0]


def uses_streamlit(statement: ast.stmt) -> bool:
    """Whether a statement calls on `st` (draws, or reads the session)."""
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "st"
        for node in ast.walk(statement)
    )


def drawn_before_start(source: str) -> list[str]:
    """What a screen's module does with Streamlit before it calls start_page (or that it never
    calls it)."""
    early: list[str] = []
    for statement in ast.parse(source).body:
        text = ast.unparse(statement)
        if "start_page(" in text:
            return early
        if not isinstance(statement, ast.FunctionDef | ast.ClassDef) and uses_streamlit(statement):
            early.append(text[:60])
    return [*early, "never calls start_page"]


def test_a_screen_hands_over_to_the_dashboard_before_it_draws():
    """Streamlit may run a screen file directly (folder navigation): start_page comes first."""
    early = {
        path.name: drawn_before_start(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "pages").glob("*.py"))
    }
    assert {name: found for name, found in early.items() if found} == {}


@pytest.mark.parametrize(
    "source, found",
    [
        (
            "import streamlit as st\nst.title('x')\npage = start_page(__file__, 'x')",
            ["st.title('x')"],
        ),
        ("def f():\n    st.write(1)\npage = start_page(__file__, 'x')", []),
        (
            "KEY = 'k'\nst.session_state[KEY] = 1",
            ["st.session_state[KEY] = 1", "never calls start_page"],
        ),
    ],
)
def test_drawing_before_the_hand_over_is_found(source, found):
    assert drawn_before_start(source) == found


# Streamlit's table elements: each has a "Download as CSV" button, so each is a file a person can
# open in a spreadsheet. Only grantmon/ui/tables.py draws them, through the formula guard.
TABLE_ELEMENTS = {"dataframe", "data_editor", "table"}
TABLE_HOME = Path("grantmon/ui/tables.py")
DRAWING_FOLDERS = ("pages", "grantmon/ui")


def raw_tables(source: str) -> list[str]:
    """Every call that draws a Streamlit table (st.x(...), or on a column or container)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        on_st = isinstance(owner, ast.Name) and owner.id == "st"
        if name in {"dataframe", "data_editor"} or (name in TABLE_ELEMENTS and on_st):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}")
    return found


def test_every_table_on_screen_goes_through_the_formula_guard():
    """Screens draw tables with grantmon.ui.tables (show_table, edit_table), never directly."""
    files = [ROOT / "dashboard.py"]
    for folder in DRAWING_FOLDERS:
        files += sorted((ROOT / folder).rglob("*.py"))
    direct = {
        str(path.relative_to(ROOT)): raw_tables(path.read_text(encoding="utf-8"))
        for path in files
        if path.relative_to(ROOT) != TABLE_HOME
    }
    assert {name: calls for name, calls in direct.items() if calls} == {}


@pytest.mark.parametrize(
    "source, found",
    [
        ("st.dataframe(x)", ["1: st.dataframe"]),
        ("left.data_editor(x, key='k')", ["1: left.data_editor"]),
        ("st.table(x)", ["1: st.table"]),
        ("show_table(x)\npa.table(x)", []),
    ],
)
def test_a_direct_table_is_found(source, found):
    assert raw_tables(source) == found
