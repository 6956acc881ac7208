"""Import msgspec for a command-line run without `typing_extensions` (issue 13: a small check's start-up).

msgspec's `_utils` takes `get_type_hints`, `Required` and `NotRequired` (msgspec 0.18: also
`_AnnotatedAlias`) from typing_extensions when it is installed, and from `typing` when it is not
(`try: from typing_extensions import … except Exception: from typing import …`). Importing
typing_extensions costs a run ~25 ms of CPU (it imports `inspect`, and with it `ast`, `dis` and
`tokenize`): a sixth of a small `check`. msgspec reads those names only for TypedDicts, `Annotated`
fields and a Struct class's `__signature__`; planlint's Structs use none of them, so they decode the same
either way (tests/test_msgspec_lean.py compares msgspec's type info of every planlint Struct, and a whole
run's report, both ways). On Python 3.10, `typing` has no `Required`/`NotRequired`: msgspec then sets
them to None, which again only TypedDicts read.

Only the command line does this (`planlint.cli.main`, for the commands that decode with msgspec): a
process start, single-threaded, where hiding one module for the length of one import surprises no one.
`sys.modules` is restored at once, so cfn-lint and jsonschema import typing_extensions normally later.
Importing planlint as a library never does it.
"""

from __future__ import annotations

import sys


def import_msgspec() -> None:
    """Import msgspec with `import typing_extensions` failing meanwhile; as usual when either is loaded."""
    if "msgspec" in sys.modules or "typing_extensions" in sys.modules:
        return
    sys.modules["typing_extensions"] = None  # type: ignore[assignment]  # None: "cannot be imported"
    try:
        import msgspec
    except ImportError:  # a msgspec that needs typing_extensions: forget the half import, import it plainly
        for name in [n for n in sys.modules if n == "msgspec" or n.startswith("msgspec.")]:
            del sys.modules[name]
    finally:
        hidden = sys.modules.pop("typing_extensions", None)
        if hidden is not None:  # put there by something else meanwhile: keep it
            sys.modules["typing_extensions"] = hidden
    import msgspec  # noqa: F401
