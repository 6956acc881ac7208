"""Commands that run shell text somewhere else with the engineer's credentials (rules/commands/remote.yaml):
SSM Run Command and Session Manager, ECS Exec, `gcloud compute ssh`, gcloud startup scripts, Azure Run
Command, `az container exec`, and commands run in containers and pods. Each DENIED row passed the hook
before. What runs there is judged like a launcher's command; what cannot be seen is refused.

Every row goes through the Claude Code adapter (`run_hook`, in process: ~90 rows) with stub programs of
those names first on PATH (synthetic: each stub only exits 0), as on a machine where the CLIs are
installed: a program that is not on PATH is refused for that reason alone, which would hide a gap. The
files are real files in a temp directory; `test_ssh_runs_the_script_on_its_input_in_real_bash` runs a line
in real bash and asks the real `planlint hook claude` process."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .hook_rig import hook_reply
from .test_hook_platform_deletes import _answer

RUN_SHELL = "aws ssm send-command --instance-ids i-0abc --document-name"
DESTROY = "would change infrastructure without planlint judging the plan"
APPROVAL = "peer's approval"
UNSEEN = "cannot be verified before it runs"
DENIED = {
    # SSM Run Command: the commands parameter, in shorthand, JSON, or a file
    f"{RUN_SHELL} AWS-RunShellScript --parameters 'commands=[\"terraform destroy -auto-approve\"]'": DESTROY,
    f'{RUN_SHELL} AWS-RunShellScript --parameters \'commands=["cd /srv","terraform destroy"]\'': DESTROY,
    f"{RUN_SHELL} AWS-RunShellScript --parameters commands='terraform destroy -auto-approve'": DESTROY,
    f"{RUN_SHELL} AWS-RunShellScript --parameters 'commands=echo hi,terraform destroy'": DESTROY,
    f'{RUN_SHELL} AWS-RunShellScript --parameters \'{{"commands": ["psql -c \\"DROP TABLE users\\""]}}\'': APPROVAL,
    f"{RUN_SHELL} AWS-RunPowerShellScript --parameters 'commands=[\"terraform destroy -auto-approve\"]'": DESTROY,
    f"{RUN_SHELL} arn:aws:ssm:eu-west-1::document/AWS-RunShellScript --parameters commands='terraform destroy'": DESTROY,
    f"{RUN_SHELL}=AWS-RunShellScript --parameters=file://params.json": DESTROY,
    f"{RUN_SHELL} AWS-RunShellScript --parameters file://missing.json": UNSEEN,
    f'{RUN_SHELL} AWS-RunShellScript --parameters "commands=$CMD"': UNSEEN,
    f"{RUN_SHELL} AWS-RunShellScript --parameters 'commands=[\"FOO=1 terraform destroy\"]'": DESTROY,
    f"{RUN_SHELL} AWS-ApplyAnsiblePlaybooks --parameters playbookurl=s3://b/p.yml": UNSEEN,
    f'{RUN_SHELL} "$DOC" --parameters commands=ls': UNSEEN,
    "aws ssm send-command --instance-ids i-0abc --cli-input-json file://input.json": UNSEEN,
    "aws2 ssm send-command --document-name AWS-RunShellScript --parameters commands='terraform destroy'": DESTROY,
    f"python3 -m awscli {RUN_SHELL[4:]} AWS-RunShellScript --parameters commands='terraform destroy'": DESTROY,
    "aws ssm create-association --name AWS-RunShellScript --targets Key=tag:env,Values=prod "
    "--parameters 'commands=[\"terraform destroy\"]'": DESTROY,
    # Session Manager: a shell session, or a command document
    "aws ssm start-session --target i-0abc": UNSEEN,
    "aws ssm start-session --target i-0abc --document-name AWS-StartInteractiveCommand "
    "--parameters command='terraform destroy'": DESTROY,
    "aws ssm start-session --target i-0abc --document-name AWS-StartNonInteractiveCommand "
    '--parameters \'{"command": ["psql -c \\"DROP TABLE users\\""]}\'': APPROVAL,
    "aws ssm start-session --target i-0abc --document-name Custom-Runbook": UNSEEN,
    "echo 'terraform destroy -auto-approve' | aws ssm start-session --target i-0abc": DESTROY,
    "aws ssm start-automation-execution --document-name AWS-DeleteImage --parameters ImageId=ami-0abc": UNSEEN,
    # ECS Exec
    "aws ecs execute-command --cluster prod --task t1 --interactive --command 'terraform destroy'": DESTROY,
    "aws ecs execute-command --cluster prod --task t1 --interactive --command \"psql -c 'DROP TABLE x'\"": APPROVAL,
    "aws ecs execute-command --cluster prod --task t1 --interactive --command /bin/sh": UNSEEN,
    # gcloud: ssh, and startup scripts the VMs run
    "gcloud compute ssh web-1 --zone europe-west1-b --command 'terraform destroy -auto-approve'": DESTROY,
    "gcloud compute ssh web-1 --command=\"psql -c 'DROP TABLE users'\"": APPROVAL,
    "gcloud compute ssh web-1 -- terraform destroy": DESTROY,
    "gcloud alpha compute ssh web-1 --command 'terraform destroy'": DESTROY,
    "gcloud compute ssh web-1 --zone europe-west1-b": UNSEEN,
    "gcloud cloud-shell ssh --command 'terraform destroy'": DESTROY,
    "az ssh vm -n web-1 -g prod -- terraform destroy": DESTROY,
    "az ssh vm -n web-1 -g prod": UNSEEN,
    "gcloud compute tpus tpu-vm ssh tpu-1 --command 'terraform destroy'": DESTROY,
    "gcloud compute instances add-metadata web-1 --metadata startup-script='terraform destroy -auto-approve'": DESTROY,
    "gcloud compute instances add-metadata web-1 --metadata-from-file startup-script=boot.sh": DESTROY,
    "gcloud compute instances create web-2 --metadata=enable-oslogin=TRUE,startup-script='terraform destroy'": DESTROY,
    "gcloud compute project-info add-metadata --metadata startup-script-url=gs://b/boot.sh": UNSEEN,
    # Azure Run Command and container exec
    "az vm run-command invoke -g prod -n web-1 --command-id RunShellScript --scripts 'terraform destroy'": DESTROY,
    "az vm run-command invoke -g prod -n web-1 --command-id RunShellScript --scripts 'cd /srv' "
    "'terraform destroy -auto-approve'": DESTROY,
    "az vm run-command invoke -g prod -n web-1 --command-id RunShellScript --scripts @boot.sh": DESTROY,
    "az vmss run-command invoke -g prod -n web --instance-id 0 --command-id RunPowerShellScript "
    "--scripts 'terraform destroy'": DESTROY,
    "az vm run-command invoke -g prod -n web-1 --command-id EnableRemotePS": UNSEEN,
    "az vm run-command create -g prod --vm-name web-1 --name wipe --script 'terraform destroy'": DESTROY,
    "az vm run-command create -g prod --vm-name web-1 --name wipe --script-uri https://x/boot.sh": UNSEEN,
    "az container exec -g prod -n api --exec-command 'terraform destroy'": DESTROY,
    # containers and pods
    "docker exec db psql -U app -c 'DROP TABLE users'": APPROVAL,
    "docker exec -it -u postgres db psql -c 'DROP TABLE users'": APPROVAL,
    "docker container exec db psql -c 'DROP TABLE users'": APPROVAL,
    "docker exec -i db psql < drop.sql": APPROVAL,
    "podman exec db psql -c 'DROP TABLE users'": APPROVAL,
    "docker compose exec db psql -c 'DROP TABLE users'": APPROVAL,
    "docker compose -f prod.yml run --rm tools terraform destroy": DESTROY,
    "docker-compose exec db psql -c 'DROP TABLE users'": APPROVAL,
    "docker run --rm hashicorp/terraform:1.9 destroy -auto-approve": DESTROY,
    "docker run --rm -v $PWD:/w -w /w hashicorp/terraform destroy": DESTROY,
    "docker run --rm -e PGPASSWORD=x postgres:16 psql -h db -c 'DROP TABLE users'": APPROVAL,
    "docker run --rm --entrypoint terraform tools:latest destroy": DESTROY,
    "docker container run --rm -e TF_IN_AUTOMATION=1 hashicorp/terraform destroy": DESTROY,
    "kubectl debug node/worker-1 -it --image=busybox -- chroot /host terraform destroy": DESTROY,
    "kubectl exec db-0 -- psql -c 'DROP TABLE users'": APPROVAL,
    "kubectl exec db-0 psql -c 'DROP TABLE users'": APPROVAL,
    "kubectl exec -n prod -c postgres db-0 -- psql -c 'DROP TABLE users'": APPROVAL,
    "kubectl run tf --image=hashicorp/terraform --restart=Never -- destroy -auto-approve": DESTROY,
    "kubectl run tf --image hashicorp/terraform:1.9 -- destroy -auto-approve": DESTROY,
    "kubectl run tools --image=busybox --command -- sh -c 'terraform destroy'": DESTROY,
    # ssh: the command, and the script on its standard input
    "ssh bastion 'terraform destroy'": DESTROY,
    "echo 'terraform destroy -auto-approve' | ssh bastion": DESTROY,
    "ssh bastion < destroy.sh": DESTROY,
    "ssh bastion bash -s < destroy.sh": DESTROY,
    "ssh db-host psql < drop.sql": APPROVAL,
}
QUIET = [
    "aws ssm list-commands",
    "aws ssm describe-instance-information",
    f'{RUN_SHELL} AWS-RunShellScript --parameters \'commands=["uptime","df -h"]\'',
    f"{RUN_SHELL} AWS-RunShellScript --parameters commands='ls -la',workingDirectory=/srv",
    "aws ssm start-session --target i-0abc --document-name AWS-StartPortForwardingSession "
    "--parameters portNumber=5432,localPortNumber=15432",
    "aws ssm start-session --target i-0abc --document-name AWS-StartInteractiveCommand --parameters command=top",
    "aws ecs execute-command --cluster prod --task t1 --interactive --command 'ls -la /app'",
    "gcloud compute ssh web-1 --command 'uptime'",
    "gcloud compute ssh web-1 -- -N -L 8080:localhost:80",
    "gcloud compute instances add-metadata web-1 --metadata enable-oslogin=TRUE",
    "gcloud compute instances list",
    "az vm run-command invoke -g prod -n web-1 --command-id RunShellScript --scripts 'uptime' 'df -h'",
    "az vm list -g prod",
    "docker exec db ls /var/lib/postgresql",
    "docker exec -it db psql -c 'SELECT count(*) FROM users'",
    "docker run --rm hashicorp/terraform version",
    "docker run --rm alpine echo hi",
    "docker compose exec db psql -c 'SELECT 1'",
    "kubectl exec db-0 -- ls",
    "kubectl exec db-0 -- psql -c 'SELECT 1'",
    "kubectl run tools --image=busybox -- sleep 3600",
    "kubectl run tf --image=hashicorp/terraform -- plan",
    "kubectl debug pod/api-0 -it --image=busybox -- ls",
    "aws ssm describe-automation-executions",
    "ssh bastion uptime",
    "ssh -T git@github.com",
]


@pytest.fixture
def tree(stubbed: Path) -> Path:
    (stubbed / "params.json").write_text('{"commands": ["cd /srv", "terraform destroy -auto-approve"]}\n')
    (stubbed / "boot.sh").write_text("#!/bin/bash\nterraform destroy -auto-approve\n")
    (stubbed / "destroy.sh").write_text("cd /srv/infra\nterraform destroy -auto-approve\n")
    (stubbed / "drop.sql").write_text("DROP TABLE users;\n")
    return stubbed


@pytest.mark.parametrize(("command", "why"), DENIED.items())
def test_remote_commands_are_judged(tree: Path, command: str, why: str) -> None:
    answer = hook_reply(command)
    assert '"permissionDecision": "deny"' in answer and why in answer, answer


@pytest.mark.parametrize("command", QUIET)
def test_harmless_remote_commands_stay_quiet(tree: Path, command: str) -> None:
    assert hook_reply(command) == ""


@pytest.mark.parametrize(
    ("command", "where"),
    [("ssh bastion 'terraform destroy'", "ssh"), ("docker exec db psql -c 'DROP TABLE users'", "docker"),
     (f"{RUN_SHELL} AWS-RunShellScript --parameters commands='terraform destroy'", "aws")],
)  # fmt: skip
def test_the_refusal_says_where_the_command_would_run(tree: Path, command: str, where: str) -> None:
    answer = hook_reply(command)
    assert f"`{where}` would run it on another machine, container or pod" in answer, answer
    # guard here would run the inner command here: the advice is to run guard where it was meant to run
    assert "instead" not in answer and "on that machine, container or pod" in answer, answer


def test_ssh_runs_the_script_on_its_input_in_real_bash(tmp_path: Path) -> None:
    """What `ssh host < destroy.sh` hands the remote shell is the file's text: a stand-in `ssh` that runs
    its input with real bash shows the script runs, so the hook has to read it (it did not before)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "ssh").write_text("#!/bin/sh\nshift\nexec bash -s\n")  # synthetic: the remote shell, here
    (bindir / "terraform").write_text('#!/bin/sh\necho "terraform $*" >> "$HOME/ran"\n')
    for stub in bindir.iterdir():
        stub.chmod(0o755)
    (tmp_path / "destroy.sh").write_text("terraform destroy -auto-approve\n")
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    subprocess.run(["bash", "-c", "ssh bastion < destroy.sh"], cwd=tmp_path, env=env, check=True, timeout=30)
    assert (tmp_path / "ran").read_text() == "terraform destroy -auto-approve\n"
    answer = _answer("ssh bastion < destroy.sh", tmp_path, bindir)
    assert '"permissionDecision": "deny"' in answer and DESTROY in answer, answer
