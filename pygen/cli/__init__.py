"""The ``pygen`` command line.

Each subcommand lives with the code it drives and is imported only when used, so that
``pygen --help`` stays fast and a missing extra gives a clear message instead of a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from pygen._version import __version__

USAGE = f"""\
usage: pygen <command> [options]

pygen {__version__}: typed SDKs for Cognite Data Fusion data models.

commands:
  generate    generate a typed SDK from data model snapshots
  refresh     re-fetch the pinned data models and rewrite their snapshots
  emulator    run a local server that speaks the DMS API
  validate    print what generating would report (errors, warnings, renames); write nothing
  serve       SDK generation as an HTTP service (POST /v1/generate, /v1/validate)
  migrate     rewrite a pygen v1 [tool.pygen] table into this pygen's format

Run `pygen <command> --help` for the options of one command.
"""


def _run_emulator(argv: Sequence[str]) -> int:
    try:
        from pygen.cli._emulator import main

        return main(argv)
    except ImportError as exc:  # a missing extra, not a bug: say how to fix it
        return _missing_extra("emulator", exc)


def _run_generate(argv: Sequence[str]) -> int:
    try:
        from pygen.cli._generate import main

        return main(argv)
    except ImportError as exc:
        return _missing_extra("generator", exc)


def _run_refresh(argv: Sequence[str]) -> int:
    try:
        from pygen.cli._refresh import main

        return main(argv)
    except ImportError as exc:
        return _missing_extra("generator", exc)


def _run_migrate(argv: Sequence[str]) -> int:
    try:
        from pygen.cli._migrate import main

        return main(argv)
    except ImportError as exc:
        return _missing_extra("generator", exc)


def _run_serve(argv: Sequence[str]) -> int:
    try:
        from pygen.cli._serve import main

        return main(argv)
    except ImportError as exc:
        return _missing_extra("service", exc)


def _run_validate(argv: Sequence[str]) -> int:
    try:
        from pygen.cli._validate import main

        return main(argv)
    except ImportError as exc:
        return _missing_extra("generator", exc)


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "emulator": _run_emulator,
    "generate": _run_generate,
    "refresh": _run_refresh,
    "migrate": _run_migrate,
    "validate": _run_validate,
    "serve": _run_serve,
}


def _missing_extra(extra: str, exc: ImportError) -> int:
    """Report a third-party module that is missing (the extra's); anything else is a bug and propagates."""
    module = (exc.name or "").split(".")[0]
    if not module or module == "pygen":
        raise exc
    from pygen._extras import MissingExtraError, missing_extra_message

    if isinstance(exc, MissingExtraError):
        extra = exc.extra
    print(f"pygen: {missing_extra_message(extra, module, 'this command')}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE, end="")
        return 0
    if args[0] == "--version":
        print(f"pygen {__version__}")
        return 0
    command = COMMANDS.get(args[0])
    if command is None:
        print(f"pygen: unknown command {args[0]!r}\n\n{USAGE}", file=sys.stderr, end="")
        return 2
    return command(args[1:])


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
