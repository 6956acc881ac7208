"""`planlint guard` end to end, as subprocesses, against a fake terraform that replays corpus plans."""

from __future__ import annotations

import os
import pwd
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from .fake_terraform import install, read_log

CREATE_ONLY = "terraform/terraform/show-json__basic-create__output.json"
DESTROY_BUCKETS = "terraform/snyk-cli/tf-plan-destroy.json"  # real 0.15 plan: deletes an aws_s3_bucket
DELETE_AND_REPLACE = "terraform/terraform-visual/examples__aws-s3.json"


@dataclass
class Rig:
    work: Path
    home: Path
    log: Path
    env: dict[str, str]
    trust: Path

    def guard(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        env = {**self.env, **extra_env}
        return subprocess.run(
            [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(self.trust), *args],
            cwd=self.work, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def calls(self) -> list[dict[str, object]]:
        return read_log(self.log)

    def subcommands(self) -> list[str]:
        return [
            " ".join(str(a) for a in c["argv"] if not str(a).startswith("-chdir="))[:5] for c in self.calls()
        ]  # type: ignore[union-attr]


@pytest.fixture()
def rig(tmp_path: Path, corpus: Path) -> Rig:
    work = tmp_path / "repo"
    (work / ".git").mkdir(parents=True)
    (work / "envs" / "prod").mkdir(parents=True)
    home = tmp_path / "home"
    home.mkdir()
    install(tmp_path / "bin", sys.executable)
    env = {
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".state"),
        "FAKE_TF_LOG": str(tmp_path / "calls.jsonl"),
        "FAKE_TF_PLAN": str(corpus / CREATE_ONLY),
        "FAKE_TF_DESTROY_PLAN": str(corpus / DESTROY_BUCKETS),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    return Rig(work, home, tmp_path / "calls.jsonl", env, make_trust(tmp_path / "trust"))


def make_trust(trust: Path, signers: str = "") -> Path:
    """A trust directory held by this account: allowed signers, and the identity map (this OS account → agent)."""
    trust.mkdir(mode=0o700, parents=True, exist_ok=True)
    (trust / "allowed_signers").write_text(signers)
    (trust / "identities").write_text(f"{pwd.getpwuid(os.getuid()).pw_name} agent\n")
    return trust


def _argvs(rig: Rig) -> list[list[str]]:
    return [[str(a) for a in c["argv"]] for c in rig.calls()]  # type: ignore[union-attr]


def test_read_only_commands_run_untouched(rig: Rig) -> None:
    # (`output -json` and `show -json` are read by guard to hide sensitive values, `plan -out` is written
    # privately: test_guard_reveal.py)
    for command in (["plan"], ["state", "list"], ["validate"], ["output"]):
        assert rig.guard("--", "terraform", *command, FAKE_TF_NO_OUT="1").returncode == 0
    assert _argvs(rig) == [["plan"], ["state", "list"], ["validate"], ["output"]]


def test_a_saved_plan_is_written_privately_then_put_where_asked_as_a_0600_file(rig: Rig) -> None:
    assert (
        rig.guard("--", "terraform", "-chdir=envs", "plan", "-out", "x.tfplan", "-input=false").returncode
        == 0
    )
    (argv,) = _argvs(rig)
    assert argv[:2] == ["-chdir=envs", "plan"] and argv[3:] == ["-input=false"]
    staged = argv[2].removeprefix("-out=")
    assert Path(staged).name == "tfplan" and not Path(staged).exists()  # guard's private directory, gone
    saved = rig.work / "envs" / "x.tfplan"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert "fake_terraform_plan" in saved.read_text()


def test_harmless_apply_plans_privately_and_applies_exactly_that_file(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "apply", "-auto-approve", "-var=x=1")
    assert proc.returncode == 0, proc.stderr
    assert "Apply complete! (fake)" in proc.stdout
    plan, show, apply = rig.calls()
    plan_argv = [str(a) for a in plan["argv"]]  # type: ignore[union-attr]
    out = next(a.split("=", 1)[1] for a in plan_argv if a.startswith("-out="))
    assert plan_argv[0] == "plan" and "-var=x=1" in plan_argv and "-auto-approve" not in plan_argv
    assert Path(out).parent.name.startswith("planlint-guard-") and plan["out_dir_mode"] == "0o700"
    assert show["argv"] == ["show", "-json", out]
    assert apply["argv"] == ["apply", "-input=false", out]  # the judged file, nothing else
    assert apply["guarded_plan"] == out and plan["guarded_plan"] is None
    assert not Path(out).exists()  # the private directory is removed afterwards


def test_destroy_is_planned_with_destroy_judged_and_refused(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "destroy", "-auto-approve")
    assert proc.returncode == 10, proc.stderr
    assert [a[0] for a in _argvs(rig)] == ["plan", "show"]  # never applied
    assert "-destroy" in _argvs(rig)[0] and "-auto-approve" not in _argvs(rig)[0]
    err = proc.stderr
    assert "REFUSED (exit 10)" in err and "aws_s3_bucket.terra_ci" in err
    assert re.search(r"digest:\s+pl1:[0-9a-f]{64}", err)
    assert "planlint approve pl1:" in err and "Do not retry with other flags or tools" in err


def test_apply_destroy_flag_and_tofu_and_versioned_binary_take_the_same_path(
    rig: Rig, tmp_path: Path
) -> None:
    for argv in (
        ["terraform", "apply", "-destroy"],
        ["tofu", "destroy"],
        [str(tmp_path / "bin" / "terraform_1.9.8"), "destroy"],
    ):
        assert rig.guard("--", *argv).returncode == 10
    progs = [(c["prog"], c["argv"][0]) for c in rig.calls()]  # type: ignore[index]
    assert progs == [("terraform", "plan"), ("terraform", "show"), ("tofu", "plan"), ("tofu", "show"),
                     ("terraform_1.9.8", "plan"), ("terraform_1.9.8", "show")]  # fmt: skip


def test_tf_cli_args_are_folded_in_and_never_reach_the_tool(rig: Rig, corpus: Path) -> None:
    proc = rig.guard(
        "--", "terraform", "apply", TF_CLI_ARGS_apply="-auto-approve -replace=aws_db_instance.main",
        TF_CLI_ARGS="-lock=false", FAKE_TF_PLAN=str(corpus / DELETE_AND_REPLACE),
    )  # fmt: skip
    assert proc.returncode == 10
    plan_argv = _argvs(rig)[0]
    assert "-replace=aws_db_instance.main" in plan_argv and "-lock=false" in plan_argv
    assert "-auto-approve" not in plan_argv
    assert all(c["tf_cli_args"] == {} for c in rig.calls())


def test_chdir_is_kept_on_every_step(rig: Rig) -> None:
    assert rig.guard("--", "terraform", "-chdir=envs/prod", "apply").returncode == 0
    assert all(c["argv"][0] == "-chdir=envs/prod" for c in rig.calls())  # type: ignore[index]


def test_saved_plan_is_copied_judged_and_the_copy_applied(rig: Rig) -> None:
    subprocess.run(["terraform", "plan", "-out=mine.tfplan"], cwd=rig.work, env=rig.env, check=True)
    proc = rig.guard("--", "terraform", "apply", "mine.tfplan")
    assert proc.returncode == 0, proc.stderr
    show, apply = rig.calls()[1:]
    copy = str(apply["argv"][-1])  # type: ignore[index]
    assert show["argv"][-1] == copy and Path(copy).name == "guarded.tfplan" != "mine.tfplan"  # type: ignore[index]


def test_plan_file_tampered_between_judging_and_apply_is_never_applied(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "apply", FAKE_TF_TAMPER="1")
    assert proc.returncode == 15, proc.stderr
    assert [a[0] for a in _argvs(rig)] == ["plan", "show"]


def test_plan_failure_exits_14_without_apply(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "apply", FAKE_TF_PLAN_FAIL="1")
    assert proc.returncode == 14 and "planning failed" in proc.stderr
    assert [a[0] for a in _argvs(rig)] == ["plan"]


@pytest.mark.parametrize(
    "argv",
    [["terraform", "$ACTION"], ["bash", "-c", "terraform destroy"], ["terraform", "frobnicate"], ["ls"]],
)
def test_unverifiable_or_foreign_commands_exit_13(rig: Rig, argv: list[str]) -> None:
    proc = rig.guard("--", *argv)
    assert proc.returncode == 13, proc.stderr
    assert rig.calls() == []


def test_saved_plan_with_target_is_a_usage_error(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "apply", "-target=x", "mine.tfplan")
    assert proc.returncode == 2 and "cannot be combined" in proc.stderr


def test_github_pr_without_a_trusted_repository_fails_closed(rig: Rig) -> None:
    proc = rig.guard("--github-pr", "7", "--", "terraform", "destroy", GITHUB_TOKEN="t")
    assert proc.returncode == 2 and "github_repo" in proc.stderr
    assert "apply" not in [a[0] for a in _argvs(rig)]


# --- approvals end to end -----------------------------------------------------------------------------


def _trust(rig: Rig, extra_policy: str = "") -> dict[str, Path]:
    keys = rig.home / "keys"
    keys.mkdir(exist_ok=True)
    paths = {}
    for name in ("alice", "agent"):
        key = keys / f"id_{name}"
        if not key.exists():
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
            )
        paths[name] = key
    lines = [
        f'{n} namespaces="planlint-approval" {paths[n].with_suffix(".pub").read_text().strip()}'
        for n in paths
    ]
    make_trust(rig.trust, "\n".join(lines) + "\n")
    (rig.trust / "policy.yml").write_text(extra_policy)
    return paths


def _approve(rig: Rig, refusal: str, key: Path, approver: str, out: str, digest: str | None = None) -> Path:
    found = re.search(
        r"planlint approve (\S+) --scope '([^']+)' --requester (\S+)(?: --plan-sha256 (\S+))?", refusal
    )
    assert found, refusal
    argv = [sys.executable, "-m", "planlint", "approve", digest or found.group(1), "--scope", found.group(2),
            "--requester", found.group(3), "--approver", approver, "--key", str(key), "-o", out]  # fmt: skip
    if found.group(4):
        argv += ["--plan-sha256", found.group(4)]
    subprocess.run(argv, cwd=rig.work, env=rig.env, check=True, capture_output=True)
    return rig.work / out


def test_signed_approval_unblocks_once_and_exit_code_passes_through(rig: Rig) -> None:
    keys = _trust(rig)
    refused = rig.guard("--", "terraform", "destroy")
    assert refused.returncode == 10 and "not agent" in refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "ok.json")
    applied = rig.guard("--approval", str(approval), "--", "terraform", "destroy", FAKE_TF_APPLY_EXIT="3")
    assert applied.returncode == 3, applied.stderr  # the tool's own exit code
    assert "approved by alice" in applied.stderr
    assert [a[0] for a in _argvs(rig)][-1] == "apply"
    reused = rig.guard("--approval", str(approval), "--", "terraform", "destroy")
    assert reused.returncode == 12 and "already used" in reused.stderr
    assert [a[0] for a in _argvs(rig)].count("apply") == 1


