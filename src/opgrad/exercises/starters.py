"""A starter file made from a reference solution: the bodies of the tasks replaced by a raise.

Each exercise is written once, as its solution; the starter is that file with the body of every
task (a function, or a method written ``Class.method``) replaced by ``raise
NotImplementedError``, keeping its signature and docstring, so the two can never disagree.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

__all__ = ["starter_from"]


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    """Every function of the module by name, methods as ``Class.method``."""
    found: dict[str, ast.FunctionDef] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    found[f"{node.name}.{item.name}"] = item
    return found


def _has_docstring(function: ast.FunctionDef) -> bool:
    first = function.body[0]
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def starter_from(solution: str, exercise: str, tasks: Iterable[str]) -> str:
    """The starter of ``exercise``: ``solution`` with the bodies of ``tasks`` taken out.

    Raises:
        ValueError: A task names no function of the solution, or a task has nothing but a
            docstring.
    """
    functions = _functions(ast.parse(solution))
    lines = solution.splitlines()
    cuts: list[tuple[int, int, str]] = []
    for task in tasks:
        function = functions.get(task)
        if function is None:
            raise ValueError(f"exercise {exercise}: its solution has no function {task}")
        body = function.body[1:] if _has_docstring(function) else function.body
        if not body:
            raise ValueError(f"exercise {exercise}: {task} has no body to take out")
        first, last = body[0], body[-1]
        indent = " " * first.col_offset
        end = last.end_lineno or last.lineno
        cuts.append((first.lineno - 1, end, f'{indent}raise NotImplementedError("write {task}")'))
    for start, end, replacement in sorted(cuts, reverse=True):
        lines[start:end] = [replacement]
    header, *rest = lines
    check = f"# Check your work: opgrad exercises check {exercise}.py"
    return "\n".join([header, check, *rest]) + "\n"
