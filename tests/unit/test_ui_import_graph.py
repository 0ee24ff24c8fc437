"""The ui as a house: its modules import downwards only, and pages never import one another.

The graph is read from the source with ``ast`` (no Qt needed): every ``import`` of a
``counter_app.ui`` module anywhere in a ui module counts, at the top, inside a function (a lazy
import) or under ``TYPE_CHECKING``. The one documented exception is ``ui.app`` importing
``counter_app.bootstrap`` lazily, which is outside the ui and so not an edge here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import counter_app.ui

UI_DIR = Path(counter_app.ui.__file__).parent
PACKAGE = "counter_app.ui"

# The pages of the counter window and the dialogs a page opens through the navigator: none of
# them may import another (ui/navigation.py), only main_window knows them all.
PAGES = {"guide", "intake_page", "handover", "results", "returns", "book", "devices_page", "reports_page"}
NAVIGATED_DIALOGS = {"intake", "dossier_view"}


def ui_import_graph(ui_dir: Path = UI_DIR) -> dict[str, set[str]]:
    """Module short name → the ui modules it imports (anywhere in its source)."""
    modules = {p.stem for p in ui_dir.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module in modules:
        tree = ast.parse((ui_dir / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:  # from . import x / from .x import y
                    base = node.module or ""
                    names = [base] if base else [a.name for a in node.names]
                elif node.module == PACKAGE:
                    names = [a.name for a in node.names]
                elif node.module and node.module.startswith(PACKAGE + "."):
                    names = [node.module.removeprefix(PACKAGE + ".")]
            elif isinstance(node, ast.Import):
                names = [
                    a.name.removeprefix(PACKAGE + ".") for a in node.names if a.name.startswith(PACKAGE + ".")
                ]
            for name in names:
                target = name.split(".")[0]
                if target in modules and target != module:
                    graph[module].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as a path that ends where it starts, or None."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = grey
        stack.append(node)
        for nxt in sorted(graph[node]):
            if colour[nxt] == grey:
                return [*stack[stack.index(nxt):], nxt]
            if colour[nxt] == white and (found := visit(nxt)) is not None:
                return found
        stack.pop()
        colour[node] = black
        return None

    for start in sorted(graph):
        if colour[start] == white and (found := visit(start)) is not None:
            return found
    return None


def test_the_ui_modules_import_each_other_without_a_circle() -> None:
    graph = ui_import_graph()
    assert len(graph) > 20 and "main_window" in graph and "guide" in graph  # the real ui was read
    cycle = find_cycle(graph)
    assert cycle is None, "import circle in counter_app/ui: " + " → ".join(cycle or [])


def test_pages_and_the_dialogs_they_open_never_import_one_another() -> None:
    graph = ui_import_graph()
    screens = PAGES | NAVIGATED_DIALOGS
    assert screens <= graph.keys()
    crossings = sorted(f"{m} → {t}" for m in screens for t in graph[m] & screens)
    assert crossings == [], "pages open other screens through the navigator: " + ", ".join(crossings)


def test_only_the_window_and_the_role_start_know_the_counter_window() -> None:
    graph = ui_import_graph()
    importers = sorted(m for m, targets in graph.items() if "main_window" in targets)
    assert importers == ["counter_role"]


def test_the_cycle_finder_sees_a_circle_through_a_lazy_import(tmp_path: Path) -> None:
    """The check itself: a lazy import inside a function closes a circle, and it is found."""
    (tmp_path / "window.py").write_text("from counter_app.ui.page import Page\n", encoding="utf-8")
    (tmp_path / "page.py").write_text(
        "def open_other():\n    from counter_app.ui.window import Window\n", encoding="utf-8"
    )
    (tmp_path / "widgets.py").write_text("from counter_app.ui import page\n", encoding="utf-8")
    graph = ui_import_graph(tmp_path)
    assert graph == {"window": {"page"}, "page": {"window"}, "widgets": {"page"}}
    assert find_cycle(graph) in (["page", "window", "page"], ["window", "page", "window"])
    graph["page"].clear()
    assert find_cycle(graph) is None
