"""The ui's windows are built by named builders: no function of counter_app/ui runs past a page."""

from __future__ import annotations

import ast
from pathlib import Path

import counter_app.ui

UI_DIR = Path(counter_app.ui.__file__).parent
LONGEST = 100  # lines, decorators excluded; IntakeDialog.__init__ was 270, GuidePage.__init__ 151

NOT_YET: set[str] = set()  # a function left long on purpose goes here, with the reason


def long_functions(ui_dir: Path = UI_DIR, longest: int = LONGEST) -> dict[str, int]:
    """module.Class.function (or module.function) → its length, for those longer than ``longest``."""
    found: dict[str, int] = {}
    for path in sorted(ui_dir.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for top in tree.body:
            members = top.body if isinstance(top, ast.ClassDef) else [top]
            prefix = f"{path.stem}.{top.name}." if isinstance(top, ast.ClassDef) else f"{path.stem}."
            for node in members:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > longest:
                        found[prefix + node.name] = length
    return found


def test_no_ui_function_is_longer_than_a_page() -> None:
    assert set(long_functions()) <= NOT_YET, long_functions()


def test_the_measure_sees_a_long_constructor(tmp_path: Path) -> None:
    body = "\n".join(f"        self.x{i} = {i}" for i in range(LONGEST))
    (tmp_path / "page.py").write_text(
        f"class Page:\n    def __init__(self):\n{body}\n\n    def short(self):\n        pass\n", encoding="utf-8"
    )
    assert long_functions(tmp_path) == {"page.Page.__init__": LONGEST + 1}
