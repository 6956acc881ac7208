"""`planlint guard`: put planlint in front of the commands that change infrastructure.

- `shell` splits a shell command line into the simple commands it would run (wrappers peeled off);
- `classify` says what one IaC command would do (read-only, apply, destroy, state surgery, ...);
- `screen` is what the agent hooks ask: may this raw command line run, or must it go through guard;
- `terraform` / `cloudformation` run the plan-judge-apply flows; `runner` ties them to approvals.
"""
