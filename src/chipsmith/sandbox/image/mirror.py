"""Find the Debian mirror apt already uses (pure parsers plus one reader of /etc/apt)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MIRROR = "http://deb.debian.org/debian"


def mirrors_from_list(text: str, suite: str) -> list[str]:
    """Pure: URIs of one-line ``deb URI SUITE COMPONENTS`` entries (sources.list format) for ``suite``."""
    found = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) >= 3 and words[0] == "deb":
            # Options like "[signed-by=...]" sit between "deb" and the URI.
            rest = [w for w in words[1:] if not (w.startswith("[") or w.endswith("]") or "=" in w)]
            if len(rest) >= 2 and rest[1] == suite:
                found.append(rest[0])
    return found


def mirrors_from_deb822(text: str, suite: str) -> list[str]:
    """Pure: URIs of deb822 stanzas (``*.sources``) with ``Types: deb`` that list ``suite``."""
    found = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if ":" in line and not line.startswith((" ", "#")):
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        if "deb" in fields.get("types", "").split() and suite in fields.get("suites", "").split():
            found.extend(fields.get("uris", "").split())
    return found


def find_mirror(suite: str, apt_dir: Path = Path("/etc/apt")) -> str:
    """The first configured mirror serving ``suite``; the public Debian mirror when none is set."""
    # apt reads only *.list and *.sources; other names (e.g. "x.list.disabled") are ignored there too.
    extra = [p for p in sorted((apt_dir / "sources.list.d").glob("*")) if p.suffix in (".list", ".sources")]
    sources = [apt_dir / "sources.list", *extra]
    for path in sources:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        parse = mirrors_from_deb822 if path.suffix == ".sources" else mirrors_from_list
        if uris := parse(text, suite):
            return uris[0]
    return DEFAULT_MIRROR
