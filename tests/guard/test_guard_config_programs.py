"""Guard reads the configuration it is about to run and refuses (exit 16) when it would start a program under
guard's account that the trusted policy's programs.yml does not allow: Terraform's `data "external"`,
provider `exec` plugins and `local-exec` provisioners; Terragrunt's hooks, `run_cmd` and included files;
kubeconfig files another account can write. Nothing runs before the refusal.

Terraform is the REAL terraform (built-in `terraform_data`; no provider downloads, so `external` and
`kubernetes` rows show the refusal, not the program running). Terragrunt is the SYNTHETIC test double
(tests/guard/fake_terragrunt.py), which runs `run_cmd` and `before_hook` programs as Terragrunt does, so
each Terragrunt row's marker file is written when guard lets the program run. The configurations below are
small synthetic ones, each named for the one thing it shows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .fake_terragrunt import install
from .guard_rig import GuardRig

pytestmark = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform 1.11 is not on PATH")

MARKER = "program-ran"
LOCAL_EXEC = f'resource "terraform_data" "x" {{\n  provisioner "local-exec" {{\n    command = "touch {MARKER}"\n  }}\n}}\n'


class Rig(GuardRig):
    def __init__(self, tmp_path: Path) -> None:
        super().__init__(tmp_path, "FAKE_TG_LOG")
        install(self.bin, sys.executable)

    def write(self, relative: str, text: str) -> Path:
        path = self.work / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def allow(self, text: str) -> None:
        (self.trust / "programs.yml").write_text(text)

    def guard_in(self, directory: str, *args: str) -> subprocess.CompletedProcess[str]:
        """`guard` started in `directory` of the working tree."""
        return subprocess.run(
            [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(self.trust), *args],
            cwd=self.work / directory, env=self.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip

    def ran(self, unit: str = ".") -> bool:
        return (self.work / unit / MARKER).exists()


@pytest.fixture()
def rig(tmp_path: Path) -> Rig:
    return Rig(tmp_path)


def _initialised(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "init", "-input=false")
    assert proc.returncode == 0, proc.stderr


def _refused(rig: Rig, *argv: str, **env: str) -> str:
    proc = rig.guard("--", *argv, **env)
    assert proc.returncode == 16, proc.stderr
    assert "REFUSED (exit 16)" in proc.stderr
    return proc.stderr


def test_a_local_exec_provisioner_is_refused_before_anything_is_planned_or_applied(rig: Rig) -> None:
    rig.write("main.tf", LOCAL_EXEC)
    _initialised(rig)  # without guard's refusal, the apply would now run the provisioner
    shown = _refused(rig, "terraform", "apply")
    assert (
        'main.tf:3: resource "terraform_data" "x" provisioner "local-exec" runs `/bin/sh -c touch program-ran`'
        in shown
    )
    assert not rig.ran() and not (rig.work / "terraform.tfstate").exists()


def test_an_exactly_allowed_local_exec_runs_and_plan_alone_is_not_refused_for_it(rig: Rig) -> None:
    rig.write("main.tf", LOCAL_EXEC)
    _initialised(rig)
    planned = rig.guard("--", "terraform", "plan")  # local-exec runs only at apply
    assert planned.returncode == 0, planned.stderr
    rig.allow(f'programs:\n  - argv: ["/bin/sh", "-c", "touch {MARKER}"]\n    why: synthetic\n')
    applied = rig.guard("--", "terraform", "apply")
    assert applied.returncode == 0, applied.stderr
    assert rig.ran()


def test_a_near_miss_of_an_allowed_command_is_refused(rig: Rig) -> None:
    rig.write("main.tf", LOCAL_EXEC.replace(f"touch {MARKER}", f"touch {MARKER}; id"))
    rig.allow(f'programs:\n  - argv: ["/bin/sh", "-c", "touch {MARKER}"]\n')
    _initialised(rig)
    assert "not allowed by the trusted policy" in _refused(rig, "terraform", "apply")
    assert not rig.ran()


def test_an_allowed_command_naming_a_file_another_account_can_write_is_refused(rig: Rig) -> None:
    script = rig.write("tools/tag.sh", f"touch {MARKER}\n")
    script.chmod(0o666)  # as the agent's files are to guard's account: someone else can rewrite it
    rig.write("main.tf", 'resource "terraform_data" "x" {\n  provisioner "local-exec" {\n'
              '    command = "tools/tag.sh"\n    interpreter = ["/bin/sh"]\n  }\n}\n')  # fmt: skip
    rig.allow('programs:\n  - argv: ["/bin/sh", "tools/tag.sh"]\n')
    _initialised(rig)
    shown = _refused(rig, "terraform", "apply")
    assert "tools/tag.sh is group- or world-writable" in shown and "never allowed to run" in shown
    assert not rig.ran()


def test_data_external_provider_exec_and_modules_are_refused_at_plan(rig: Rig) -> None:
    rig.write("main.tf", 'module "m" {\n  source = "./modules/m"\n}\n'
              'provider "kubernetes" {\n  exec {\n    api_version = "client.authentication.k8s.io/v1beta1"\n'
              '    command = "aws"\n    args = ["eks", "get-token", "--cluster-name", var.cluster]\n  }\n}\n')  # fmt: skip
    rig.write(
        "modules/m/main.tf",
        'data "external" "tags" {\n  program = ["python3", "${path.module}/tags.py"]\n}\n',
    )
    shown = _refused(rig, "terraform", "plan")
    assert 'modules/m/main.tf:2: data "external" "tags" program runs `python3 modules/m/tags.py`' in shown
    assert (
        'main.tf:5: provider "kubernetes" exec credential plugin runs `a command the configuration computes`'
        in shown
    )
    assert "only an exact command can be allowed" in shown


def test_json_syntax_and_helm_attribute_exec_are_read_too(rig: Rig) -> None:
    provisioner = {"provisioner": [{"local-exec": {"command": f"touch {MARKER}"}}]}
    rig.write("main.tf.json", json.dumps({"resource": {"terraform_data": {"x": provisioner}}}))
    rig.write(
        "helm.tf", 'provider "helm" {\n  kubernetes = {\n    exec = { command = "x", args = ["y"] }\n  }\n}\n'
    )
    shown = _refused(rig, "terraform", "apply")
    assert 'main.tf.json: resource "terraform_data" "x" provisioner "local-exec"' in shown
    assert 'helm.tf:1: provider "helm" exec credential plugin runs `x y`' in shown
    assert not rig.ran()


def test_configuration_guard_cannot_read_is_refused_not_run(rig: Rig) -> None:
    rig.write("main.tf", LOCAL_EXEC + 'resource "terraform_data" "broken" {\n  input = \n')
    shown = _refused(rig, "terraform", "apply")
    assert "main.tf" in shown and "not valid HCL" in shown
    assert not rig.ran()


def test_a_kubeconfig_another_account_can_write_is_refused_and_a_held_one_is_not(rig: Rig) -> None:
    rig.write("main.tf", 'resource "terraform_data" "x" {\n  input = "v"\n}\n')
    kubeconfig = rig.write("kubeconfig", "apiVersion: v1\nkind: Config\n")
    kubeconfig.chmod(0o666)
    shown = _refused(rig, "terraform", "plan", KUBECONFIG=str(kubeconfig))
    assert "$KUBECONFIG: names a kubeconfig" in shown and "group- or world-writable" in shown
    kubectl = rig.bin / "kubectl"  # SYNTHETIC stand-in (this machine's kubectl is a symlink guard refuses)
    kubectl.write_text(f"#!/bin/sh\ntouch {rig.work / MARKER}\n")
    kubectl.chmod(0o755)
    assert "--kubeconfig: names a kubeconfig" in _refused(rig, "kubectl", "delete", "pvc", "data", "--kubeconfig",
                                                          str(kubeconfig))  # fmt: skip
    assert not rig.ran()
    kubeconfig.chmod(0o600)
    assert rig.guard("--", "terraform", "init", "-input=false", KUBECONFIG=str(kubeconfig)).returncode == 0
    assert rig.guard("--", "terraform", "plan", KUBECONFIG=str(kubeconfig)).returncode == 0


def _unit(rig: Rig, unit: str, terragrunt: str) -> None:
    rig.write(f"{unit}/terragrunt.hcl", terragrunt)
    rig.write(f"{unit}/main.tf", 'resource "terraform_data" "x" {\n  input = "v"\n}\n')


HOOK = (
    'terraform {\n  before_hook "tag" {\n    commands = ["plan", "apply"]\n'
    f'    execute = ["touch", "{MARKER}"]\n  }}\n}}\n'
)


def test_a_terragrunt_before_hook_is_refused_and_runs_once_allowed(rig: Rig) -> None:
    _unit(rig, ".", HOOK)
    shown = _refused(rig, "terragrunt", "plan")
    assert f'terragrunt.hcl:4: before_hook "tag" execute runs `touch {MARKER}`' in shown
    assert not rig.ran()
    rig.allow(f'programs:\n  - argv: ["touch", "{MARKER}"]\n')
    planned = rig.guard("--", "terragrunt", "plan")
    assert planned.returncode == 0, planned.stderr
    assert rig.ran()


def test_a_hook_for_other_commands_does_not_stop_a_plan(rig: Rig) -> None:
    _unit(rig, ".", HOOK.replace('["plan", "apply"]', '["apply"]'))
    planned = rig.guard("--", "terragrunt", "plan")
    assert planned.returncode == 0, planned.stderr
    assert not rig.ran()
    _refused(rig, "terragrunt", "apply")


def test_run_cmd_in_the_unit_or_an_included_file_is_refused(rig: Rig) -> None:
    _unit(rig, "live/app", 'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\n')
    rig.write("live/root.hcl", f'locals {{\n  who = run_cmd("--terragrunt-quiet", "touch", "{MARKER}")\n}}\n')
    proc = rig.guard_in("live/app", "--", "terragrunt", "plan")
    assert proc.returncode == 16, proc.stderr
    assert f"live/root.hcl:2: run_cmd(…) runs `touch {MARKER}`" in proc.stderr
    rig.write("live/root.hcl", "# nothing runs here\n")
    rig.write("live/app/terragrunt.hcl", f'locals {{\n  who = "${{run_cmd("touch", "{MARKER}")}}-x"\n}}\n')
    proc = rig.guard_in("live/app", "--", "terragrunt", "plan")
    assert proc.returncode == 16 and f"terragrunt.hcl:2: run_cmd(…) runs `touch {MARKER}`" in proc.stderr
    assert not rig.ran("live/app")


def test_run_all_apply_is_refused_when_any_unit_runs_a_program(rig: Rig) -> None:
    _unit(rig, "live/a", "# synthetic unit\n")
    _unit(rig, "live/b", HOOK)
    shown = _refused(rig, "terragrunt", "run", "--all", "--", "apply")
    assert "live/b/terragrunt.hcl:4" in shown
    assert not rig.ran("live/b") and not (rig.work / "live/a/terraform.tfstate").exists()


@pytest.mark.parametrize(
    "form", [("run", "--all", "plan"), ("run-all", "plan"), ("run", "--all", "--", "validate")]
)
def test_a_many_unit_read_is_refused_when_any_unit_runs_a_program(rig: Rig, form: tuple[str, ...]) -> None:
    """`run --all plan` is a read (kind pass), but every unit's `run_cmd` runs for it, with guard's credentials."""
    _unit(rig, "live/a", "# synthetic unit\n")
    _unit(rig, "live/b", f'locals {{\n  who = run_cmd("touch", "{MARKER}")\n}}\n')
    proc = rig.guard_in("live", "--", "terragrunt", *form)
    assert proc.returncode == 16, proc.stderr
    assert f"  - b/terragrunt.hcl:2: run_cmd(…) runs `touch {MARKER}`" in proc.stderr  # relative to live/
    assert not rig.ran("live/b")


def test_a_downloaded_terraform_source_needs_the_trusted_policy(rig: Rig) -> None:
    _unit(rig, ".", 'terraform {\n  source = "git::https://example.com/agent/modules.git//app"\n}\n')
    shown = _refused(rig, "terragrunt", "plan")
    assert "guard cannot read what it runs first" in shown and "terragrunt_sources" in shown
    rig.allow("terragrunt_sources:\n  - git::https://example.com/agent/modules.git//\n")
    assert rig.guard("--", "terragrunt", "plan").returncode == 0


def test_a_label_written_with_an_escape_is_read_as_terraform_reads_it(rig: Rig) -> None:
    rig.write("main.tf", LOCAL_EXEC.replace('"local-exec"', '"local-\\u0065xec"'))  # Terraform: local-exec
    _initialised(rig)
    assert 'provisioner "local-exec" runs `/bin/sh -c touch program-ran`' in _refused(
        rig, "terraform", "apply"
    )
    assert not rig.ran()


def test_a_provisioner_slipped_in_between_reading_and_planning_is_caught_in_the_saved_plan(rig: Rig) -> None:
    # A SYNTHETIC `terraform` in front of the real one appends a provisioner to main.tf just before `plan`
    # reads it: the agent rewriting the file after guard read it. The saved plan carries it, so guard reads it there.
    real = shutil.which("terraform")
    assert real is not None
    race = rig.write("race.txt", LOCAL_EXEC.replace('"x"', '"late"'))
    wrapper = rig.bin / "terraform"
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = plan ] && cat {race} >> main.tf\nexec {real} "$@"\n')
    wrapper.chmod(0o755)
    rig.write("main.tf", 'resource "terraform_data" "x" {\n  input = "v"\n}\n')
    _initialised(rig)
    shown = _refused(rig, "terraform", "apply")
    assert (
        'the saved plan: terraform_data.late: provisioner "local-exec" runs `/bin/sh -c touch program-ran`'
        in shown
    )
    assert not rig.ran() and not (rig.work / "terraform.tfstate").exists()


def test_the_saved_plans_provisioners_are_read_from_every_module(tmp_path: Path) -> None:
    from planlint.guard.plan_programs import planned_programs

    (tmp_path / "m").mkdir()
    (tmp_path / "main.tf").write_text(
        'variable "c" {\n  default = "x"\n}\nmodule "m" {\n  source = "./m"\n}\n'
        'resource "terraform_data" "y" {\n  provisioner "local-exec" {\n    command = "echo ${var.c}"\n'
        '    interpreter = ["/bin/bash", "-c"]\n    environment = { BASH_ENV = "x" }\n  }\n}\n'
    )
    (tmp_path / "m" / "main.tf").write_text(
        'resource "terraform_data" "z" {\n  provisioner "local-exec" {\n    command = "echo hi"\n'
        '    working_dir = "sub"\n  }\n}\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_CLI_CONFIG_FILE"}
    for argv in (["init", "-input=false"], ["plan", "-input=false", "-out=p.tfplan"]):
        subprocess.run(["terraform", *argv], cwd=tmp_path, env=env, check=True, capture_output=True)
    shown = subprocess.run(["terraform", "show", "-json", "p.tfplan"], cwd=tmp_path, env=env, check=True,
                           capture_output=True)  # fmt: skip
    (tmp_path / "plan.json").write_bytes(shown.stdout)
    second, first = planned_programs(tmp_path / "plan.json", tmp_path)
    assert (first.where, first.argv, first.base) == ("the saved plan: module.m.terraform_data.z",
                                                     ("/bin/sh", "-c", "echo hi"), tmp_path / "sub")  # fmt: skip
    assert second.where == "the saved plan: terraform_data.y" and second.argv is None
    assert "BASH_ENV" in second.problem


def _agent_provider(rig: Rig) -> str:
    """A SYNTHETIC provider binary written where `terraform init` puts providers, and its hash in the lock
    file: the agent's two writes that make Terraform 1.11 start it (it is a shell script writing a marker)."""
    from planlint.guard.provider_pins import h1_hash

    package = rig.work / ".terraform/providers/registry.terraform.io/hashicorp/external/2.3.0/linux_amd64"
    package.mkdir(parents=True)
    binary = package / "terraform-provider-external_v2.3.0_x5"
    binary.write_text(f"#!/bin/sh\ntouch {rig.work / MARKER}\nexit 1\n")
    binary.chmod(0o755)
    digest = h1_hash(package)
    rig.write(".terraform.lock.hcl", 'provider "registry.terraform.io/hashicorp/external" {\n  version = "2.3.0"\n'
              f'  constraints = "2.3.0"\n  hashes = ["{digest}"]\n}}\n')  # fmt: skip
    rig.write("main.tf", 'terraform {\n  required_providers {\n    external = {\n      source = "hashicorp/external"\n'
              '      version = "2.3.0"\n    }\n  }\n}\n')  # fmt: skip
    return digest


