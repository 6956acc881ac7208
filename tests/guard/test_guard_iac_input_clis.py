"""The CloudFormation, Pulumi and SAM approval-bound commands bind the files they read, like Terraform's
(planlint/guard/iac_inputs.py; the Terraform rows with the real binary: test_guard_iac_inputs.py).

`aws`, `pulumi` and `sam` are the synthetic logging stand-ins of test_guard_bound_inputs.py (a real one
would need a cloud account): each records its argv, its standard input and the text of every file its
arguments name when it runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_guard_bound_inputs import _calls, _guard
from .test_guard_bound_inputs import _stubs as stubs
from .test_guard_terraform import Rig, _approve, _trust, rig

__all__ = ["rig"]


def _stubs(rig: Rig) -> Path:
    return stubs(rig, ("aws", "pulumi", "sam"))


def test_update_stack_template_edited_after_approval_is_refused_and_the_copy_runs(rig: Rig) -> None:
    log = _stubs(rig)
    keys = _trust(rig)
    template = rig.work / "t.yaml"
    template.write_text("Resources: {}\n")
    command = ("--", "aws", "cloudformation", "update-stack", "--stack-name", "prod",
               "--template-body", "file://t.yaml")  # fmt: skip
    refused = _guard(rig, *command)
    assert refused.returncode == 10 and "t.yaml (14 bytes, sha256 " in refused.stderr, refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "u.json")
    template.write_text("Resources: {}\nOutputs: {}\n")  # the agent's edit
    assert _guard(rig, "--approval", str(approval), *command).returncode == 12 and not _calls(log)
    template.write_text("Resources: {}\n")
    ran = _guard(rig, "--approval", str(approval), *command)
    assert ran.returncode == 0, ran.stderr
    (call,) = _calls(log)
    argv = call["argv"]
    assert isinstance(argv, list) and argv[-1].startswith("file:///") and argv[-1].endswith("/0-t.yaml")


def test_cli_input_json_file_is_bound_too(rig: Rig) -> None:
    _stubs(rig)
    _trust(rig)
    (rig.work / "in.json").write_text('{"StackName": "prod"}\n')
    refused = _guard(rig, "--", "aws", "cloudformation", "delete-stack", "--cli-input-json", "file://in.json")
    assert refused.returncode == 10 and "in.json (22 bytes, sha256 " in refused.stderr, refused.stderr


def test_pulumi_stack_import_binds_its_file_or_its_standard_input(rig: Rig) -> None:
    log = _stubs(rig)
    keys = _trust(rig)
    (rig.work / "s.json").write_text('{"version": 3}\n')
    by_file = _guard(rig, "--", "pulumi", "stack", "import", "--file", "s.json", "-s", "prod")
    assert by_file.returncode == 10 and "s.json (15 bytes, sha256 " in by_file.stderr, by_file.stderr
    command = ("--", "pulumi", "stack", "import", "-s", "prod")
    refused = _guard(rig, *command, stdin=b'{"version": 3}\n')
    assert refused.returncode == 10 and "standard input (15 bytes" in refused.stderr, refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "p.json")
    edited = _guard(rig, "--approval", str(approval), *command, stdin=b'{"version": 3, "deployment": {}}\n')
    assert edited.returncode == 12 and not _calls(log), edited.stderr
    ran = _guard(rig, "--approval", str(approval), *command, stdin=b'{"version": 3}\n')
    assert ran.returncode == 0, ran.stderr
    assert [c["stdin"] for c in _calls(log)] == ['{"version": 3}\n']


def test_pulumi_refresh_binds_its_config_file(rig: Rig) -> None:
    _stubs(rig)
    _trust(rig)
    (rig.work / "Pulumi.prod.yaml").write_text("config: {aws:region: eu-west-1}\n")
    refused = _guard(rig, "--", "pulumi", "refresh", "--yes", "--config-file=Pulumi.prod.yaml", "-s", "prod")
    assert refused.returncode == 10 and "Pulumi.prod.yaml (" in refused.stderr, refused.stderr


@pytest.mark.parametrize(
    ("command", "files", "why"),
    [
        (["sam", "delete", "--no-prompts"], {"samconfig.toml": "version = 0.1\n"},
         "samconfig.toml: sam reads its defaults"),
        (["sam", "delete", "--stack-name", "prod", "--config-file", "gone.toml"], {}, "gone.toml does not exist"),
        (["pulumi", "stack", "rm", "prod", "--yes", "notes.txt"], {"notes.txt": "x\n"},
         "notes.txt names a file in the working directory"),
        (["aws", "cloudformation", "update-stack", "--stack-name", "prod", "--template-body", "file://t"],
         {}, "t does not exist"),
    ],
)  # fmt: skip
def test_files_guard_cannot_bind_are_refused(
    rig: Rig, command: list[str], files: dict[str, str], why: str
) -> None:
    log = _stubs(rig)
    _trust(rig)
    for name, text in files.items():
        (rig.work / name).write_text(text)
    proc = _guard(rig, "--", *command)
    assert proc.returncode == 13, proc.stderr
    assert "cannot bind what the command reads" in proc.stderr and why in proc.stderr and not _calls(log)


def test_sam_delete_with_a_named_config_file_binds_it(rig: Rig) -> None:
    _stubs(rig)
    _trust(rig)
    (rig.work / "samconfig.toml").write_text("version = 0.1\n")
    proc = _guard(rig, "--", "sam", "delete", "--no-prompts", "--config-file", "samconfig.toml")
    assert proc.returncode == 10 and "samconfig.toml (14 bytes, sha256 " in proc.stderr, proc.stderr


def test_sam_sync_keeps_its_template_path_and_runs_the_bound_config_copy(rig: Rig) -> None:
    """sam resolves CodeUri against the template's directory: the template stays where it is (configuration,
    not bound); the named config file is bound and handed over as guard's copy."""
    log = _stubs(rig)
    keys = _trust(rig)
    (rig.work / "template.yaml").write_text("Resources: {}\n")
    (rig.work / "samconfig.toml").write_text("version = 0.1\n")
    command = ("--", "sam", "sync", "--template", "template.yaml", "--config-file", "samconfig.toml")
    refused = _guard(rig, *command)
    assert refused.returncode == 10 and "samconfig.toml (14 bytes" in refused.stderr, refused.stderr
    assert "template.yaml (" not in refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "sync.json")
    ran = _guard(rig, "--approval", str(approval), *command)
    assert ran.returncode == 0, ran.stderr
    (call,) = _calls(log)
    argv = call["argv"]
    assert isinstance(argv, list) and argv[:3] == ["sync", "--template", "template.yaml"]
    assert argv[3] == "--config-file" and argv[4].endswith("/0-samconfig.toml") and argv[4].startswith("/")


