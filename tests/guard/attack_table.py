"""Issue 10's hook attack list as data: command → the hook's answer and kind, and what real bash runs.

Each row: (attack class, command, expected kind, what bash runs). `kind` is "" for commands the hook must
leave alone, else the screening kind (`unverifiable`, `destroy`, `apply`, `approval`, `destructive`,
`trust`, `impostor`). `runs` is the invocation real bash performs, as logged by stub programs on PATH
(tests/guard/test_hook_attacks.py runs every row that has one), or None when the row cannot be run
here (a launcher that is not installed, a definition that runs nothing by itself).
"""

from __future__ import annotations

from typing import NamedTuple


class Attack(NamedTuple):
    cls: str
    command: str
    kind: str
    runs: str | None
    needs: tuple[str, ...] = ()  # programs that must be installed for the bash confirmation


ATTACKS: list[Attack] = [
    # computed program names and bash quoting that shlex reads differently
    Attack("computed name", "$(echo terr)aform destroy", "unverifiable", "terraform destroy"),
    Attack("computed name", "`echo terraform` destroy", "unverifiable", "terraform destroy"),
    Attack("computed name", "X=terraform; $X destroy", "unverifiable", "terraform destroy"),
    Attack("ANSI-C quoting", "$'terr\\x61form' destroy", "destroy", "terraform destroy"),
    Attack("ANSI-C quoting", "terraform $'\\x64estroy'", "destroy", "terraform destroy"),
    Attack("backslash-newline", "terr\\\naform destroy", "destroy", "terraform destroy"),
    Attack("backslash-newline", "terraform des\\\ntroy", "destroy", "terraform destroy"),
    Attack("mixed quoting", "te'rr'a\"form\" d\\estroy", "destroy", "terraform destroy"),
    Attack("brace expansion", "{terraform,destroy}", "unverifiable", "terraform destroy"),
    Attack("brace expansion", "terraform de{stroy,}", "unverifiable", "terraform destroy de"),
    Attack("glob in command position", "bin/terr?form destroy", "unverifiable", "terraform destroy"),
    Attack("glob in command position", "bin/terraf*rm destroy", "unverifiable", "terraform destroy"),
    # bodies that run later or elsewhere
    Attack("function body", "function f { terraform destroy; }; f", "destroy", "terraform destroy"),
    Attack("function body", "f() { terraform destroy; }", "destroy", None),
    Attack(
        "function shadowing",
        "terraform() { command terraform destroy; }; terraform plan",
        "destroy",
        "terraform destroy",
    ),
    Attack("alias", "alias tf='terraform destroy'", "unverifiable", None),
    Attack(
        "alias",
        "shopt -s expand_aliases\nalias tf=terraform\ntf destroy",
        "unverifiable",
        "terraform destroy",
    ),
    Attack("coproc", "coproc terraform destroy; wait", "destroy", "terraform destroy"),
    Attack("coproc", "coproc X { terraform destroy; }; wait", "destroy", "terraform destroy"),
    Attack("trap", "trap 'terraform destroy' EXIT", "destroy", "terraform destroy"),
    Attack("trap", 'trap "$CMD" EXIT', "unverifiable", None),
    Attack("command substitution", "echo $(terraform destroy)", "destroy", "terraform destroy"),
    Attack("process substitution", "cat <(terraform destroy)", "destroy", "terraform destroy"),
    Attack("heredoc substitution", "cat <<EOF\n$(terraform destroy)\nEOF", "destroy", "terraform destroy"),
    # strings piped into shells and interpreters
    Attack(
        "heredoc into a shell", "cat <<EOF | bash\nterraform destroy\nEOF", "destroy", "terraform destroy"
    ),
    Attack("here-string into a shell", "bash <<<'terraform destroy'", "destroy", "terraform destroy"),
    Attack("literal piped into a shell", "echo 'terraform destroy' | sh", "destroy", "terraform destroy"),
    Attack(
        "decoded string into a shell",
        "echo dGVycmFmb3JtIGRlc3Ryb3k= | base64 -d | bash",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "decoded string into a shell",
        "printf %s dGVycmFmb3JtIGRlc3Ryb3k= | base64 -d | sh -s",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "interpreter code",
        "python3 -c \"import os; os.system('terraform destroy')\"",
        "destroy",
        "terraform destroy",
    ),
    Attack(
        "interpreter code",
        "python3 -c \"import os,base64; os.system(base64.b64decode('dGVycmFmb3JtIGRlc3Ryb3k='))\"",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "interpreter code",
        "echo \"require('child_process').execSync('terraform destroy')\" | node",
        "unverifiable",
        "terraform destroy",
        ("node",),
    ),
    Attack("eval", 'eval "$(echo terraform destroy)"', "unverifiable", "terraform destroy"),
    # a shell reading what the line writes into it later: an output process substitution or a coprocess
    Attack(
        "shell behind >(…)",
        "echo 'terraform destroy' > >(bash); sleep 1",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "shell behind >(…)",
        "exec 3> >(sh); echo 'terraform destroy' >&3; exec 3>&-; sleep 1",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "shell behind >(…)",
        "echo 'terraform destroy' | tee >(bash) >/dev/null; sleep 1",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "shell as coprocess",
        "coproc bash; echo 'terraform destroy' >&${COPROC[1]}; sleep 1",
        "unverifiable",
        "terraform destroy",
    ),
    Attack(
        "shell as coprocess",
        "coproc S { sh; }; echo 'terraform destroy' >&\"${S[1]}\"; sleep 1",
        "unverifiable",
        "terraform destroy",
    ),
    Attack("harmless", "terraform plan > >(tee plan.log); sleep 1", "", "terraform plan"),
    # a line that starts with a backslash: tree-sitter-bash glued it to the line before as more words
    Attack(
        "line starting with a backslash", "echo starting\n\\terraform destroy", "destroy", "terraform destroy"
    ),
    Attack("line starting with a backslash", "X=1\n\n\\terraform destroy", "destroy", "terraform destroy"),
    Attack(
        "line starting with a backslash", "bash <<'E'\n\\terraform destroy\nE", "destroy", "terraform destroy"
    ),
    Attack(
        "line starting with a backslash", "sh <<E\n\\terraform destroy\nE", "destroy", "terraform destroy"
    ),
    Attack("backslash-newline", "terr\\\n\\aform destroy", "destroy", "terraform destroy"),
    # launchers
    Attack("launcher", "setsid -w terraform destroy", "destroy", "terraform destroy"),
    Attack("launcher", "setsid terraform destroy", "destroy", "terraform destroy"),
    Attack("launcher", "script -qc 'terraform destroy' /dev/null", "destroy", "terraform destroy"),
    Attack("launcher", "env -S 'terraform destroy'", "destroy", "terraform destroy"),
    Attack(
        "launcher",
        'env -i PATH="$PATH" PLANLINT_TEST_LOG="$PLANLINT_TEST_LOG" terraform destroy',
        "destroy",
        "terraform destroy",
    ),
    Attack(
        "launcher", "flock /tmp/planlint-test.lock -c 'terraform destroy'", "destroy", "terraform destroy"
    ),
    Attack("launcher", "flock /tmp/planlint-test.lock terraform destroy", "destroy", "terraform destroy"),
    Attack("launcher", "su -m -c 'terraform destroy'", "destroy", "terraform destroy"),
    Attack("launcher", "su root -c 'terraform destroy'", "destroy", None),
    Attack("launcher", "chroot / terraform destroy", "destroy", "terraform destroy"),
    Attack("launcher", "runuser -u root -- terraform destroy", "destroy", "terraform destroy"),
    Attack("launcher", "timeout 30 terraform apply -auto-approve", "apply", "terraform apply -auto-approve"),
    Attack("launcher", "find . -maxdepth 0 -exec terraform destroy \\;", "destroy", "terraform destroy"),
    Attack("launcher", "echo destroy | xargs terraform", "unverifiable", "terraform destroy"),
    Attack("launcher", "uv run terraform destroy", "destroy", None),
    Attack("launcher", "mise exec terraform@1.9 -- terraform destroy", "destroy", None),
    Attack("launcher", "op run --env-file=.env -- terraform destroy", "destroy", None),
    Attack("launcher", "doppler run -- terraform destroy", "destroy", None),
    Attack("launcher", "nix-shell -p terraform --run 'terraform destroy'", "destroy", None),
    Attack("launcher", "ssh -o ProxyCommand='terraform destroy' host true", "destroy", None),
    Attack("launcher", "git -c core.sshCommand='terraform destroy' fetch", "destroy", None),
    Attack("launcher", "git -c filter.x.clean='terraform destroy' add .", "destroy", None),
    Attack("launcher", "git -c merge.ours.driver='terraform destroy' merge main", "destroy", None),
    # git: aliases, settings a line writes, subcommands that run shell text (planlint/guard/git_line.py)
    Attack("git", "git -c alias.x='!terraform destroy' x", "destroy", "terraform destroy"),
    Attack("git", "git -c alias.x='-c alias.y=!terraform\\ destroy y' x", "destroy", "terraform destroy"),
    Attack("git", "git config alias.st '!terraform destroy'", "destroy", None),
    Attack("git", "git submodule foreach 'terraform destroy'", "destroy", None),
    Attack("git", "git bisect run terraform destroy", "destroy", None),
    Attack("package script", "npm run cdk -- destroy", "unverifiable", None),
    Attack("package script", "yarn cdk destroy", "approval", None),
    Attack("package script", "pnpm exec cdk destroy", "approval", None),
    Attack("package script", "make destroy", "unverifiable", None),
    # copies and impostors
    Attack(
        "copied binary",
        'cat "$(command -v terraform)" > t; chmod +x t; ./t destroy',
        "unverifiable",
        "t destroy",
    ),
    Attack("copied binary", "cp $(which terraform) ./t && ./t destroy", "unverifiable", "t destroy"),
    Attack("fake planlint", "./planlint guard -- terraform destroy", "impostor", "terraform destroy"),
    Attack("fake planlint", "python3 -m planlint guard -- terraform destroy", "impostor", None),
    # approving and moving trust
    Attack("self-approval", "planlint app''rove pl1:" + "ab" * 32 + " --scope x", "trust", None),
    Attack("trust move", "planlint guard --tr=/tmp/mine -- terraform destroy", "trust", None),
    Attack("trust move", "XDG_CONFIG_HOME=/tmp/x planlint guard -- terraform destroy", "trust", None),
    Attack("trust move", "HOME=/tmp/x planlint guard -- terraform destroy", "trust", None),
    Attack("trust edit", "echo 'me ssh-ed25519 AAAA' >> ~/.config/planlint/allowed_signers", "trust", None),
    Attack("trust edit", "tee -a /etc/planlint/allowed_signers < key.pub", "trust", None),
    # direct cloud, cluster and database deletes
    Attack(
        "cloud delete",
        "aws rds delete-db-instance --db-instance-identifier prod",
        "destructive",
        "aws rds delete-db-instance --db-instance-identifier prod",
    ),
    Attack(
        "cloud delete", "aws s3 rb s3://prod-data --force", "destructive", "aws s3 rb s3://prod-data --force"
    ),
    Attack("cloud delete", "aws s3 rm s3://prod-data --recursive", "destructive", None),
    Attack(
        "cloud delete",
        "aws --region eu-west-1 dynamodb delete-table --table-name orders",
        "destructive",
        None,
    ),
    Attack("cloud delete", "aws cloudformation delete-stack --stack-name prod", "approval", None),
    Attack("cloud delete", "gcloud sql instances delete prod --quiet", "destructive", None),
    Attack("cloud delete", "gcloud projects delete my-project", "destructive", None),
    Attack("cloud delete", "az group delete --name prod-rg --yes", "destructive", None),
    Attack("cluster delete", "kubectl delete namespace prod", "destructive", "kubectl delete namespace prod"),
    Attack("cluster delete", "kubectl -n prod delete pvc/data-db-0", "destructive", None),
    Attack("cluster delete", "kubectl delete statefulset db", "destructive", None),
    Attack("cluster delete", "helm uninstall db -n prod", "destructive", None),
    Attack("database drop", "psql -h db.prod -c 'DROP TABLE users'", "destructive", None),
    Attack("database drop", "mysql -h db -e 'TRUNCATE orders'", "destructive", None),
    Attack("database drop", "psql -h db.prod <<'EOF'\nDROP DATABASE app;\nEOF", "destructive", None),
    Attack("database drop", "sudo -u postgres dropdb app", "destructive", None),
    # state edits outside a plan (issue 10 review, gap 6): each needs guard and a peer's approval
    Attack(
        "state edit",
        "terraform taint aws_db_instance.main",
        "approval",
        "terraform taint aws_db_instance.main",
    ),
    Attack(
        "state edit",
        "terraform untaint aws_db_instance.main",
        "approval",
        "terraform untaint aws_db_instance.main",
    ),
    Attack(
        "state edit",
        "terraform import aws_s3_bucket.b prod-data",
        "approval",
        "terraform import aws_s3_bucket.b prod-data",
    ),
    Attack(
        "state edit",
        "terraform state rm aws_db_instance.main",
        "approval",
        "terraform state rm aws_db_instance.main",
    ),
    Attack("state edit", "terraform state mv aws_db_instance.a aws_db_instance.b", "approval", None),
    Attack("state edit", "terraform state push -force errored.tfstate", "approval", None),
    Attack(
        "state edit",
        "terraform force-unlock -force 6638e1e7",
        "approval",
        "terraform force-unlock -force 6638e1e7",
    ),
    Attack("state edit", "tofu taint aws_db_instance.main", "approval", None),
    Attack("state edit", "tofu import aws_s3_bucket.b prod-data", "approval", None),
    # harmless: must stay quiet
    Attack("harmless", "terraform plan -var-file=$ENV.tfvars", "", "terraform plan -var-file=.tfvars"),
    Attack("harmless", "terraform -chdir=$DIR plan", "", "terraform -chdir= plan"),
    Attack("harmless", "terraform output $NAME", "", "terraform output"),
    Attack("harmless", "echo $(terraform version)", "", "terraform version"),
    Attack("harmless", 'git commit -m "$(cat msg)" -- terraform/', "", None),
    Attack(
        "harmless",
        'cat > main.tf <<\'EOF\'\nresource "terraform_data" "x" {\n  input = "${var.name}"\n}\nEOF',
        "",
        None,
    ),
    Attack("harmless", "grep -r allowed_signers docs/", "", None),
    Attack("harmless", "cat ~/.config/planlint/allowed_signers", "", None),
    Attack("harmless", "aws s3 ls s3://prod-data", "", "aws s3 ls s3://prod-data"),
    Attack("harmless", "kubectl get pods -n prod", "", None),
    Attack("harmless", "kubectl delete pod web-1", "", None),
    Attack("harmless", "psql -h db -c 'SELECT count(*) FROM users'", "", None),
    Attack("harmless", "echo {a,b}.tf *.md", "", None),
    Attack("harmless", "npm run build", "", None),
    Attack("harmless", "python3 -c 'print(1)'", "", None),
    Attack("harmless", "bash -c 'terraform fmt && terraform validate'", "", "terraform fmt"),
    Attack("harmless", "for d in a b; do terraform -chdir=$d plan; done", "", None),
]
