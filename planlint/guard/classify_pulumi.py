"""What a `pulumi …` command would do (see planlint.guard.classify for the kinds).

Commands and aliases are the Pulumi CLI's (pulumi/pulumi `pkg/cmd/pulumi/pulumi.go` and the command files
it registers; reference: pulumi.com/docs/iac/cli/commands). An allowlist of commands that cannot change
infrastructure or state passes; `up` and `destroy` are guarded flows (preview with `--json`, judge, then
run constrained to what was judged); everything else that is known needs an approval of the exact
command, and an unknown command is unverifiable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from planlint.guard.classify import Classification
from planlint.guard.pulumi_args import ArgumentError, cobra_words, command_words, is_on, tokens
from planlint.guard.shell import SimpleCommand

if TYPE_CHECKING:
    from planlint.guard.classify import Flow, Kind

ALIASES = {"update": "up", "down": "destroy", "dn": "destroy", "pre": "preview"}
# Commands that change neither infrastructure nor state. `config` and `new` edit project files the next
# (guarded) `up` reads.
PASS = frozenset(
    ("preview", "whoami", "login", "logout", "version", "about", "logs", "config", "new", "plugin", "schema",
     "gen-completion", "gen-markdown", "convert", "install", "package", "template", "console", "org", "help")
)  # fmt: skip
# Command groups: the subcommands that only read. Any other subcommand needs an approval of the command.
GROUP_PASS = {
    "stack": frozenset(("ls", "output", "export", "history", "select", "unselect", "init", "graph", "tag")),
    "state": frozenset(("upgrade",)),
    "env": frozenset(("ls", "get", "open", "diff", "init")),
    "policy": frozenset(("ls", "new", "validate-config")),
    "project": frozenset(("ls",)),
}
# Known commands that change infrastructure, state or organisation policy without a preview to judge.
APPROVAL = {
    "refresh": "refresh rewrites the stack's state from the cloud (resources gone there leave it)",
    "cancel": "cancel stops a running update and can leave the stack with pending operations",
    "watch": "watch deploys every change to the program as it is saved, without a preview to judge",
    "deployment": "deployment commands run updates and destroys in Pulumi Deployments",
    "api": "api sends raw requests to the Pulumi Cloud API (it can delete stacks)",
    "do": "do changes resources directly, outside a preview",
    "neo": "neo lets Pulumi's AI agent act on stacks",
    "insights": "insights changes scan and account settings in Pulumi Cloud",
    # pulumi.com/docs/iac/cli/commands/pulumi_import: "Import resources into an existing stack"; like
    # `terraform import`, which is approval-bound too.
    "import": "import adopts existing resources into the stack's state, where the next update may change or "
    "delete them",
}
# Commands whose `--preview-only` run previews and changes nothing (refresh.go, import.go: "Only show a
# preview of the import, but don't perform the import itself"). `destroy --preview-only` is read apart:
# with `--remove` it still removes the stack.
PREVIEW_ONLY = frozenset(("refresh", "import"))


def classify_pulumi(tool: str, command: SimpleCommand) -> Classification:
    """Classify `pulumi …` (argv[0] is the program)."""
    argv = command.argv

    def make(kind: Kind, reason: str, sub: str = "", flow: Flow = "") -> Classification:
        return Classification(kind, tool, argv, reason, sub, flow, env=command.env)

    cobra = cobra_words(argv[1:])
    try:  # with the flags of the command cobra finds (`import -f FILE`)
        found = tokens(argv[1:], ALIASES.get(cobra[0], cobra[0]) if cobra else "")
    except ArgumentError as exc:
        return make("unverifiable", str(exc))
    words = command_words(found)
    if words[:1] != cobra[:1]:
        return make("unverifiable", "a flag before the subcommand leaves it unclear which command Pulumi runs; "
                    "put flags after the subcommand")  # fmt: skip
    if is_on(found, "help") or not words:
        return make("pass", "prints help")
    sub = ALIASES.get(words[0], words[0])
    if any(t.name == "remote" and t.on for t in found):
        return make(
            "approval", f"{sub} --remote runs in Pulumi Deployments, where planlint cannot preview it", sub
        )
    if sub in PASS:
        return make("pass", f"pulumi {sub} destroys nothing", sub)
    if sub in GROUP_PASS:
        return _group(sub, words, cobra, make)
    if sub == "up":
        if len(words) > 1:
            return make(
                "approval", "up from a template or URL deploys a program planlint cannot preview", sub
            )
        return make("apply", "up changes infrastructure", sub, "pulumi")
    if sub == "destroy":
        if is_on(found, "preview-only"):
            if is_on(found, "remove"):  # destroy.go removes the stack after a preview-only run too
                return make("approval", "destroy --remove removes the stack, even with --preview-only", sub)
            return make("pass", "destroy --preview-only only previews", sub)
        return make("destroy", "destroy deletes every resource in the stack", sub, "pulumi")
    if sub in PREVIEW_ONLY and is_on(found, "preview-only"):
        return make("pass", f"{sub} --preview-only only previews", sub)
    if sub in APPROVAL:
        return make("approval", APPROVAL[sub], sub)
    return make("unverifiable", f"planlint does not know the pulumi subcommand {sub!r}", sub)


def _group(
    sub: str, words: list[str], cobra: list[str], make: Callable[..., Classification]
) -> Classification:
    """`pulumi stack rm`, `pulumi state delete`, …: read-only subcommands pass, the rest need an approval.

    The subcommand must be the same word however its flags are read; when it is not, or it is missing
    because a flag took it as a value, the command is not passed.
    """
    action = words[1] if len(words) > 1 else ""
    agreed = cobra[1:2] == words[1:2]
    if agreed and (not action or action in GROUP_PASS[sub]):
        return make("pass", f"{sub} {action}".strip() + " only reads", sub)
    shown = f"{sub} {action}".strip()
    return make(
        "approval", f"pulumi {shown} changes stacks, state or their settings without a preview to judge", sub
    )