def test_a_provider_binary_the_agent_wrote_is_refused_when_the_operator_pins_providers(rig: Rig) -> None:
    digest = _agent_provider(rig)
    rig.allow('providers:\n  hashicorp/external: ["h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]\n')
    for command in (["plan"], ["validate"]):
        shown = _refused(rig, "terraform", *command)
        assert (
            ".terraform/providers/registry.terraform.io/hashicorp/external/2.3.0: a provider binary" in shown
        )
        assert f"its hash {digest} is not one programs.yml pins" in shown
    assert not rig.ran()
    rig.allow(
        f'providers:\n  registry.terraform.io/hashicorp/external: ["{digest}"]\n'
    )  # the operator's choice
    rig.guard("--", "terraform", "validate")
    assert rig.ran()


def test_init_takes_providers_only_from_a_plugin_dir_guard_holds(rig: Rig) -> None:
    rig.write("main.tf", 'resource "terraform_data" "x" {\n  input = "v"\n}\n')
    plugins = rig.work / "plugins"
    plugins.mkdir(mode=0o777)
    plugins.chmod(0o777)  # another account could drop a provider binary in
    shown = _refused(rig, "terraform", "init", "-input=false", f"-plugin-dir={plugins}")
    assert "-plugin-dir: `-plugin-dir` names a directory whose provider binaries Terraform will run" in shown
    plugins.chmod(0o755)
    held = rig.guard("--", "terraform", "init", "-input=false", "-plugin-dir", str(plugins))
    assert held.returncode == 0, held.stderr
