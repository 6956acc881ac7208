"""The command line imports msgspec without typing_extensions (planlint/msgspec_lean.py): nothing decodes
differently, and a msgspec that needs typing_extensions is still imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from planlint.cli import COMMANDS, DECODES_WITH_MSGSPEC

# msgspec's view of every planlint Struct (the type info its decoders are built from), after importing
# msgspec the command line's way ("lean") or with typing_extensions loaded first ("usual").
TYPE_INFO = """
import importlib, json, sys
from pathlib import Path
if sys.argv[1] == "lean":
    from planlint.msgspec_lean import import_msgspec
    import_msgspec()
    assert "typing_extensions" not in sys.modules and "inspect" not in sys.modules
else:
    import typing_extensions
import msgspec, msgspec.inspect
import planlint
root = Path(planlint.__file__).parent
for path in sorted(root.rglob("*.py")):
    if "msgspec.Struct" in path.read_text(encoding="utf-8") and path.name != "__main__.py":
        name = ".".join(("planlint", *path.relative_to(root).with_suffix("").parts))
        try:
            importlib.import_module(name.removesuffix(".__init__"))
        except ImportError:
            pass  # an optional extra that is not installed
def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)
structs = {c for c in subclasses(msgspec.Struct) if c.__module__.startswith("planlint")}
import re  # a default's repr names its address: not part of the type
print(json.dumps({f"{c.__module__}.{c.__qualname__}": re.sub(r" at 0x[0-9a-f]+", "", repr(msgspec.inspect.type_info(c)))
                  for c in structs}))
"""

RUN = """
import json, sys
if sys.argv[1] == "usual":
    import typing_extensions
from planlint.cli import main
code = main(sys.argv[2:])
print(json.dumps({"code": code, "typing_extensions": "typing_extensions" in sys.modules}), file=sys.stderr)
"""


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_every_planlint_struct_has_the_same_type_info_both_ways() -> None:
    lean, usual = (_python(TYPE_INFO, mode) for mode in ("lean", "usual"))
    assert lean.returncode == usual.returncode == 0, lean.stderr + usual.stderr
    structs = json.loads(lean.stdout)
    assert len(structs) >= 20 and "planlint.loaders.terraform.Document" in structs
    assert structs == json.loads(usual.stdout)


def test_a_check_reports_the_same_both_ways(corpus: Path) -> None:
    plan = corpus / "terraform/snyk-cli/tf-plan-destroy.json"
    runs = {mode: _python(RUN, mode, "check", "--format", "json", str(plan)) for mode in ("lean", "usual")}
    assert runs["lean"].stdout == runs["usual"].stdout and '"aws_s3_bucket' in runs["lean"].stdout
    lean = json.loads(runs["lean"].stderr.strip().splitlines()[-1])
    assert lean == {"code": 1, "typing_extensions": False}  # the plan destroys an S3 bucket


def test_a_msgspec_that_needs_typing_extensions_is_imported_plainly(tmp_path: Path) -> None:
    # Synthetic: a stand-in `msgspec` package that imports typing_extensions unconditionally.
    (tmp_path / "msgspec").mkdir()
    (tmp_path / "msgspec" / "__init__.py").write_text("import typing_extensions\nNEEDS = True\n")
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
        "from planlint.msgspec_lean import import_msgspec\n"
        "import_msgspec()\n"
        "import msgspec, typing_extensions\n"
        "print(msgspec.NEEDS, sys.modules['typing_extensions'] is typing_extensions)\n"
    )
    result = _python(code)
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_every_command_is_classed() -> None:
    # A new command is either listed in DECODES_WITH_MSGSPEC or here: these never decode with msgspec.
    assert DECODES_WITH_MSGSPEC | {"hook", "hooks", "approve", "doctor"} == set(COMMANDS)
    for command in ("hooks", "approve", "doctor"):
        module = COMMANDS[command]
        result = _python(f"import sys, {module}; print('msgspec' in sys.modules)")
        assert result.stdout.strip() == "False", (command, result.stderr)