def test_approval_for_another_change_or_by_the_requester_is_refused(rig: Rig, corpus: Path) -> None:
    keys = _trust(rig)
    refused = rig.guard("--", "terraform", "destroy")
    other = _approve(rig, refused.stderr, keys["alice"], "alice", "other.json", digest="pl1:" + "0" * 64)
    proc = rig.guard("--approval", str(other), "--", "terraform", "destroy")
    assert proc.returncode == 12 and "approves digest pl1:000" in proc.stderr
    selfish = _approve(rig, refused.stderr.replace("--requester agent", "--requester someone"), keys["agent"],
                       "agent", "self.json")  # fmt: skip
    proc = rig.guard("--approval", str(selfish), "--", "terraform", "destroy")
    assert proc.returncode == 12 and "cannot approve their own request" in proc.stderr
    # the approved digest no longer matches once the plan destroys something else
    good = _approve(rig, refused.stderr, keys["alice"], "alice", "good.json")
    proc = rig.guard(
        "--approval",
        str(good),
        "--",
        "terraform",
        "destroy",
        FAKE_TF_DESTROY_PLAN=str(corpus / DELETE_AND_REPLACE),
    )
    assert proc.returncode == 12 and "but this change has digest" in proc.stderr
    assert "apply" not in [a[0] for a in _argvs(rig)]


