"""What a CloudFormation command would do (`aws cloudformation …`, CDK, CDKTF, SAM), from its argv alone.

The kinds are classify.py's. Sources: the AWS CLI's cloudformation reference
(docs.aws.amazon.com/cli/latest/reference/cloudformation/), the CDK CLI reference
(docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd.html), the SAM CLI reference
(docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-command-reference.html).
Loaded only for those tools (the hook's Terraform lines never import it).
"""

from __future__ import annotations

from planlint.guard.classify import Classification
from planlint.guard.shell import SimpleCommand

TYPE_CHECKING = False  # typing.TYPE_CHECKING to mypy; `typing` is not imported on the hook's path
if TYPE_CHECKING:
    from planlint.guard.classify import Flow, Kind

_CFN_PASS_PREFIXES = ("describe-", "list-", "get-", "detect-")
_CFN_PASS = frozenset(
    ("create-change-set", "delete-change-set", "validate-template", "estimate-template-cost", "package", "wait",
     "cancel-update-stack", "create-stack", "signal-resource", "help")
)  # fmt: skip
_AWS_GLOBAL_WITH_VALUE = frozenset(
    ("--region", "--profile", "--output", "--endpoint-url", "--query", "--cli-read-timeout",
     "--cli-connect-timeout", "--ca-bundle", "--color", "--cli-binary-format")
)  # fmt: skip
_CDK_PASS = frozenset(
    ("synth", "synthesize", "diff", "list", "ls", "doctor", "docs", "doc", "init", "bootstrap", "context",
     "metadata", "notices", "acknowledge", "ack", "import", "migrate", "version", "--version", "cli-telemetry")
)  # fmt: skip
_SAM_PASS = frozenset(
    ("build", "validate", "local", "package", "init", "logs", "list", "pipeline", "traces", "publish", "remote",
     "--version", "--info")
)  # fmt: skip


def classify_cloudformation(tool: str, command: SimpleCommand) -> Classification:
    """Decide what the CloudFormation, CDK, CDKTF or SAM command `command` would do (`tool` as iac_tool names it)."""
    if tool == "aws":
        return _aws(tool, command)
    if tool == "sam":
        return _sam(tool, command)
    return _cdk(tool, command)


def _aws(tool: str, command: SimpleCommand) -> Classification:
    args = list(command.argv[1:])
    words: list[str] = []
    i = 0
    while i < len(args) and len(words) < 2:
        if args[i] in _AWS_GLOBAL_WITH_VALUE:
            i += 2
            continue
        if not args[i].startswith("-"):
            words.append(args[i])
        i += 1
    if not words or words[0] != "cloudformation":
        return Classification("other", "", command.argv, "not a CloudFormation command")
    op = words[1] if len(words) > 1 else ""

    def make(kind: Kind, reason: str, flow: Flow = "") -> Classification:
        return Classification(kind, "cloudformation", command.argv, reason, op, flow, env=command.env)

    if not op or op in _CFN_PASS or op.startswith(_CFN_PASS_PREFIXES):
        return make("pass", f"cloudformation {op} destroys nothing")
    if op == "deploy":
        if "--no-execute-changeset" in args:
            return make("pass", "deploy --no-execute-changeset only creates a change set")
        return make("apply", "deploy executes a change set", "cloudformation-deploy")
    if op == "execute-change-set":
        return make("apply", "execute-change-set applies a change set", "cloudformation-execute")
    if op == "delete-stack":
        return make("approval", "delete-stack deletes every resource of the stack")
    if op == "update-stack":
        return make("approval", "update-stack changes a stack without a reviewable change set; use deploy")
    return make("approval", f"cloudformation {op} changes stacks in a way planlint cannot preview")


_CDK_WITH_VALUE = frozenset(
    ("--app", "-a", "--context", "-c", "--profile", "--role-arn", "-r", "--output", "-o", "--plugin", "-p",
     "--ca-bundle-path", "--proxy", "--require-approval", "--change-set-name", "--method", "-m",
     "--parameters", "--outputs-file", "-O", "--toolkit-stack-name", "--tags", "-t", "--notification-arns",
     "--exclusively", "-e", "--concurrency", "--asset-parallelism", "--build-exclude", "-E")
)  # fmt: skip


def _cdk(tool: str, command: SimpleCommand) -> Classification:
    args = command.argv[1:]
    words = []
    i = 0
    while i < len(args):
        if args[i] in _CDK_WITH_VALUE:
            i += 2
            continue
        if not args[i].startswith("-"):
            words.append(args[i])
        i += 1
    sub = words[0] if words else ""

    def make(kind: Kind, reason: str, flow: Flow = "") -> Classification:
        return Classification(kind, tool, command.argv, reason, sub, flow, env=command.env)

    if not sub or sub in _CDK_PASS:
        return make("pass", f"{tool} {sub} destroys nothing")
    if tool == "cdk" and sub == "deploy":
        method = next((a.split("=", 1)[1] for a in args if a.startswith("--method=")), None)
        if method is None and "--method" in args[:-1]:
            method = args[args.index("--method") + 1]
        if "--no-execute" in args or method == "prepare-change-set":
            return make("pass", "cdk deploy --no-execute only creates change sets")
        if method in ("direct", "execute-change-set") or any(a.startswith("--hotswap") for a in args):
            return make(
                "approval", f"cdk deploy {method or 'hotswap'} changes stacks without a change set to judge"
            )
        return make("apply", "cdk deploy executes CloudFormation change sets", "cdk-deploy")
    if sub in ("deploy", "destroy", "watch", "gc", "rollback", "apply"):
        return make(
            "approval", f"{tool} {sub} changes stacks; planlint cannot preview it as a change set yet"
        )
    return make("unverifiable", f"unknown {tool} subcommand {sub!r}")


def _sam(tool: str, command: SimpleCommand) -> Classification:
    words = [a for a in command.argv[1:] if not a.startswith("-")]
    sub = words[0] if words else ""
    if not sub or sub in _SAM_PASS:
        return Classification("pass", tool, command.argv, f"sam {sub} destroys nothing", sub, env=command.env)
    if sub == "deploy":
        if "--no-execute-changeset" in command.argv:
            return Classification(
                "pass", tool, command.argv, "only creates a change set", sub, env=command.env
            )
        return Classification(
            "apply", tool, command.argv, "sam deploy executes a change set", sub, "sam-deploy"
        )
    if sub in ("delete", "sync"):
        return Classification(
            "approval",
            tool,
            command.argv,
            f"sam {sub} changes or deletes the stack without a change set",
            sub,
        )
    return Classification("unverifiable", tool, command.argv, f"unknown sam subcommand {sub!r}", sub)