def test_pulumi_import_is_bound_to_an_approval_and_its_preview_runs(rig: Rig) -> None:
    """`pulumi import` adopts existing resources into the stack's state (pulumi.com/docs/iac/cli/commands/
    pulumi_import), as `terraform import` writes state: an approval of the exact command, with its
    `--file` bound, before it runs; `--preview-only` changes nothing and runs untouched."""
    log = _stubs(rig)
    keys = _trust(rig)
    adopt = ("--", "pulumi", "import", "aws:s3/bucket:Bucket", "logs", "my-bucket", "--yes", "-s", "prod")
    refused = _guard(rig, *adopt)
    assert refused.returncode == 10 and "import adopts existing resources" in refused.stderr, refused.stderr
    assert not _calls(log)
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "i.json")
    assert _guard(rig, "--approval", str(approval), *adopt).returncode == 0
    assert [c["argv"][:3] for c in _calls(log)] == [["import", "aws:s3/bucket:Bucket", "logs"]]
    (rig.work / "resources.json").write_text('{"resources": []}\n')
    by_file = _guard(rig, "--", "pulumi", "import", "--file", "resources.json", "--yes")
    assert by_file.returncode == 10 and "resources.json (18 bytes, sha256 " in by_file.stderr, by_file.stderr
    preview = _guard(rig, "--", "pulumi", "import", "--preview-only", "aws:s3/bucket:Bucket", "logs", "b")
    assert preview.returncode == 0, preview.stderr
    assert len(_calls(log)) == 2
