"""`planlint serve run-task`: run planlint as an HCP Terraform / Terraform Enterprise run task."""

from __future__ import annotations

import argparse
import os

from planlint.errors import ConfigError

HELP = (
    "Serve planlint over HTTP. `run-task`: the HCP Terraform / Terraform Enterprise run task endpoint "
    "(attach it to post_plan or pre_apply): verifies X-TFC-Task-Signature, answers 200, fetches the run's "
    "plan JSON, judges it and reports passed/failed with one outcome per gated change. Settings from "
    "--config (or $PLANLINT_RUN_TASK_CONFIG); the HMAC key from $PLANLINT_RUN_TASK_HMAC_KEY or the file "
    "the settings name. Needs the extra: pip install 'planlint[server]'. See docs/run-task.md."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="service", metavar="SERVICE", required=True, parser_class=type(parser))
    run_task = sub.add_parser("run-task", help="the HCP Terraform / TFE run task endpoint", description=HELP)
    run_task.add_argument(
        "--config",
        default=os.environ.get("PLANLINT_RUN_TASK_CONFIG"),
        metavar="FILE",
        help="settings file (YAML; default $PLANLINT_RUN_TASK_CONFIG, else built-in defaults)",
    )
    run_task.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    run_task.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    run_task.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))


def run(args: argparse.Namespace) -> int:
    from planlint.serve.settings import load_settings

    settings = load_settings(args.config)
    try:
        import uvicorn

        from planlint.serve.app import create_app
    except ImportError as exc:
        raise ConfigError(
            f"the server needs the `server` extra ({exc.name} is missing): pip install 'planlint[server]'",
            "planlint serve",
        ) from None
    from planlint.serve import logs

    logs.setup(args.log_level)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=35,
    )
    return 0
