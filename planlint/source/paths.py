"""How a file's path is shown to the reader (SARIF, annotations, findings), without the source index.

`planlint.source.index` pulls the HCL reader and `dataclasses`; a template diff needs only this.
"""

from __future__ import annotations

from pathlib import Path


def shown_path(path: Path) -> str:
    """A path relative to the working directory when under it (what SARIF and annotations need), POSIX style."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()
