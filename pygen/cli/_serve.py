"""``pygen serve``: the command line of the generation service (:func:`pygen.serve.serve` runs it)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from pygen.serve import SETTINGS_HELP, ServeStartError, SettingsError, load_settings, serve

_EPILOG = f"""settings (TOML key, environment variable), in the TOML file given by --config or $PYGEN_SERVE_CONFIG:
{SETTINGS_HELP}
  [cdf] (PYGEN_SERVE_CDF_<KEY>): the CDF project to fetch models by id from, the keys of [tool.pygen.cdf]

secrets, from the environment only:
  PYGEN_SERVE_TOKEN          the bearer token callers send
  PYGEN_SERVE_CLIENT_SECRET  the secret of the OAuth client `client-id` (tokens from POST /oauth2/token)
  PYGEN_CLIENT_SECRET / PYGEN_TOKEN (or the keyring)  the service's secret for CDF, as `pygen refresh` finds it

example (a container):
  PYGEN_SERVE_TOKEN=$(cat /run/secrets/token) pygen serve --host 0.0.0.0 --port 8080
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pygen serve",
        description="SDK generation as an HTTP service: POST /v1/generate, POST /v1/validate, GET /v1/health, "
        "GET /v1/docs. Stops gracefully on SIGTERM.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", type=Path, metavar="FILE", help="a TOML file with the settings below")
    parser.add_argument("--host", help="interface to listen on (default 127.0.0.1; 0.0.0.0 in a container)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8080; 0: any free port)")
    parser.add_argument(
        "--print-config", action="store_true", help="print the settings in effect (without secrets) and exit"
    )
    return parser


def main(argv: Sequence[str]) -> int:
    """Run ``pygen serve``; returns the exit code (0 stopped, 2 a setting is wrong or it cannot start)."""
    args = _parser().parse_args(list(argv))
    try:
        settings = load_settings(args.config, host=args.host, port=args.port)
    except SettingsError as exc:
        print(f"pygen serve: error: {exc}", file=sys.stderr)
        return 2
    if args.print_config:
        print(json.dumps(settings.public(), indent=2, default=str))
        return 0
    try:
        serve(settings)
    except ServeStartError as exc:
        print(f"pygen serve: error: {exc}", file=sys.stderr)
        return 2
    return 0