def test_state_surgery_needs_an_approval_of_the_exact_command(rig: Rig) -> None:
    keys = _trust(rig)
    refused = rig.guard("--", "terraform", "state", "rm", "aws_db_instance.main")
    assert refused.returncode == 10 and "cmd1:" in refused.stderr and rig.calls() == []
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "state.json")
    other = rig.guard(
        "--approval", str(approval), "--", "terraform", "state", "rm", "aws_db_instance.replica"
    )
    assert other.returncode == 12 and rig.calls() == []
    ran = rig.guard("--approval", str(approval), "--", "terraform", "state", "rm", "aws_db_instance.main")
    assert ran.returncode == 0 and _argvs(rig) == [["state", "rm", "aws_db_instance.main"]]


def test_strict_mode_applies_the_very_plan_file_that_was_approved(rig: Rig) -> None:
    keys = _trust(rig, "strict: true\n")
    refused = rig.guard("--", "terraform", "destroy")
    assert refused.returncode == 10 and "plan file sha256:" in refused.stderr and "kept at" in refused.stderr
    approval = _approve(rig, refused.stderr, keys["alice"], "alice", "strict.json")
    applied = rig.guard("--approval", str(approval), "--", "terraform", "destroy")
    assert applied.returncode == 0, applied.stderr
    assert [a[0] for a in _argvs(rig)] == ["plan", "show", "show", "apply"]  # no second plan: the kept one


