"""planlint: stop infrastructure changes from destroying stateful resources without a peer's approval."""

__version__ = "0.1.0"
