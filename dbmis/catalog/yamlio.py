"""Reading YAML so that every value keeps its line number and duplicate keys are caught.

PyYAML silently keeps the last of two equal keys; a catalog must not. We compose the node tree
and build plain Python data ourselves, recording the line of every path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """Plain data from one YAML file plus the line number of every key path."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[tuple[Path_, int, str]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest known prefix of ``path``."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


def read_yaml(path: Path) -> YamlDoc:
    """Read one YAML file. Syntax errors and duplicate keys become ``problems``, not exceptions."""
    doc = YamlDoc(file=path.name, data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        doc.problems.append(((), 0, f"cannot read the file: {exc}"))
        return doc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        doc.data = None if node is None else _build(loader, node, (), doc)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        doc.problems.append(((), line, f"YAML syntax error: {getattr(exc, 'problem', exc)}"))
    finally:
        loader.dispose()
    return doc


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: Path_, doc: YamlDoc) -> Any:
    doc.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key == "<<":
                doc.problems.append(
                    (path, key_node.start_mark.line + 1, "merge keys (<<) are not allowed")
                )
                continue
            if key in out:
                doc.problems.append(
                    ((*path, key), key_node.start_mark.line + 1, f"duplicate key {key!r}")
                )
                continue
            out[key] = _build(loader, value_node, (*path, key), doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), doc) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