def test_working_tree_policy_is_ignored(rig: Rig) -> None:
    """A `.planlint.yml` the agent could edit in the repository never softens guard's judgement."""
    (rig.work / ".planlint.yml").write_text("waivers: []\nrules: {PL001: {enforcement: info}}\n")
    assert rig.guard("--", "terraform", "destroy").returncode == 10


def test_tf_cli_args_turning_a_read_into_state_surgery_is_caught(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "state", "list", TF_CLI_ARGS_state="rm aws_db_instance.main")
    assert proc.returncode == 10 and "state rm is state surgery" in proc.stderr
    assert rig.calls() == []


def test_terragrunt_apply_takes_the_same_plan_judge_apply_path(rig: Rig) -> None:
    assert rig.guard("--", "terragrunt", "apply", "--terragrunt-non-interactive").returncode == 0
    assert [(c["prog"], c["argv"][0]) for c in rig.calls()] == [  # type: ignore[index]
        ("terragrunt", "plan"),
        ("terragrunt", "show"),
        ("terragrunt", "apply"),
    ]
    # every unit: planned as a set (tests/guard/test_guard_terragrunt.py); this single-unit fake saves no
    # unit plans, so the set fails closed and nothing is applied
    assert rig.guard("--", "terragrunt", "run-all", "destroy").returncode == 14
    assert [c["argv"][0] for c in rig.calls()][3:] == ["run"]  # type: ignore[index]


def test_a_trusted_deny_rule_refuses_with_11_even_with_an_approval(rig: Rig) -> None:
    rules = Path(__file__).parents[1] / "fixtures" / "guard" / "synthetic-deny-rules"
    keys = _trust(rig, f"rules: [{rules}]\n")
    refused = rig.guard("--", "terraform", "destroy")
    assert refused.returncode == 11, refused.stderr
    assert "PL990" in refused.stderr and "no approval unblocks it" in refused.stderr
    digest = re.search(r"digest:\s+(pl1:[0-9a-f]{64})", refused.stderr)
    assert digest
    fake_refusal = (
        f"planlint approve {digest.group(1)} --scope 'terraform;dir=.;workspace=default' --requester agent"
    )
    approval = _approve(rig, fake_refusal, keys["alice"], "alice", "deny.json")
    still = rig.guard("--approval", str(approval), "--", "terraform", "destroy")
    assert still.returncode == 11, still.stderr
    assert "apply" not in [a[0] for a in _argvs(rig)]


def test_flags_with_separate_values_are_kept_together(rig: Rig) -> None:
    proc = rig.guard("--", "terraform", "apply", "-var", "size=2", "-target", "module.db", "-auto-approve")
    assert proc.returncode == 0, proc.stderr
    plan = _argvs(rig)[0]
    assert plan[-4:] == ["-var", "size=2", "-target", "module.db"] and "-auto-approve" not in plan
