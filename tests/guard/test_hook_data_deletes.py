"""Commands that delete data and that the hook passed before (rules/commands/destructive.yaml): the AWS CLI
under another name or as a Python module, statements sent through the RDS and Redshift Data APIs, SQL
DELETE through a database client, and `pg_restore --clean` into a database. Every row goes through the
real `planlint hook claude` entry point, with real files in a temp directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .test_guard_terraform import make_trust
from .test_hook_option_spellings import _answer

ARN = "--resource-arn arn:aws:rds:eu-west-1:123456789012:cluster:prod --secret-arn arn:aws:secretsmanager:x"
DENIED = [
    "python3 -m awscli rds delete-db-instance --db-instance-identifier prod",
    "python -m awscli s3 rb s3://prod-data --force",
    "python3.12 -B -m awscli rds delete-db-cluster --db-cluster-identifier prod",
    "python3 -m awscli cloudformation delete-stack --stack-name prod",
    "aws2 rds delete-db-instance --db-instance-identifier prod",
    "awsv2 s3 rb s3://prod-data --force",
    "python3 -m awscliv2 rds delete-db-instance --db-instance-identifier prod",
    f"aws rds-data execute-statement {ARN} --database app --sql 'DROP TABLE users'",
    f"aws rds-data execute-statement {ARN} --sql 'delete from users where 1 = 1'",
    f"aws rds-data execute-statement {ARN} --sql=file://purge.sql",
    f"aws rds-data execute-statement {ARN} --sql file://missing.sql",
    f'aws rds-data execute-statement {ARN} --sql "$QUERY"',
    f"aws rds-data batch-execute-statement {ARN} --sql 'TRUNCATE sessions'",
    "aws redshift-data execute-statement --cluster-identifier prod --database dev --sql 'DROP TABLE sales'",
    "aws redshift-data batch-execute-statement --workgroup-name prod --sqls 'select 1' 'delete from sales'",
    "pg_restore --clean -d prod backup.dump",
    "pg_restore -c -d prod backup.dump",
    "pg_restore -cdprod backup.dump",
    "pg_restore --clea --dbname=prod backup.dump",
    "mysql -e 'DELETE FROM users' prod",
    "mariadb --execute='delete from users' prod",
    "psql -c 'DELETE FROM users' prod",
    "psql -f purge.sql prod",
    "psql prod < purge.sql",
    # AWS data services' deletes that passed before (aws-fsx-delete … aws-dynamodb-partiql-delete)
    "aws fsx delete-file-system --file-system-id fs-0123456789abcdef0",
    "aws memorydb delete-cluster --cluster-name prod",
    "aws lightsail delete-relational-database --relational-database-name prod --skip-final-snapshot",
    "aws timestream-write delete-database --database-name prod",
    "aws keyspaces delete-keyspace --keyspace-name prod",
    "aws dsql delete-cluster --identifier abcdefghijklmnopqrstuvwxyz",
    "aws neptune-graph delete-graph --graph-identifier g-0123456789 --skip-snapshot",
    "aws s3control delete-bucket --account-id 123456789012 --bucket arn:aws:s3-outposts:x",
    "aws s3tables delete-table-bucket --table-bucket-arn arn:aws:s3tables:eu-west-1:123456789012:bucket/prod",
    "aws s3 sync ./empty s3://prod-data --delete",
    "aws dynamodb execute-statement --statement \"DELETE FROM users WHERE pk = 'a'\"",
    'aws dynamodb batch-execute-statement --statements \'[{"Statement": "DELETE FROM users WHERE pk = 1"}]\'',
    "aws dynamodb execute-statement --statement file://purge.sql",
]
QUIET = [
    "python3 -m awscli s3 ls",
    "python3 -m pytest -q",
    "aws2 rds describe-db-instances",
    f"aws rds-data execute-statement {ARN} --sql 'SELECT * FROM users'",
    f"aws rds-data execute-statement {ARN} --sql file://report.sql",
    "aws redshift-data batch-execute-statement --workgroup-name prod --sqls 'select 1' 'select 2' "
    "--secret-arn arn:aws:secretsmanager:eu-west-1:1:secret:delete-me",
    "pg_restore -l backup.dump",
    "pg_restore --clean -f restore.sql backup.dump",  # no database: it writes the script to a file
    "pg_restore -d prod backup.dump",
    "mysql -e 'SELECT deleted_at FROM users' prod",
    "psql -f report.sql prod",
    "aws s3 sync ./site s3://prod-site",
    "aws fsx describe-file-systems",
    "aws dynamodb execute-statement --statement \"SELECT * FROM users WHERE pk = 'deleted'\"",
]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "purge.sql").write_text("DELETE FROM sessions WHERE created < now() - interval '1 year';\n")
    (tmp_path / "report.sql").write_text("SELECT count(*) FROM users;\n")
    return tmp_path


@pytest.mark.parametrize("command", DENIED)
def test_commands_that_delete_data_are_denied(tree: Path, command: str) -> None:
    answer = _answer(command, tree)
    assert '"permissionDecision": "deny"' in answer and "peer's approval" in answer, answer


@pytest.mark.parametrize("command", QUIET)
def test_commands_that_only_read_stay_quiet(tree: Path, command: str) -> None:
    assert _answer(command, tree) == ""


def test_guard_holds_the_aws_cli_run_as_a_python_module_for_an_approval(tmp_path: Path) -> None:
    """Under guard it is the same direct delete (approval, exit 10), not a foreign program (exit 13)."""
    work = tmp_path / "repo"
    (work / ".git").mkdir(parents=True)
    trust = make_trust(tmp_path / "trust")
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(trust), "--", "python3", "-m", "awscli",
         "rds", "delete-db-instance", "--db-instance-identifier", "prod"],
        cwd=work, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 10, proc.stderr
    assert "aws-rds-delete-db-instance" in proc.stderr and "cmd1:" in proc.stderr
