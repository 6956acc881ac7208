# Terragrunt: refuse any apply/destroy that does not come from `planlint guard`.
#
# `planlint guard -- terragrunt apply` plans into a private directory, judges the plan, and then runs
# `terragrunt apply <judged plan file>` with PLANLINT_GUARDED_PLAN set to that file. This before_hook
# stops a raw `terragrunt apply` / `destroy` (typed by a person or an agent) before Terraform starts.
# It is a seatbelt against accidents; the agent hooks and the PATH shim are the agent-facing controls.
# Under guard, hooks run with guard's credentials, so guard refuses them (exit 16) unless the operator lists
# each `execute` vector exactly in programs.yml of guard's trust directory (docs/agents.md, "Programs the
# configuration runs").
terraform {
  before_hook "planlint_guard_only" {
    commands = ["apply", "destroy"]
    execute = [
      "sh", "-c",
      <<-EOT
        case "$PLANLINT_GUARDED_PLAN" in
          */planlint-guard-*/guarded.tfplan) [ -f "$PLANLINT_GUARDED_PLAN" ] && exit 0 ;;
        esac
        echo "planlint: run this through 'planlint guard -- terragrunt apply' (or destroy) so the plan is judged first." >&2
        echo "Do not retry with other flags or tools; report this to the user and wait." >&2
        exit 1
      EOT
    ]
  }

  # Judge every plan as it is made (exit 1 = approval required; the PR/CI decides what to do with it).
  after_hook "planlint_check_plan" {
    commands     = ["plan"]
    execute      = ["sh", "-c", "[ -f tfplan ] && terraform show -json tfplan | planlint check - || true"]
    run_on_error = false
  }
}
