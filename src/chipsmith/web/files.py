"""Pure: workspace files for the browser: a tree, highlighted source, diffs between versions.

Highlighting is Pygments' HTML formatter (it escapes the text; class names only, the colours are in
the app's stylesheet, so no inline style is needed under the page's CSP). The lexer table and the
diff rules are the terminal chat's (``chat.files_view``), so both show a file the same way.
"""

from __future__ import annotations

from typing import Any

MAX_LINES = 5000
"""Longest source shown highlighted; the rest is cut with a note (the raw file has it all)."""


def tree(files: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    """Pure: (path, size, versions) rows as nested folders, folders first, each sorted by name."""
    root: dict[str, Any] = {"name": "", "path": "", "dirs": {}, "files": []}
    for path, size, versions in sorted(files):
        node = root
        parts = path.split("/")
        for i, part in enumerate(parts[:-1]):
            node = node["dirs"].setdefault(
                part, {"name": part, "path": "/".join(parts[: i + 1]), "dirs": {}, "files": []}
            )
        node["files"].append({"name": parts[-1], "path": path, "size": size, "versions": versions})
    return [_plain(root)]


def _plain(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": node["name"],
        "path": node["path"],
        "dirs": [_plain(node["dirs"][k]) for k in sorted(node["dirs"])],
        "files": node["files"],
    }


def is_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def highlight(text: str, path: str) -> tuple[str, int, bool]:
    """Pure: (HTML of the highlighted source with line numbers, lines, whether it was cut)."""
    from pygments import highlight as render
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    from chipsmith.chat.files_view import lexer_for

    lines = text.splitlines()
    cut = len(lines) > MAX_LINES
    if cut:
        text = "\n".join(lines[:MAX_LINES]) + "\n"
    html = render(
        text,
        get_lexer_by_name(lexer_for(path)),
        HtmlFormatter(linenos="table", cssclass="src", wrapcode=True),
    )
    return html, len(lines), cut


def diff_html(text: str) -> str:
    """Pure: a unified diff as highlighted HTML."""
    from pygments import highlight as render
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    return render(text, get_lexer_by_name("diff"), HtmlFormatter(cssclass="src diff", wrapcode=True))


def diff_stats(text: str) -> tuple[int, int]:
    """Pure: (lines added, lines removed) of a unified diff."""
    lines = text.splitlines()
    added = sum(1 for ln in lines if ln.startswith("+") and not ln.startswith("+++"))
    removed = sum(1 for ln in lines if ln.startswith("-") and not ln.startswith("---"))
    return added, removed


def stylesheet() -> str:
    """The Pygments colours for ``.src`` blocks (served as a static-like CSS file)."""
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style="default").get_style_defs(".src"))
