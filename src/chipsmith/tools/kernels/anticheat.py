"""Static anti-cheat checks: pure functions from a kernel file's source to findings, in one table.

Each check targets loopholes from FACTS.md (torch compute instead of a kernel, reference reuse,
try/except fallbacks, monkey-patching timers or allclose, side threads and streams, tensor
subclasses, caching by pointer/shape, raw-memory tricks, shape-specialised code, file/process
access, array libraries, no kernel at all). They are a fast first filter that names built at run
time walk past; nothing depends on them: the trusted supervisor's checks (see harness.py) catch
each class without them. An unknown check name is an error, never a silent skip.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable

from pydantic import BaseModel


class Finding(BaseModel):
    """One piece of evidence that a candidate is not an honest kernel."""

    check: str
    message: str
    line: int | None = None
    mechanism: str | None = None
    """The layer that produced it (``verdicts.MECHANISMS``); None for the static source checks."""


class UnknownCheckError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


Check = Callable[[ast.Module, str], list[Finding]]

# torch.<name> calls a kernel file may make: allocation, dtypes, devices, no-grad contexts.
TORCH_ALLOWED = frozenset(
    """empty empty_like empty_strided zeros zeros_like device dtype Size Tensor no_grad inference_mode
    float32 float16 bfloat16 float64 int64 int32 int16 int8 uint8 bool long int float half double
    cuda is_tensor get_default_dtype nn""".split()  # noqa: SIM905
)
TORCH_CUDA_ALLOWED = frozenset(
    """is_available synchronize current_device device_count""".split()  # noqa: SIM905
)
# Tensor methods that compute (the dynamic guard catches the rest, e.g. ``x + y``).
COMPUTE_METHODS = frozenset(
    """relu sigmoid tanh exp log softmax log_softmax sum mean max min amax amin argmax argmin matmul mm
    bmm addmm mul add sub div pow sqrt rsqrt abs neg clamp clamp_min clamp_max where cumsum cumprod
    norm var std layer_norm conv1d conv2d gelu silu erf sort topk einsum masked_fill maximum minimum
    prod logsumexp softplus baddbmm outer dot""".split()  # noqa: SIM905
)
PATCHABLE_ROOTS = frozenset(
    """torch time np numpy F math builtins triton tl threading ctypes chipsmith""".split()  # noqa: SIM905
)
BANNED_IMPORTS = {
    "threading": "threads",
    "multiprocessing": "threads",
    "concurrent": "threads",
    "asyncio": "threads",
    "subprocess": "process",
    "socket": "process",
    "gc": "introspection",
    "inspect": "introspection",
    "builtins": "monkey-patch",
    "importlib": "reference",
    "pickle": "process",
    "signal": "process",
    "shutil": "process",
}
MEMORY_TRICKS = frozenset(
    """frombuffer from_blob from_dlpack as_strided set_ untyped_storage storage UntypedStorage memmove
    memset string_at cast addressof pythonapi CDLL cdll LoadLibrary PyDLL""".split()  # noqa: SIM905
)


def _line(node: ast.AST) -> int | None:
    return getattr(node, "lineno", None)


def _dotted(node: ast.AST) -> str:
    """``torch.nn.functional.relu`` for an attribute chain, '' for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _calls(tree: ast.AST) -> Iterable[tuple[ast.Call, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, _dotted(node.func)


def _outside_init(src: str) -> ast.Module:
    """A fresh tree of ``src`` with ``__init__`` bodies emptied: creating parameters there
    (``torch.randn``) is fine, the harness overwrites them with the reference's state_dict."""
    tree = ast.parse(src)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            node.body = [ast.Pass()]
    return tree


def check_torch_compute(tree: ast.Module, src: str) -> list[Finding]:
    """torch / F compute calls and compute tensor methods (the kernel must do the work)."""
    out = []
    tree = _outside_init(src)
    for node, name in _calls(tree):
        parts = name.split(".")
        if parts[0] == "torch" and len(parts) >= 2:
            if parts[1] == "cuda" and len(parts) == 3 and parts[2] in TORCH_CUDA_ALLOWED:
                continue
            if parts[1] in ("nn",) and len(parts) == 3 and parts[2][:1].isupper():
                continue  # nn.Parameter / nn.Linear in __init__; calling such a module is caught at run time
            if parts[1] not in TORCH_ALLOWED or parts[1] in ("nn", "cuda"):
                out.append(Finding(check="torch-compute", message=f"calls {name}", line=_line(node)))
        elif parts[0] == "F" and len(parts) == 2:
            out.append(Finding(check="torch-compute", message=f"calls {name}", line=_line(node)))
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in COMPUTE_METHODS
            and parts[0] not in ("tl", "triton", "np", "math", "_lib", "lib", "self")
        ):
            out.append(Finding(check="torch-compute", message=f"calls .{node.func.attr}()", line=_line(node)))
    for op in ast.walk(tree):
        if isinstance(op, ast.BinOp) and isinstance(op.op, ast.MatMult):
            out.append(Finding(check="torch-compute", message="uses the @ operator", line=_line(op)))
    return out


def check_reference_use(tree: ast.Module, src: str) -> list[Finding]:
    """Inheriting, instantiating or importing the reference Model."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "ModelNew":
            for base in node.bases:
                if _dotted(base) not in ("nn.Module", "torch.nn.Module", "Module"):
                    out.append(
                        Finding(
                            check="reference",
                            message=f"ModelNew inherits {_dotted(base) or 'a non-Module'}",
                            line=_line(node),
                        )
                    )
        elif isinstance(node, ast.Name) and node.id in ("Model", "get_inputs", "__import__"):
            out.append(Finding(check="reference", message=f"refers to {node.id}", line=_line(node)))
        elif isinstance(node, ast.Attribute) and node.attr in ("modules", "_getframe", "f_back", "f_globals"):
            out.append(Finding(check="reference", message=f"reaches into .{node.attr}", line=_line(node)))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(n.split(".")[0] == "reference" for n in names):
                out.append(Finding(check="reference", message="imports the reference", line=_line(node)))
    return out


def check_fallback(tree: ast.Module, src: str) -> list[Finding]:
    """try/except: a kernel that fails silently falls back to something else."""
    return [
        Finding(check="fallback", message="try/except (fallbacks are not allowed)", line=_line(n))
        for n in ast.walk(tree)
        if isinstance(n, ast.Try) and n.handlers
    ]


def check_monkey_patch(tree: ast.Module, src: str) -> list[Finding]:
    """Assigning attributes of modules/classes (timers, synchronize, allclose...), setattr, exec."""
    out = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            name = _dotted(t) if isinstance(t, ast.Attribute) else ""
            if name and name.split(".")[0] in PATCHABLE_ROOTS:
                out.append(Finding(check="monkey-patch", message=f"assigns {name}", line=_line(node)))
            if isinstance(t, ast.Attribute) and t.attr in ("__class__", "forward", "__call__"):
                out.append(Finding(check="monkey-patch", message=f"assigns .{t.attr}", line=_line(node)))
    for call, name in _calls(tree):
        if name in _BARE_PATCHERS or name.split(".")[-1] in ("settrace", "setprofile", "setattr"):
            out.append(Finding(check="monkey-patch", message=f"calls {name}", line=_line(call)))
    return out


_BARE_PATCHERS = frozenset(
    """setattr delattr exec eval compile globals vars""".split()  # noqa: SIM905
)


def check_imports(tree: ast.Module, src: str) -> list[Finding]:
    """Threads, processes, sockets, introspection: nothing a kernel file needs."""
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for n in names:
            why = BANNED_IMPORTS.get(n.split(".")[0])
            if why:
                out.append(Finding(check="side-effects", message=f"imports {n} ({why})", line=_line(node)))
    for node, name in _calls(tree):
        last = name.split(".")[-1]
        if name in ("open", "os.system", "os.fork", "os.popen") or last in (
            "Stream",
            "Thread",
            "stream",
            "Process",
        ):
            out.append(Finding(check="side-effects", message=f"calls {name}", line=_line(node)))
    return out


def check_tensor_subclass(tree: ast.Module, src: str) -> list[Finding]:
    """Tensor subclasses and torch function/dispatch hooks (lazy results, intercepted ops)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if _dotted(base).split(".")[-1] in ("Tensor", "TorchFunctionMode", "TorchDispatchMode"):
                    out.append(
                        Finding(
                            check="tensor-subclass",
                            message=f"class {node.name} subclasses {_dotted(base)}",
                            line=_line(node),
                        )
                    )
        elif isinstance(node, ast.FunctionDef) and node.name in ("__torch_function__", "__torch_dispatch__"):
            out.append(Finding(check="tensor-subclass", message=f"defines {node.name}", line=_line(node)))
        elif isinstance(node, ast.Attribute) and node.attr in (
            "_make_subclass",
            "as_subclass",
            "_make_wrapper_subclass",
        ):
            out.append(Finding(check="tensor-subclass", message=f"uses .{node.attr}", line=_line(node)))
    return out


def check_memory_tricks(tree: ast.Module, src: str) -> list[Finding]:
    """Tensors over raw memory (reading freed or foreign buffers), raw copies, stray libraries."""
    return [
        Finding(check="memory", message=f"uses {node.attr}", line=_line(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in MEMORY_TRICKS
    ]


def check_caching(tree: ast.Module, src: str) -> list[Finding]:
    """Results cached by pointer, id or shape (lru_cache, dicts keyed on data_ptr()/id())."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for d in node.decorator_list:
                name = _dotted(d.func if isinstance(d, ast.Call) else d)
                if name.split(".")[-1] in ("lru_cache", "cache", "cached_property"):
                    out.append(
                        Finding(
                            check="caching", message=f"{node.name} is memoised with {name}", line=_line(node)
                        )
                    )
        key: ast.AST | None = None
        if isinstance(node, ast.Subscript):
            key = node.slice
        elif isinstance(node, ast.Compare) and any(isinstance(o, ast.In | ast.NotIn) for o in node.ops):
            key = node.left
        if key is not None:
            for _, name in _calls(key):
                if name.split(".")[-1] in ("data_ptr", "id", "hash"):
                    out.append(
                        Finding(check="caching", message=f"looks results up by {name}()", line=_line(node))
                    )
    return out


ARRAY_LIBRARIES = frozenset("numpy scipy numba jax cupy numexpr".split())  # noqa: SIM905


def check_python_compute(tree: ast.Module, src: str) -> list[Finding]:
    """Array libraries in a kernel file (numpy & co. compute outside the kernel, unseen by torch's
    dispatcher) and ``.numpy()`` views of tensors that such code writes through."""
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for n in names:
            if n.split(".")[0] in ARRAY_LIBRARIES:
                out.append(Finding(check="python-compute", message=f"imports {n}", line=_line(node)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "numpy":
            out.append(Finding(check="python-compute", message="takes a .numpy() view", line=_line(node)))
    return out


def check_shape_special(tree: ast.Module, src: str) -> list[Finding]:
    """Branches on a tensor's size against a literal >= 16 (a kernel for the tested shape only)."""
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        sized = any(
            isinstance(s, ast.Call)
            and _dotted(s.func).split(".")[-1] in ("numel", "size")
            or isinstance(s, ast.Attribute)
            and s.attr == "shape"
            or isinstance(s, ast.Subscript)
            and isinstance(s.value, ast.Attribute)
            and s.value.attr == "shape"
            for s in sides
        )
        big = any(isinstance(s, ast.Constant) and isinstance(s.value, int) and s.value >= 16 for s in sides)
        if sized and big:
            out.append(
                Finding(
                    check="shape-special",
                    message="compares a tensor size with a fixed number",
                    line=_line(node),
                )
            )
    return out


CHECKS: dict[str, Check] = {
    "torch-compute": check_torch_compute,
    "reference": check_reference_use,
    "fallback": check_fallback,
    "monkey-patch": check_monkey_patch,
    "side-effects": check_imports,
    "tensor-subclass": check_tensor_subclass,
    "memory": check_memory_tricks,
    "caching": check_caching,
    "shape-special": check_shape_special,
    "python-compute": check_python_compute,
}
ALL_CHECKS = tuple(CHECKS)
BASELINE_CHECKS = ("monkey-patch", "side-effects", "tensor-subclass", "memory", "caching")
"""For the torch backend (the reference control): torch compute is the point there."""


def run_checks(source: str, names: Iterable[str] = ALL_CHECKS) -> list[Finding]:
    """All findings of the named checks; a syntax error is a finding too (nothing can be checked)."""
    names = list(names)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise UnknownCheckError(
            f"unknown anti-cheat check(s) {', '.join(unknown)}; known: {', '.join(CHECKS)}"
        )
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return [Finding(check="syntax", message=f"syntax error: {exc.msg}", line=exc.lineno)]
    findings: list[Finding] = []
    for n in names:
        findings.extend(CHECKS[n](tree, source))
    return findings
