"""What `planlint hook AGENT` and a small `planlint check` import: the cheap import graph, pinned (issue 13).

An agent runs the hook before every tool call, so each module it imports is paid on every call; a small
`check` is mostly start-up. These tests run the real command line in a fresh interpreter and list the
modules it imported. They check behaviour (which modules a run needs), not time: speed is measured by
`benchmarks/run.py --workloads small,hook`. A test failing here means a change put a heavy module back on
a start-up path: import it where it is used instead (see docs/internals.md, "Start-up").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from planlint.cli import main
code = main(sys.argv[1:])
modules = sorted(sys.modules)  # before this probe imports json to print them
import json
print(json.dumps({"code": code, "modules": modules}), file=sys.stderr)
"""

# Never on the hook's path: dataclasses (it imports inspect, ast, dis, tokenize), PyYAML and jsonschema
# (tables come from the shipped index), msgspec (nothing is decoded), argparse (`hook AGENT` skips it),
# copy (only `hooks install` merges configuration), shutil, hashlib.
HOOK_NEVER = frozenset(
    ("dataclasses", "inspect", "ast", "dis", "yaml", "jsonschema", "msgspec", "argparse", "copy", "shutil",
     "hashlib", "planlint.model", "planlint.ruleset")
)  # fmt: skip
# A line of plain words (`terraform plan -out tfplan`) needs no shell grammar and opens no file by path; its
# records are built without `typing` (planlint/records.py), its adapter found without `importlib` (and its
# `warnings`), and the modules that read scripts and files are not loaded. The command tables' index is
# not checked against the YAML files on each call (no `zlib`: a test does it);
# `shlex` only words refusals and reads argv lists. `answer` lives in planlint/hooks/contract.py, so the
# command modules (planlint/commands/, for argparse) are not loaded either.
PLAIN_LINE_NEVER = HOOK_NEVER | {"tree_sitter", "pathlib", "typing", "importlib", "warnings", "contextlib",
                                 "planlint.guard.scripts", "planlint.guard.files", "zlib", "shlex",
                                 "planlint.commands"}  # fmt: skip
# `check` of a plan or change set: the rules and the catalogue come from the shipped index (no YAML, no
# schema validation); its records are msgspec structs (no dataclasses); no GitHub client, no templates,
# no Terraform source reader; msgspec is imported without typing_extensions (planlint/msgspec_lean.py),
# which would bring `inspect`, `ast` and `dis`; small buffers are hashed without OpenSSL (planlint/sha256.py);
# files and the rules directory are read by path text, without pathlib (and its urllib.parse and ipaddress).
CHECK_NEVER = frozenset(
    ("yaml", "jsonschema", "dataclasses", "httpx", "rich", "tree_sitter", "cfnlint", "hcl2", "planlint.guard",
     "typing_extensions", "inspect", "ast", "dis", "hashlib", "_hashlib", "pathlib", "urllib.parse", "ipaddress")
)  # fmt: skip


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, set[str]]:
    """planlint's exit code, its standard output, and every module imported by the end of the run."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["code"], result.stdout, set(report["modules"])


def _claude_call(command: str) -> str:
    return json.dumps(
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {"command": command}}
    )


def test_hook_on_a_plain_line_imports_only_what_it_needs() -> None:
    code, out, modules = _run(["hook", "claude"], _claude_call("terraform plan -out tfplan"))
    assert (code, out) == (0, "")  # screened and let through silently
    assert "planlint.guard.screen" in modules
    assert sorted(modules & PLAIN_LINE_NEVER) == []


@pytest.mark.parametrize(
    ("command", "denied"),
    [
        ("terraform destroy -auto-approve", True),
        ("cd infra && terraform apply | tee log", True),  # needs the shell grammar
        ("psql -c 'DROP TABLE users'", True),  # the destructive catalogue's SQL statements
        ("ls -la", False),
    ],
)
def test_hook_never_imports_the_heavy_modules(command: str, denied: bool) -> None:
    code, out, modules = _run(["hook", "claude"], _claude_call(command))
    assert code == 0
    assert ('"permissionDecision": "deny"' in out) is denied
    assert sorted(modules & HOOK_NEVER) == []


def test_small_check_reads_rules_and_catalogue_from_the_index(corpus: Path) -> None:
    code, out, modules = _run(["check", str(corpus / "terraform/snyk-cli/tf-plan-destroy.json")])
    assert code == 1  # the plan destroys an S3 bucket: the check really ran
    assert "aws_s3_bucket" in out
    assert sorted(modules & CHECK_NEVER) == []


def test_change_set_check_imports_only_what_it_needs(corpus: Path) -> None:
    path = corpus / "cloudformation/trek10-cfn-changeset-viewer/deletion-policies.json"
    code, out, modules = _run(["check", "--format", "json", str(path)])
    assert code in (0, 1)
    assert json.loads(out)["decision"] in ("pass", "approval_required")
    assert "planlint.loaders.cloudformation" in modules
    assert sorted(modules & CHECK_NEVER) == []


# `diff` of two JSON templates: decoded with `json` (PyYAML only for YAML text, planlint/templates/
# fastload_yaml.py), records are msgspec structs (no dataclasses, hence no inspect/ast/dis), paths shown
# without the Terraform source index, cfn-lint's schemas read by path.
DIFF_NEVER = frozenset(
    ("yaml", "dataclasses", "inspect", "ast", "dis", "typing_extensions", "cfnlint", "planlint.source.index",
     "planlint.source.hcl", "planlint.templates.fastload_yaml")
)  # fmt: skip
# synthetic: a bucket and a queue; the new template drops the bucket and renames the queue's QueueName
OLD_TEMPLATE = {
    "Resources": {
        "Logs": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs"}},
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
    }
}
NEW_TEMPLATE = {"Resources": {"Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs-2"}}}}


def test_json_template_diff_imports_neither_yaml_nor_dataclasses(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD_TEMPLATE, indent=2))
    new.write_text(json.dumps(NEW_TEMPLATE, indent=2))
    code, out, modules = _run(["diff", str(old), str(new), "--format", "json"])
    assert code == 1  # the bucket is deleted and the queue replaced: the diff really ran
    assert '"Logs"' in out and '"cfn_replacement_true"' in out
    assert sorted(modules & DIFF_NEVER) == []
    # the same templates as YAML: the probe sees PyYAML when it is imported
    old.write_text(f"# synthetic\n{json.dumps(OLD_TEMPLATE)}\n")
    code, out, modules = _run(["diff", str(old), str(new), "--format", "json"])
    assert code == 1 and '"Logs"' in out
    assert modules >= {"yaml", "planlint.templates.fastload_yaml"}
