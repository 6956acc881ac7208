"""Guard never prints a value the tool marks sensitive (trust rules 4 and 6), with the real terraform binary.

Under the account boundary only guard's account reads state, so a read-only command run through guard
is how an agent would see a database password: `output -json`, `output -raw NAME`, `show -json` and
`state pull` print sensitive values in clear, and `console` evaluates `nonsensitive(...)`. The
configuration below is synthetic: a sensitive variable fed into a `terraform_data` and a sensitive output.
(Terraform itself does not mark `terraform_data.output` when `input` holds a sensitive value — its human
`show` prints it too — so the secret goes into `triggers_replace`, which is not echoed.)
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from planlint.guard.classify import classify
from planlint.guard.redact_state import Withheld, redact_outputs, redact_show
from planlint.guard.reveal import logging_refusal, reading
from planlint.guard.shell import SimpleCommand
from planlint.model import REDACTED

from .test_guard_real_terraform import REPO, RealRig

SECRET = "hunter2-guard-secret"
CONFIG = f"""
variable "pw" {{
  type      = string
  sensitive = true
  default   = "{SECRET}"
}}
resource "terraform_data" "db" {{
  input            = {{ name = "orders" }}
  triggers_replace = {{ password = var.pw }}
}}
output "pw" {{
  value     = var.pw
  sensitive = true
}}
output "name" {{
  value = terraform_data.db.input.name
}}
"""


@pytest.fixture()
def secret_rig(tmp_path: object) -> RealRig:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not on PATH (real-binary guard tests)")
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not on PATH (the rig's trust directory)")
    rig = RealRig(tmp_path)  # type: ignore[arg-type]
    rig.write(CONFIG)
    rig.terraform("init", "-input=false")
    rig.terraform("apply", "-auto-approve", "-input=false")
    assert SECRET in rig.terraform("output", "-raw", "pw")  # the raw tool prints it: the leak is real
    return rig


def test_output_json_prints_every_output_with_sensitive_values_replaced(secret_rig: RealRig) -> None:
    proc = secret_rig.guard("--", "terraform", "output", "-json")
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    outputs = json.loads(proc.stdout)
    assert outputs["pw"] == {"sensitive": True, "type": "string", "value": REDACTED}
    assert outputs["name"] == {"sensitive": False, "type": "string", "value": "orders"}
    assert proc.stdout.startswith('{\n  "name": {\n    "sensitive": false,')  # Terraform's own layout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("output", "pw"), {}),
        (("output", "-raw", "pw"), {}),
        (("output", "-json", "pw"), {}),
        (("-chdir=.", "output", "-no-color", "-raw", "pw"), {}),
        (("output", "pw"), {"TF_CLI_ARGS_output": "-raw"}),
        (("output", "-raw"), {"TF_CLI_ARGS_output": "pw"}),
        (("output", "-raw"), {"TF_CLI_ARGS": "pw"}),
    ],
)
def test_a_sensitive_output_asked_for_by_name_is_refused(
    secret_rig: RealRig, args: tuple[str, ...], env: dict[str, str]
) -> None:
    proc = secret_rig.guard("--", "terraform", *args, **env)
    assert proc.returncode == 13, proc.stdout + proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    assert "the output 'pw' is marked sensitive" in proc.stderr


def test_a_plain_output_by_name_and_the_human_listing_still_print(secret_rig: RealRig) -> None:
    named = secret_rig.guard("--", "terraform", "output", "-raw", "name")
    assert (named.returncode, named.stdout) == (0, "orders"), named.stderr
    listing = secret_rig.guard("--", "terraform", "output")
    assert listing.returncode == 0 and "pw = <sensitive>" in listing.stdout
    assert SECRET not in listing.stdout


def test_show_json_of_state_hides_what_its_masks_mark(secret_rig: RealRig) -> None:
    proc = secret_rig.guard("--", "terraform", "show", "-json")
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    values = json.loads(proc.stdout)["values"]
    assert values["outputs"]["pw"]["value"] == REDACTED
    assert values["outputs"]["name"]["value"] == "orders"
    db = values["root_module"]["resources"][0]
    assert db["values"]["input"] == {"name": "orders"}
    assert db["values"]["triggers_replace"] == {"password": REDACTED}


def test_show_json_of_a_plan_file_hides_sensitive_values_and_variables(secret_rig: RealRig) -> None:
    secret_rig.write(CONFIG.replace('name = "orders"', 'name = "orders-v2"'))
    planned = secret_rig.guard("--", "terraform", "plan", "-out=tfplan", "-input=false")
    assert planned.returncode == 0, planned.stderr
    raw = secret_rig.terraform("show", "-json", "tfplan")
    assert SECRET in raw  # in clear: variables, prior state, planned values, before/after
    proc = secret_rig.guard("--", "terraform", "show", "-json", "tfplan")
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["variables"]["pw"]["value"] == REDACTED
    change = plan["resource_changes"][0]["change"]
    assert change["actions"] == ["update"]
    assert change["after"]["input"] == {"name": "orders-v2"}
    assert change["after"]["triggers_replace"] == {"password": REDACTED}
    assert set(plan) == set(json.loads(raw))  # nothing dropped, only values replaced


@pytest.mark.parametrize(
    "args",
    [
        ("state", "pull"),
        ("console",),
        ("show", "-show-sensitive"),
        ("show", "-json-into=out.json"),
    ],
)
def test_commands_that_print_sensitive_values_in_clear_are_refused(
    secret_rig: RealRig, args: tuple[str, ...]
) -> None:
    proc = secret_rig.guard("--", "terraform", *args)
    assert proc.returncode == 13, proc.stdout + proc.stderr
    assert proc.stdout == "" and SECRET not in proc.stderr
    assert "guard does not print values marked sensitive" in proc.stderr
    assert not (secret_rig.work / "out.json").exists()


def test_state_pull_through_tf_cli_args_is_refused(secret_rig: RealRig) -> None:
    proc = secret_rig.guard("--", "terraform", "state", **{"TF_CLI_ARGS_state": "pull"})
    assert proc.returncode == 13 and SECRET not in proc.stdout + proc.stderr, proc.stderr


@pytest.mark.parametrize(
    ("line", "how"),
    [
        ("terraform state list", "run"),
        ("terraform state show terraform_data.db", "run"),  # Terraform shows (sensitive value) itself
        ("terraform output", "run"),
        ("terraform output -json=false", "run"),
        ("terraform output -state=other.tfstate -json", "redact-outputs"),
        ("terraform output -state other.tfstate pw", "check-output"),
        ("terraform plan -out=p.tfplan", "private-plan"),
        ("terraform plan", "run"),
        ("terragrunt plan -out=p.tfplan", "refuse"),
        ("tofu show -json", "redact-show"),
        ("tofu show -json-into=x.json", "refuse"),
        ("tofu plan -show-sensitive", "refuse"),
        ("terragrunt output -json", "redact-outputs"),
        ("terragrunt run -- output -raw pw", "refuse"),
        ("terragrunt run -- state pull", "refuse"),
        ("terragrunt show -json", "redact-show"),
        ("terragrunt stack output vpc_id", "refuse"),
        ("terragrunt run --all -- output -json", "refuse"),
        ("terragrunt run-all output -json", "refuse"),
        ("terragrunt run-all state pull", "refuse"),
        ("terragrunt run-all console", "refuse"),
        ("terragrunt run-all plan -out=x.tfplan", "refuse"),
        ("terragrunt run --all plan", "run"),
        ("terraform plan -out=a.tfplan -out=b.tfplan", "refuse"),
        ("pulumi env open org/prod", "refuse"),
        ("pulumi env ls", "run"),
        ("pulumi stack export", "run"),
        ("pulumi config --show-secrets=false", "run"),
        ("pulumi config get dbPassword", "refuse"),
        ("pulumi config -s dev get dbPassword", "refuse"),
        ("pulumi config", "run"),
        ("pulumi preview", "run"),
        ("terraform login", "refuse"),
        ("tofu logout app.terraform.io", "refuse"),
        ("pulumi login file:///tmp/agent-backend", "refuse"),
        ("pulumi logout", "refuse"),
    ],
)
def test_how_each_read_only_command_runs(line: str, how: str) -> None:
    c = classify(SimpleCommand(tuple(line.split()), ()))
    assert c.kind == "pass", c
    assert reading(c).how == how


def test_check_output_repeats_the_state_option() -> None:
    c = classify(SimpleCommand(("terraform", "output", "-state", "other.tfstate", "-raw", "pw"), ()))
    assert reading(c) == ("check-output", "", "pw", ("-state", "other.tfstate"), -1)


def test_fields_guard_does_not_know_are_replaced_whole() -> None:
    shown = redact_show(
        {
            "format_version": "1.2",
            "future_values": {"password": SECRET},
            "resource_changes": [{"address": "a.b", "change": {"actions": ["create"], "after": {"p": SECRET},
                                                                "after_secret_copy": SECRET}}],
        }
    )  # fmt: skip
    assert SECRET not in json.dumps(shown)
    assert shown["format_version"] == "1.2" and shown["future_values"] == REDACTED
    # a change without its mask is redacted whole, not shown
    assert shown["resource_changes"][0]["change"]["after"] == REDACTED


def test_an_output_that_does_not_say_whether_it_is_sensitive_is_not_shown() -> None:
    with pytest.raises(Withheld, match="'pw' does not say whether it is sensitive"):
        redact_outputs({"pw": {"type": "string", "value": SECRET}})
    with pytest.raises(Withheld):
        redact_outputs([SECRET])


def test_a_saved_plan_holds_state_in_clear_so_guard_writes_it_0600(secret_rig: RealRig) -> None:
    """A saved plan is a zip with the prior state inside (`tfstate`): written with the process umask, the
    agent, owner of the working directory, could unzip every secret guard's account holds."""
    work = secret_rig.work
    (work / "elsewhere").write_text("not a plan\n")
    (work / "p.tfplan").symlink_to(
        work / "elsewhere"
    )  # planted by the agent: guard must not write through it
    proc = secret_rig.guard("--", "terraform", "plan", "-out=p.tfplan", "-input=false")
    assert proc.returncode == 0, proc.stderr
    saved = work / "p.tfplan"
    assert not saved.is_symlink() and stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert (work / "elsewhere").read_text() == "not a plan\n"
    with zipfile.ZipFile(saved) as plan:
        assert SECRET.encode() in plan.read("tfstate")  # what 0600 keeps from the agent
    applied = secret_rig.guard("--", "terraform", "apply", "p.tfplan")
    assert applied.returncode == 0, applied.stderr  # guard reads its own saved plan back


