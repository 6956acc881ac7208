"""The run task request the platform POSTs (payload_version 1).

Source: HCP Terraform "Run tasks integration API", "Run Task Request" > "Request Body": common
properties for every stage, `plan_json_api_url` from `post_plan` on; `vcs_commit_hash` as in the
sample payload of "Set up run task integrations". Unknown fields are ignored (the platform adds
fields over time); the ones planlint reads are checked.
"""

from __future__ import annotations

import re

import msgspec

from planlint.errors import InputError

VERIFICATION_TOKEN = "test-token"  # sent once when the task is created or edited: answer 200, nothing else
STAGES = ("pre_plan", "post_plan", "pre_apply", "post_apply")
PLAN_STAGES = frozenset(("post_plan", "pre_apply", "post_apply"))
ENFORCEMENT_LEVELS = ("advisory", "mandatory")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,90}$")
ORIGIN = "run task request"


class RunTaskRequest(msgspec.Struct, frozen=True, kw_only=True):
    """The fields planlint reads from a run task request."""

    payload_version: int
    access_token: str
    stage: str = ""
    task_result_callback_url: str = ""
    task_result_enforcement_level: str = ""
    task_result_id: str = ""
    plan_json_api_url: str | None = None
    run_id: str = ""
    run_app_url: str | None = None
    run_created_by: str | None = None
    is_speculative: bool = False
    organization_name: str = ""
    workspace_id: str = ""
    workspace_name: str = ""
    vcs_repo_url: str | None = None
    vcs_commit_url: str | None = None
    vcs_commit_hash: str | None = None
    vcs_pull_request_url: str | None = None

    @property
    def is_verification(self) -> bool:
        """The request sent when the task is registered (`access_token: "test-token"`)."""
        return self.access_token == VERIFICATION_TOKEN

    @property
    def scope(self) -> str:
        """Where an approval applies: `hcp-terraform:ORGANIZATION/WORKSPACE`."""
        return f"hcp-terraform:{self.organization_name}/{self.workspace_name}"


def parse_request(body: bytes) -> RunTaskRequest:
    """Decode and check a request body; raises InputError saying which field is wrong."""
    try:
        request = msgspec.json.decode(body, type=RunTaskRequest)
    except msgspec.ValidationError as exc:
        raise InputError(f"unexpected shape: {exc}", ORIGIN) from None
    except msgspec.DecodeError as exc:
        raise InputError(f"not JSON: {exc}", ORIGIN) from None
    if request.payload_version != 1:
        raise InputError(
            f"payload_version {request.payload_version} is not 1, the only version known", ORIGIN
        )
    if request.is_verification:
        return request
    if request.stage not in STAGES:
        raise InputError(f"stage {request.stage!r} is not one of {', '.join(STAGES)}", ORIGIN)
    if request.task_result_enforcement_level not in ENFORCEMENT_LEVELS:
        raise InputError(
            f"task_result_enforcement_level {request.task_result_enforcement_level!r} is not advisory or mandatory",
            ORIGIN,
        )
    if not request.access_token:
        raise InputError("access_token is empty", ORIGIN)
    if not request.task_result_callback_url.startswith(("https://", "http://")):
        raise InputError("task_result_callback_url is not an http(s) URL", ORIGIN)
    for name in ("organization_name", "workspace_name"):
        if not _NAME.match(getattr(request, name)):
            raise InputError(f"{name} is missing or not a platform name", ORIGIN)
    return request
