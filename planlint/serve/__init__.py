"""`planlint serve run-task`: planlint as an HCP Terraform / Terraform Enterprise run task.

Modules: `settings` (what the server trusts), `signature` (X-TFC-Task-Signature), `payload` (the
platform's request), `fetch` (the plan JSON behind its redirect), `verdict` (judgement and approvals),
`approvals` (signed records, GitHub), `result` (the task-results callback body), `worker` (one job,
in a worker process), `callback` (PATCH with retries), `logs` (JSON lines), `app` (the ASGI app).
Everything here is imported only by `planlint serve`; the extra `planlint[server]` brings its libraries.
"""
