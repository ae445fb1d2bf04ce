"""A kernel task's work: FLOP and byte counts declared in task.toml as formulas of its sizes.

``flops = "2*M*N*K"`` and ``bytes = "4*(M*K + K*N + M*N)"`` are arithmetic over the task's size
names: a shape's values over the reference's module-level constants (read with ``ast``, never
run). A formula is parsed into a whitelisted tree (numbers, names, + - * / // % **, parentheses,
``min``/``max``/``ceil``/``floor``) and evaluated by walking it, so a task file cannot run code.
The roofline report divides these counts by measured times (achieved GFLOP/s, GB/s).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_FORMULA_CHARS = 400
MAX_MAGNITUDE = 1e30
"""Larger intermediate values are refused: no honest count is near it, and it bounds ``**``."""

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_FUNCS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "ceil": math.ceil, "floor": math.floor}


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over known names; the message is one line."""


def parse_formula(text: str) -> ast.expr:
    """Pure: the checked expression tree of ``text`` (``FormulaError`` naming what is not allowed)."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError('must be a non-empty string such as "2*M*N*K"')
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"longer than {MAX_FORMULA_CHARS} characters")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"not an expression ({exc.msg})") from None
    for node in ast.walk(tree):
        _allowed(node)
    return tree


def _allowed(node: ast.AST) -> None:
    if isinstance(node, ast.BinOp | ast.UnaryOp | ast.Name | ast.Load) or type(node) in _BINOPS:
        return
    if isinstance(node, ast.UAdd | ast.USub):
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in _FUNCS and not node.keywords and node.args:
            return
        raise FormulaError(f"only {', '.join(sorted(_FUNCS))} may be called")
    raise FormulaError(f"{type(node).__name__} is not allowed (plain arithmetic over size names only)")


def formula_names(tree: ast.expr) -> set[str]:
    """Pure: the size names a formula reads (function names excluded)."""
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in funcs}


def evaluate(tree: ast.expr, names: Mapping[str, int | float]) -> int | float:
    """Pure: the value of a parsed formula (``FormulaError`` for an unknown name or a bad value)."""
    value = _eval(tree, names)
    if not math.isfinite(value) or value < 0:
        raise FormulaError(f"evaluates to {value}, not a count")
    return value


def _eval(node: ast.expr, names: Mapping[str, int | float]) -> int | float:
    if isinstance(node, ast.Constant):
        return _checked(node.value)
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise FormulaError(f"unknown name {node.id!r} (known: {', '.join(sorted(names))})")
        return names[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, names)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return _checked(_FUNCS[node.func.id](*(_eval(a, names) for a in node.args)))
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, names), _eval(node.right, names)
    if isinstance(node.op, ast.Pow) and (abs(right) > 64 or abs(left) > 2**32):
        raise FormulaError("exponent or base of ** too large")
    try:
        return _checked(_BINOPS[type(node.op)](left, right))
    except ZeroDivisionError:
        raise FormulaError("division by zero") from None


def _checked(value: Any) -> int | float:
    if not isinstance(value, int | float) or abs(value) > MAX_MAGNITUDE:
        raise FormulaError(f"intermediate value {value!r} out of range")
    return value


def module_constants(source: str) -> dict[str, int | float]:
    """Pure: the reference's module-level UPPERCASE numeric constants (``N = 4096``), read with
    ``ast`` (no code runs); shapes override them."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    out: dict[str, int | float] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            value = node.value.value if isinstance(node.value, ast.Constant) else None
            if name.isupper() and isinstance(value, int | float) and not isinstance(value, bool):
                out[name] = value
    return out


def work(formulas: Mapping[str, str], names: Mapping[str, int | float]) -> tuple[int, int]:
    """Pure: (flops, bytes) from the declared formulas at one shape, rounded to whole counts."""
    flops = evaluate(parse_formula(formulas["flops"]), names)
    moved = evaluate(parse_formula(formulas["bytes"]), names)
    return int(round(flops)), int(round(moved))


def check_declaration(
    formulas: Mapping[str, Any], constants: Mapping[str, int | float], shapes: list[dict[str, Any]]
) -> str:
    """Pure: why a task's ``flops``/``bytes`` declaration is unusable ('' when fine): each must be a
    formula over known names that gives a count at every shape."""
    for key in ("flops", "bytes"):
        if key not in formulas:
            return f"declares {'bytes' if key == 'flops' else 'flops'} without {key}"
        try:
            tree = parse_formula(formulas[key])
            for shape in shapes:
                evaluate(tree, {**constants, **shape})
        except FormulaError as exc:
            return f"{key} = {formulas[key]!r}: {exc}"
    return ""
