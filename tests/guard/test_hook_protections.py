"""Commands that passed the hook before and now need an approval like a delete (rules/commands/destructive.yaml):
turning off the protections that make a later delete recoverable (deletion protection, backups,
point-in-time recovery, versioning, termination protection, management locks), more deletes (MongoDB,
ClickHouse, etcd, container volumes, DynamoDB batch deletes, Glue, Athena, SQL UPDATE without WHERE), and
deploys that change CloudFormation stacks without a change set planlint sees (Serverless, Copilot, Amplify).

Each row goes through the Claude Code adapter with stub programs first on PATH (tests/guard/hook_rig.py);
the files are real files in a temp directory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .hook_rig import hook_reply
from .test_guard_terraform import make_trust

R = "aws rds modify-db-instance --db-instance-identifier prod"
VERSIONING = "aws s3api put-bucket-versioning --bucket prod-data --versioning-configuration"
PITR = "aws dynamodb update-continuous-backups --table-name orders --point-in-time-recovery-specification"
EC2 = "aws ec2 modify-instance-attribute --instance-id i-0abc"
BY_ENTRY = {
    # protections
    "aws-db-no-deletion-protection": [
        f"{R} --no-deletion-protection",
        "aws rds modify-db-cluster --db-cluster-identifier prod --no-deletion-protection --apply-immediately",
        "aws docdb modify-db-cluster --db-cluster-identifier prod --no-deletion-protection",
        # the AWS CLI takes any parameter from --cli-input-json/yaml, which planlint does not read
        """aws rds modify-db-instance --cli-input-json '{"DBInstanceIdentifier": "prod", "DeletionProtection": false}'""",
        "aws rds modify-db-instance --cli-input-yaml file://params.yaml",
    ],
    "aws-rds-no-backups": [f"{R} --backup-retention-period 0", f"{R} --backup-retention-period=0"],
    "aws-dynamodb-no-deletion-protection": [
        "aws dynamodb update-table --table-name orders --no-deletion-protection-enabled",
        "aws dynamodb update-table --cli-input-json file://table.json",
    ],
    "gcloud-spanner-no-drop-protection": [
        "gcloud spanner databases update orders --instance=prod --no-enable-drop-protection"
    ],
    "aws-dynamodb-no-point-in-time-recovery": [
        f"{PITR} PointInTimeRecoveryEnabled=false",
        f"{PITR} '{{\"PointInTimeRecoveryEnabled\": false}}'",
    ],
    "aws-s3-suspend-versioning": [
        f"{VERSIONING} Status=Suspended",
        f"{VERSIONING} file://suspend.json",
        f"{VERSIONING} file://missing.json",
        f'{VERSIONING} "$CONF"',
    ],
    "aws-s3-lifecycle-expiration": [
        "aws s3api put-bucket-lifecycle-configuration --bucket prod-data --lifecycle-configuration file://expire.json"
    ],
    "aws-ec2-no-termination-protection": [f"{EC2} --no-disable-api-termination"],
    "aws-ec2-termination-protection-false": [f"{EC2} --disable-api-termination Value=false"],
    "aws-ec2-termination-attribute-false": [f"{EC2} --attribute disableApiTermination --value false"],
    "aws-elbv2-no-deletion-protection": [
        "aws elbv2 modify-load-balancer-attributes --load-balancer-arn arn:x "
        "--attributes Key=deletion_protection.enabled,Value=false"
    ],
    "aws-backup-vault-lock-delete": [
        "aws backup delete-backup-vault-lock-configuration --backup-vault-name prod"
    ],
    "aws-backup-delete": [
        "aws backup delete-recovery-point --backup-vault-name prod --recovery-point-arn arn:x"
    ],
    "gcloud-no-deletion-protection": [
        "gcloud sql instances patch prod-db --no-deletion-protection",
        "gcloud compute instances update web-1 --no-deletion-protection",
    ],
    "gcloud-sql-no-backups": [
        "gcloud sql instances patch prod-db --no-backup",
        "gcloud beta sql instances patch prod-db --no-enable-point-in-time-recovery",
    ],
    "gcloud-sql-delete": [
        "gcloud beta sql instances delete prod-db"
    ],  # a release track runs the same command
    "gcloud-storage-no-versioning": ["gcloud storage buckets update gs://prod-data --no-versioning"],
    "gsutil-versioning-off": ["gsutil versioning set off gs://prod-data"],
    "az-lock-delete": ["az lock delete --name no-delete --resource-group prod"],
    "az-scoped-lock-delete": [
        "az resource lock delete --name no-delete -g prod --resource web-1 --resource-type Microsoft.Compute/vms",
        "az group lock delete --name no-delete -g prod",
    ],
    # deletes
    "mongosh-drop": [
        "mongo prod --eval 'db.dropDatabase()'",
        "mongosh prod --eval 'db.orders.drop()'",
        "mongosh prod --eval 'db.orders.deleteMany({})'",
        "mongosh prod --eval 'db.orders.remove({})'",
    ],
    "clickhouse-drop": [
        "clickhouse-client -q 'DROP TABLE events'",
        "clickhouse-client --host ch --query='ALTER TABLE events DELETE WHERE 1'",
        "clickhouse-client < drop.sql",
    ],
    "etcdctl-del-range": [
        "etcdctl del --prefix /registry",
        "etcdctl --endpoints=https://etcd:2379 del '' --from-key",
    ],
    "docker-volume-rm": ["docker volume rm pgdata", "docker volume prune -af", "podman volume rm pgdata"],
    "docker-system-prune-volumes": ["docker system prune -af --volumes"],
    "podman-system-reset": ["podman system reset --force"],
    "docker-compose-down-volumes": ["docker compose down -v", "docker compose -f prod.yml down --volumes"],
    "docker-compose-v1-down-volumes": ["docker-compose down -v"],
    "aws-dynamodb-batch-delete": [
        "aws dynamodb batch-write-item --request-items "
        '\'{"orders": [{"DeleteRequest": {"Key": {"pk": {"S": "1"}}}}]}\'',
        "aws dynamodb batch-write-item --request-items file://deletes.json",
    ],
    "aws-glue-delete": [
        "aws glue delete-database --name analytics",
        "aws glue delete-table --database-name analytics --name events",
    ],
    "aws-athena-statements": [
        "aws athena start-query-execution --query-string 'DROP TABLE events' --work-group primary"
    ],
    "psql-drop": [
        "psql -c 'UPDATE users SET admin = true'",
        "psql prod -c 'UPDATE users SET email = NULL;'",
        "psql -f wipe.sql prod",
    ],
    "mysql-drop": ["mysql -e 'update accounts set balance = 0' prod"],
    "redis-flush": [
        "redis-cli FlushAll",
        "echo FLUSHALL | redis-cli -h cache",
        "redis-cli EVAL \"redis.call('flushdb')\" 0",
    ],
    # deploys planlint cannot judge
    "serverless-deploy": ["serverless deploy --stage prod", "sls deploy"],
    "copilot-deploy": ["copilot deploy --env prod"],
    "copilot-part-deploy": ["copilot svc deploy --name api --env prod", "copilot env deploy --name prod"],
    "amplify-push": ["amplify push --yes", "amplify publish"],
}
DENIED = [(command, entry) for entry, commands in BY_ENTRY.items() for command in commands]
QUIET = [
    "aws rds modify-db-instance --db-instance-identifier prod --deletion-protection",
    "aws rds modify-db-instance --db-instance-identifier prod --backup-retention-period 7",
    "aws rds modify-db-instance --db-instance-identifier prod --backup-retention-period 10",
    "aws dynamodb update-table --table-name orders --deletion-protection-enabled",
    "aws dynamodb update-continuous-backups --table-name orders "
    "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
    "aws s3api put-bucket-versioning --bucket prod-data --versioning-configuration Status=Enabled",
    "aws s3api put-bucket-versioning --bucket prod-data --versioning-configuration file://enable.json",
    "aws s3api put-bucket-lifecycle-configuration --bucket prod-data --lifecycle-configuration file://archive.json",
    "aws ec2 modify-instance-attribute --instance-id i-0abc --disable-api-termination",
    "aws elbv2 modify-load-balancer-attributes --load-balancer-arn arn:x "
    "--attributes Key=deletion_protection.enabled,Value=true",
    "aws backup list-backup-vaults",
    "aws rds describe-db-instances --cli-input-json '{}'",
    "gcloud spanner databases update orders --instance=prod --enable-drop-protection",
    "gcloud sql instances patch prod-db --deletion-protection",
    "gcloud storage buckets update gs://prod-data --versioning",
    "gsutil versioning get gs://prod-data",
    "gcloud beta sql instances describe prod-db",
    "az lock list -g prod",
    "az lock create --name no-delete --lock-type CanNotDelete -g prod",
    "mongosh prod --eval 'db.orders.find()'",
    "clickhouse-client -q 'SELECT count() FROM events'",
    "etcdctl get --prefix /registry",
    "etcdctl del /registry/one-key",
    "docker volume ls",
    "docker system prune -f",
    "docker compose down",
    "docker-compose down",
    'aws dynamodb batch-write-item --request-items \'{"orders": [{"PutRequest": {"Item": {}}}]}\'',
    "aws glue get-databases",
    "aws athena start-query-execution --query-string 'SELECT * FROM events LIMIT 10'",
    "psql -c 'UPDATE users SET admin = false WHERE id = 7'",
    "psql -c 'INSERT INTO t (id, a) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET a = excluded.a'",
    "mysql -e 'SELECT updated_at FROM users' prod",
    "redis-cli -h cache GET user:1",
    "redis-cli ping",
    "serverless info --stage prod",
    "serverless package",
    "copilot svc ls",
    "copilot svc status --name api",
    "amplify status",
]


@pytest.fixture
def tree(stubbed: Path) -> Path:
    (stubbed / "suspend.json").write_text('{"Status": "Suspended"}\n')
    (stubbed / "enable.json").write_text('{"Status": "Enabled"}\n')
    (stubbed / "expire.json").write_text('{"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {}, '
                                          '"Expiration": {"Days": 1}}]}\n')  # fmt: skip
    (stubbed / "archive.json").write_text('{"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {}, '
                                           '"Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]}\n')  # fmt: skip
    (stubbed / "deletes.json").write_text('{"orders": [{"DeleteRequest": {"Key": {"pk": {"S": "1"}}}}]}\n')
    (stubbed / "drop.sql").write_text("DROP TABLE events;\n")
    (stubbed / "wipe.sql").write_text("BEGIN;\nUPDATE users\n   SET password_hash = NULL;\nCOMMIT;\n")
    return stubbed


@pytest.mark.parametrize(("command", "entry"), DENIED)
def test_protection_changes_and_deletes_need_an_approval(tree: Path, command: str, entry: str) -> None:
    answer = hook_reply(command)
    assert '"permissionDecision": "deny"' in answer and "peer's approval" in answer, answer
    assert f"({entry})" in answer, answer


@pytest.mark.parametrize("command", QUIET)
def test_commands_that_keep_protections_stay_quiet(tree: Path, command: str) -> None:
    assert hook_reply(command) == ""


def test_stack_termination_protection_is_judged_as_a_cloudformation_change(tree: Path) -> None:
    """Already refused before this table grew: CloudFormation calls are classified (guard/classify.py)."""
    answer = hook_reply("aws cloudformation update-termination-protection --no-enable-termination-protection "
                        "--stack-name prod")  # fmt: skip
    assert (
        '"permissionDecision": "deny"' in answer and "cloudformation update-termination-protection" in answer
    )


def test_guard_holds_a_versioning_suspension_for_an_approval(tmp_path: Path, cli_stubs: Path) -> None:
    """Under guard it is a direct change needing an approval bound to the exact command (exit 10), with the
    file it reads bound too."""
    work = tmp_path / "repo"
    (work / ".git").mkdir(parents=True)
    (work / "suspend.json").write_text('{"Status": "Suspended"}\n')
    trust = make_trust(tmp_path / "trust")
    proc = subprocess.run(
        [sys.executable, "-m", "planlint", "guard", "--trust-dir", str(trust), "--", "aws", "s3api",
         "put-bucket-versioning", "--bucket", "prod-data", "--versioning-configuration", "file://suspend.json"],
        cwd=work, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
        env={"PATH": f"{cli_stubs}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert proc.returncode == 10, proc.stderr
    assert "aws-s3-suspend-versioning" in proc.stderr and "cmd1:" in proc.stderr
