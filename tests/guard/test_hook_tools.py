"""Tools other than a shell command that run something: every adapter reads them, in its agent's wire format.

Payload shapes follow each agent's hook documentation (Copilot `preToolUse` with `toolArgs` as a JSON
string, Kiro `use_aws`, OpenHands terminal `is_input`, Claude Code `mcp__SERVER__TOOL`, Cline
`use_mcp_tool`, Cursor `beforeMCPExecution`); the tool arguments are synthetic.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from planlint.hooks.contract import run_hook
from planlint.hooks.tools import aws_argv

from .test_guard_hooks import decision


def _copilot(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"timestamp": 1704614600000, "cwd": "/w", "toolName": tool, "toolArgs": json.dumps(args)}


def _claude(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": args}


def _kiro(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "preToolUse", "cwd": "/w", "tool_name": tool, "tool_input": args}


def _cline_mcp(server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    parameters = {"server_name": server, "tool_name": tool, "arguments": json.dumps(args)}
    return {"hookName": "PreToolUse", "preToolUse": {"toolName": "use_mcp_tool", "parameters": parameters}}


def _cursor_mcp(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"hook_event_name": "beforeMCPExecution", "tool_name": tool, "tool_input": json.dumps(args),
            "command": "uvx awslabs.aws-api-mcp-server@latest"}  # fmt: skip


CASES: list[tuple[str, dict[str, Any], str]] = [
    # Copilot: input sent to a running bash session ({enter} is Enter)
    ("copilot", _copilot("write_bash", {"sessionId": "1", "input": "terraform destroy{enter}", "delay": 5}), "deny"),
    ("copilot", _copilot("write_bash", {"sessionId": "1", "input": "ls -la{enter}", "delay": 5}), "silent"),
    ("copilot", _copilot("write_bash", {"sessionId": "1", "input": "aws s3 rb s3://b --force{enter}"}), "deny"),
    # OpenHands: terminal input to a running process
    ("openhands", _claude("terminal", {"command": "terraform destroy", "is_input": True}), "deny"),
    ("openhands", _claude("terminal", {"command": "C-c", "is_input": True}), "silent"),
    # Kiro: use_aws (kebab-case and PascalCase operations)
    ("kiro", _kiro("use_aws", {"service_name": "rds", "operation_name": "delete-db-instance",
                               "parameters": {"db-instance-identifier": "prod"}, "region": "us-east-1",
                               "label": "Delete the database"}), "deny"),
    ("kiro", _kiro("use_aws", {"service_name": "dynamodb", "operation_name": "DeleteTable",
                               "parameters": {"TableName": "orders"}, "region": "eu-west-1"}), "deny"),
    ("kiro", _kiro("use_aws", {"service_name": "cloudformation", "operation_name": "delete-stack",
                               "parameters": {"stack-name": "prod"}, "region": "eu-west-1"}), "deny"),
    ("kiro", _kiro("use_aws", {"service_name": "rds", "operation_name": "describe-db-instances",
                               "parameters": {}, "region": "us-east-1"}), "silent"),
    # Claude Code: MCP tools of the AWS API, AWS Terraform, HCP Terraform and CloudFormation servers
    ("claude", _claude("mcp__awslabs_aws-api-mcp-server__call_aws", {"cli_command": "aws s3 rb s3://b --force"}), "deny"),
    ("claude", _claude("mcp__awslabs_aws-api-mcp-server__call_aws", {"cli_command": "aws s3 ls"}), "silent"),
    ("claude", _claude("mcp__terraform__ExecuteTerraformCommand", {"command": "destroy"}), "deny"),
    ("claude", _claude("mcp__terraform__ExecuteTerraformCommand", {"command": "apply", "working_directory": "/w"}), "deny"),
    ("claude", _claude("mcp__terraform__ExecuteTerraformCommand", {"command": "plan", "working_directory": "/w"}), "silent"),
    ("claude", _claude("mcp__terraform__ExecuteTerragruntCommand", {"command": "run-all destroy"}), "deny"),
    ("claude", _claude("mcp__hcp-terraform__create_run", {"workspace_name": "prod", "auto_apply": True}), "deny"),
    ("claude", _claude("mcp__hcp-terraform__action_run", {"run_id": "run-1", "action": "apply"}), "deny"),
    ("claude", _claude("mcp__awslabs_cfn-mcp-server__delete_resource", {"resource_type": "AWS::RDS::DBInstance"}), "deny"),
    ("claude", _claude("mcp__aws-tools__terminate_instances", {"ids": ["i-1"]}), "deny"),
    ("claude", _claude("mcp__terraform__search_providers", {"provider_name": "aws"}), "silent"),
    ("claude", _claude("mcp__github__create_issue", {"title": "x"}), "silent"),
    ("codex", _claude("mcp__terraform__ExecuteTerraformCommand", {"command": "destroy"}), "deny"),
    # Cline: MCP tools arrive as use_mcp_tool
    ("cline", _cline_mcp("awslabs.aws-api-mcp-server", "call_aws", {"cli_command": "aws dynamodb delete-table"}), "deny"),
    ("cline", _cline_mcp("github", "list_issues", {}), "silent"),
    # Cursor: beforeMCPExecution (its `command` is the server's launch command, not what the tool runs)
    ("cursor", _cursor_mcp("call_aws", {"cli_command": "aws rds delete-db-instance --db-instance-identifier p"}), "deny"),
    ("cursor", _cursor_mcp("call_aws", {"cli_command": "aws sts get-caller-identity"}), "silent"),
]  # fmt: skip


@pytest.mark.parametrize(("agent", "payload", "expected"), CASES)
def test_tool_call_through_adapter(agent: str, payload: dict[str, Any], expected: str) -> None:
    reply = run_hook(agent, json.dumps(payload))
    assert decision(agent, reply) == expected, reply


def test_use_aws_becomes_the_aws_cli_call() -> None:
    args = {"service_name": "rds", "operation_name": "DeleteDBInstance", "region": "us-east-1",
            "parameters": {"DBInstanceIdentifier": "prod", "SkipFinalSnapshot": True, "Other": False}}  # fmt: skip
    assert aws_argv(args) == [
        "aws", "rds", "delete-db-instance", "--db-instance-identifier", "prod", "--skip-final-snapshot",
        "--region", "us-east-1",
    ]  # fmt: skip


def test_unreadable_tool_arguments_naming_infrastructure_fail_closed() -> None:
    payload = {"toolName": "write_bash", "toolArgs": '{"input": "terraform destroy'}
    assert decision("copilot", run_hook("copilot", json.dumps(payload))) == "deny"
