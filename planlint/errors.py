"""One exception root; the CLI turns any PlanlintError into a one-line message and exit 2."""

from __future__ import annotations


class PlanlintError(Exception):
    """Something planlint cannot safely continue past. `origin` names the file or input at fault."""

    def __init__(self, message: str, origin: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin

    def __str__(self) -> str:
        if not self.origin:
            return self.message
        return f"{'<stdin>' if self.origin == '-' else self.origin}: {self.message}"


class InputError(PlanlintError):
    """A plan, change set or template that is unreadable, partial or not what was expected."""


class ConfigError(PlanlintError):
    """A bad `.planlint.yml` or command-line usage."""


class RuleError(PlanlintError):
    """A rule file or catalogue that does not validate."""


class GateError(PlanlintError):
    """The approval evidence could not be gathered (GitHub API, signed records)."""


class OutputError(PlanlintError):
    """A report, page or record could not be written (the file, or standard output)."""