def test_a_saved_plan_named_in_tf_cli_args_is_refused(secret_rig: RealRig) -> None:
    proc = secret_rig.guard("--", "terraform", "plan", **{"TF_CLI_ARGS_plan": "-out=p.tfplan"})
    assert proc.returncode == 13, proc.stderr
    assert not (secret_rig.work / "p.tfplan").exists()


@pytest.mark.parametrize("variable", ["TF_LOG", "TF_LOG_CORE"])
def test_terraform_debug_logs_do_not_reach_the_agent(secret_rig: RealRig, variable: str) -> None:
    """At debug level Terraform logs the state it reads (UpgradeResourceState), secrets included."""
    raw = secret_rig.run_raw("plan", "-input=false", **{variable: "trace"})
    assert SECRET in raw.stderr  # the raw tool leaks it
    proc = secret_rig.guard("--", "terraform", "plan", "-input=false", **{variable: "trace"})
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    (line,) = [x for x in proc.stderr.splitlines() if x.startswith("planlint guard: not passing")]
    assert variable in line.split(" to the tools")[0]


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        ("pulumi up --logtostderr -v=9", True),
        ("pulumi preview -v=11", True),
        ("pulumi preview -v 3", True),
        ("pulumi up --verbose=10 --logflow", True),
        ("pulumi destroy --show-secrets", True),
        ("pulumi stack output --show-secrets", True),
        ("pulumi stack export --show-secrets", True),
        ("pulumi config --show-secrets=true", True),
        ("pulumi config --show-secrets=false", False),
        ("pulumi logs decrypt", True),
        ("pulumi logs share --include-secrets", True),
        ("pulumi preview", False),
        ("pulumi up --yes", False),
        ("pulumi stack output --json", False),
        ("pulumi logs share", False),
        ("terraform plan -var=v=1", False),
    ],
)
def test_options_that_print_secrets_are_refused_whatever_the_command(line: str, refused: bool) -> None:
    """Pulumi's verbose logs "may reveal sensitive information (tokens, credentials…)"; level 11 exposes
    known credentials on purpose (pulumi.com/docs/iac/operations/debugging/logging)."""
    c = classify(SimpleCommand(tuple(line.split()), ()))
    assert (logging_refusal(c) is not None) is refused, c


def test_guard_refuses_pulumi_verbose_logging_before_running_anything(tmp_path: Path) -> None:
    stub = tmp_path / "bin"
    stub.mkdir()
    ran = tmp_path / "ran"
    (stub / "pulumi").write_text(f"#!/bin/sh\ntouch {ran}\n")
    (stub / "pulumi").chmod(0o755)
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--", "pulumi", "up", "--logtostderr", "-v=9"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": f"{stub}:/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.returncode == 13, proc.stderr
    assert "verbose logs may carry credentials" in proc.stderr and not ran.exists()
