"""Where a Pulumi command lands, for the scope an approval is bound to: backend, stack and program.

- `backend`: `PULUMI_BACKEND_URL`, else the project's `Pulumi.yaml` `backend.url`, else the `current` login of
  `$PULUMI_HOME/credentials.json` (default `~/.pulumi`): the order the Pulumi CLI resolves it in
  (pulumi.com/docs/iac/concepts/state-and-backends). A user name and password in the URL are dropped.
- `stack`: `project/stack` as the preview's URNs name it, else the `--stack` given;
- `dir`, `repo`, `commit`: which program (`--cwd` is followed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from planlint.approvals.policy import working_tree
from planlint.guard.classify import Classification
from planlint.guard.git_trusted import git_output
from planlint.guard.pulumi_args import ArgumentError, flag_values, tokens
from planlint.guard.scope import render_scope

_USERINFO = re.compile(r"^([a-z][\w+.-]*://)[^/@]*@", re.IGNORECASE)


def pulumi_scope(c: Classification, cwd: Path, env: Mapping[str, str], stack: str | None = None) -> str:
    """`pulumi;backend=…;commit=…;dir=…;repo=…;stack=project/stack`."""
    try:
        found = tokens(c.argv[1:])
    except ArgumentError:
        found = []
    given = flag_values(found, "cwd")
    directory = (cwd / given[-1]).resolve() if given else cwd.resolve()
    tree = working_tree(directory)
    try:
        relative = str(directory.relative_to(tree)) or "."
    except ValueError:
        relative = str(directory)
    stacks = flag_values(found, "stack")
    return render_scope(
        "pulumi",
        {
            "dir": relative,
            "repo": git_output(directory, "config", "--get", "remote.origin.url"),
            "commit": git_output(directory, "rev-parse", "HEAD"),
            "backend": backend(directory, env),
            "stack": stack or (stacks[-1] if stacks else None),
        },
    )


def backend(directory: Path, env: Mapping[str, str]) -> str | None:
    """The state backend URL the Pulumi CLI would use from `directory`, without credentials."""
    url = env.get("PULUMI_BACKEND_URL") or _project_backend(directory) or _current_login(env)
    return _USERINFO.sub(r"\1", url) if url else None


def _project_backend(directory: Path) -> str | None:
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        path = directory / name
        if path.is_file():
            import yaml

            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return None
            section = doc.get("backend") if isinstance(doc, dict) else None
            url = section.get("url") if isinstance(section, dict) else None
            return url if isinstance(url, str) and url else None
    return None


def _current_login(env: Mapping[str, str]) -> str | None:
    home = env.get("PULUMI_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".pulumi")
    try:
        doc: Any = json.loads((Path(home) / "credentials.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = doc.get("current") if isinstance(doc, dict) else None
    return current if isinstance(current, str) and current else None
