"""What a compiled kernel library may call, and its ablated twin (pyelftools; pure functions on bytes).

The harness builds the candidate's C++ itself, so the bytes it checks are the bytes the worker
loads (as a sealed memfd). ``symbol_findings`` reads the library's dynamic imports: each must come
from the C/C++ runtime or the OpenMP runtime (by its symbol version) and be none of the calls a
kernel never needs (loading code, threads outside OpenMP, processes, files, memory protection);
an import without a version is none of those (Python, BLAS, torch symbols, found at load time in
the worker's process) and is refused. ``ablated`` returns the same library with every exported
C entry point replaced by ``return 0``: the harness runs the candidate once more with it, and the
outputs must change.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection
from elftools.elf.sections import SymbolTableSection

RUNTIME_LIBS = frozenset(
    """libc.so.6 libm.so.6 libmvec.so.1 libstdc++.so.6 libgcc_s.so.1 libgomp.so.1 ld-linux-x86-64.so.2""".split()  # noqa: SIM905
)
CUDA_LIBS = frozenset("libdl.so.2 libpthread.so.0 librt.so.1".split())  # noqa: SIM905
DENIED = frozenset(
    """dlopen dlmopen dlsym dlvsym dladdr dladdr1 dlinfo dl_iterate_phdr pthread_create thrd_create
    clone clone3 fork vfork execve execv execvp execvpe execl execlp execle fexecve system popen
    posix_spawn posix_spawnp syscall ptrace process_vm_readv process_vm_writev mprotect mmap mmap64
    memfd_create prctl open open64 openat openat64 fopen fopen64 freopen creat kill""".split()  # noqa: SIM905
)
DENIED_PREFIXES = ("_ZNSt6thread", "_ZSt5async", "Py", "_Py")
HARMLESS_UNVERSIONED = frozenset(
    "__gmon_start__ __cxa_finalize _ITM_deregisterTMCloneTable _ITM_registerTMCloneTable _Jv_RegisterClasses".split()  # noqa: SIM905
)
RET0 = b"\x31\xc0\xc3"  # xor eax, eax; ret
ENDBR64 = b"\xf3\x0f\x1e\xfa"


@dataclass(frozen=True)
class Import:
    """One undefined dynamic symbol: its name, the library its version names, weak or not."""

    name: str
    library: str | None
    weak: bool


def _versions(elf: ELFFile) -> dict[int, str]:
    sec = elf.get_section_by_name(".gnu.version_r")
    out: dict[int, str] = {}
    if isinstance(sec, GNUVerNeedSection):
        for need, auxes in sec.iter_versions():
            for aux in auxes:
                out[int(aux["vna_other"])] = str(need.name)
    return out


def imports(data: bytes) -> tuple[list[Import], list[str]]:
    """(undefined dynamic symbols, DT_NEEDED libraries) of an ELF shared library."""
    elf = ELFFile(io.BytesIO(data))
    dynsym = elf.get_section_by_name(".dynsym")
    versym = elf.get_section_by_name(".gnu.version")
    libs = _versions(elf)
    out = []
    for i, sym in enumerate(dynsym.iter_symbols() if isinstance(dynsym, SymbolTableSection) else []):
        if sym["st_shndx"] != "SHN_UNDEF" or not sym.name:
            continue
        ndx = versym.get_symbol(i)["ndx"] if isinstance(versym, GNUVerSymSection) else None
        lib = libs.get(ndx) if isinstance(ndx, int) else None
        out.append(Import(sym.name, lib, sym["st_info"]["bind"] == "STB_WEAK"))
    dyn = elf.get_section_by_name(".dynamic")
    tags = dyn.iter_tags() if isinstance(dyn, DynamicSection) else []
    needed = [str(getattr(t, "needed", "")) for t in tags if t.entry.d_tag == "DT_NEEDED"]
    return out, needed


def symbol_problems(
    data: bytes, extra_libs: frozenset[str] = frozenset(), allow_loader: bool = False
) -> list[str]:
    """Why the library may not be run as a kernel (empty: fine). ``allow_loader``: CUDA's static
    runtime loads the driver with dlopen, so CUDA libraries may."""
    try:
        syms, needed = imports(data)
    except Exception as exc:  # not an ELF library at all
        return [f"not a readable shared library ({type(exc).__name__})"]
    allowed = RUNTIME_LIBS | extra_libs
    problems = [
        f"links {lib}, which is not a C/C++/OpenMP runtime"
        for lib in needed
        if lib not in allowed and not _cudart(lib, extra_libs)
    ]
    for s in syms:
        if s.library is None:
            if not (s.weak and s.name in HARMLESS_UNVERSIONED):
                problems.append(f"imports {s.name} from outside the C/C++/OpenMP runtime")
        elif s.library not in allowed and not _cudart(s.library, extra_libs):
            problems.append(f"imports {s.name} from {s.library}")
        elif (s.name in DENIED and not (allow_loader and s.name.startswith("dl"))) or s.name.startswith(
            DENIED_PREFIXES
        ):
            problems.append(f"calls {s.name} ({s.library}), which a kernel does not need")
    return problems


def _cudart(lib: str, extra: frozenset[str]) -> bool:
    return bool(extra) and lib.startswith("libcudart.so")


def entry_points(data: bytes) -> list[tuple[str, int, int]]:
    """(name, file offset, size) of the exported C functions (unmangled, strong) of a library."""
    elf = ELFFile(io.BytesIO(data))
    dynsym = elf.get_section_by_name(".dynsym")
    out = []
    for sym in dynsym.iter_symbols() if isinstance(dynsym, SymbolTableSection) else []:
        info = sym["st_info"]
        if (
            sym["st_shndx"] == "SHN_UNDEF"
            or info["type"] != "STT_FUNC"
            or info["bind"] != "STB_GLOBAL"
            or sym.name.startswith("_Z")
            or sym.name in ("_init", "_fini")
        ):
            continue
        offsets = list(elf.address_offsets(sym["st_value"]))
        if offsets:
            out.append((sym.name, offsets[0], int(sym["st_size"])))
    return out


def ablated(data: bytes) -> bytes:
    """The library with every exported C entry point returning 0 at once (after its endbr64)."""
    buf = bytearray(data)
    for _, off, size in entry_points(data):
        start = off + (len(ENDBR64) if bytes(buf[off : off + 4]) == ENDBR64 else 0)
        patch = RET0 if size - (start - off) >= len(RET0) or size == 0 else b"\xc3"
        buf[start : start + len(patch)] = patch
    return bytes(buf)
