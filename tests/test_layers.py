"""The layers' imports point one way: what `spacy.load` needs knows nothing of the rest."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "zh_metrics"
# each layer, and the layers it may import from (besides itself)
ALLOWED = {
    "pipeline": set(),
    "records": {"pipeline"},
    "documents": {"pipeline", "records"},
    "api": {"pipeline", "records", "documents"},
    "corpus": {"pipeline", "files", "progress", "records", "documents"},
    "measure": {"pipeline", "corpus", "files", "progress", "records", "api", "documents"},
    "serve": {"pipeline", "corpus", "files", "records", "api", "documents", "measure"},
    "cluster": {"pipeline", "files", "progress", "records", "api", "documents", "measure"},
}


def zh_imports(path: Path) -> set[str]:
    """The top-level zh_metrics modules or packages a file imports, resolved from relative imports."""
    module_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts[: len(module_parts) - node.level]
                target = (*base, *(node.module.split(".") if node.module else ()))
            else:
                target = tuple((node.module or "").split("."))
            names = [target] if node.module else [(*target, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [tuple(alias.name.split(".")) for alias in node.names]
        else:
            continue
        found |= {name[1] for name in names if len(name) > 1 and name[0] == "zh_metrics"}
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_the_layers_below_it(layer):
    files = [PACKAGE / f"{layer}.py"] if (PACKAGE / f"{layer}.py").exists() else sorted((PACKAGE / layer).rglob("*.py"))
    assert files
    for file in files:
        outside = zh_imports(file) - ALLOWED[layer] - {layer}
        assert not outside, f"{file.relative_to(PACKAGE)} imports {sorted(outside)}"
