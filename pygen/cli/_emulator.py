"""``pygen emulator``: the command line of the DMS emulator (:func:`pygen.emulator.serve` runs the server)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, EmulatorStartError, FaultSettings, is_loopback, serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pygen emulator",
        description="A local server that speaks CDF's Data Modeling Service API (in memory unless --db is given).",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to bind (default 127.0.0.1); beyond loopback it needs --token or client credentials",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument(
        "--model-file",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="data model snapshot (DMS JSON, views inline) to load; repeatable",
    )
    parser.add_argument(
        "--instances-file",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="nodes/edges in the API read shape to load; repeatable",
    )
    parser.add_argument("--db", metavar="PATH", help="SQLite file that keeps all data across restarts")
    parser.add_argument(
        "--token",
        help=f"static bearer token to accept (default {DEFAULT_TOKEN!r} when no client credentials are configured)",
    )
    parser.add_argument("--client-id", help="client id accepted by POST /oauth2/token")
    parser.add_argument("--client-secret", help="client secret accepted by POST /oauth2/token")
    parser.add_argument(
        "--token-ttl", type=int, default=300, metavar="SECONDS", help="lifetime of issued tokens (default 300)"
    )
    faults = parser.add_argument_group("faults (only /api/... requests)")
    faults.add_argument("--fault-429", type=float, default=0.0, metavar="RATE", help="share answered with 429")
    faults.add_argument("--fault-429-no-retry-after", action="store_true", help="send 429 without Retry-After")
    faults.add_argument("--fault-503", type=float, default=0.0, metavar="RATE", help="share answered with 503")
    faults.add_argument("--fault-slow", type=float, default=0.0, metavar="RATE", help="share answered slowly")
    faults.add_argument("--fault-slow-seconds", type=float, default=2.0, metavar="S", help="delay of a slow answer")
    faults.add_argument(
        "--fault-drop",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share whose connection is closed without a response (the request is not carried out)",
    )
    faults.add_argument(
        "--fault-lost",
        type=float,
        default=0.0,
        metavar="RATE",
        help="share carried out (a write is stored) whose answer is then lost: the connection is closed instead",
    )
    faults.add_argument("--fault-seed", type=int, default=None, metavar="N", help="seed of the fault RNG")
    return parser


def _rate(parser: argparse.ArgumentParser, name: str, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        parser.error(f"{name} must be between 0 and 1, got {value}")
    return value


def _secret(parser: argparse.ArgumentParser, name: str, value: str | None) -> str | None:
    if value is not None and (not value or any(char.isspace() for char in value)):
        parser.error(f"{name} must be a non-empty string without spaces (the value is not shown)")
    return value


def main(argv: Sequence[str]) -> int:
    """Run the emulator until SIGINT/SIGTERM; prints ``pygen emulator listening on http://HOST:PORT`` first."""
    parser = _parser()
    args = parser.parse_args(list(argv))
    if (args.client_id is None) != (args.client_secret is None):
        parser.error("--client-id and --client-secret go together")
    _secret(parser, "--token", args.token)
    _secret(parser, "--client-id", args.client_id)
    _secret(parser, "--client-secret", args.client_secret)
    if args.token_ttl <= 0:
        parser.error(f"--token-ttl must be a positive number of seconds, got {args.token_ttl}")
    if args.token is None and args.client_id is None and not is_loopback(args.host):
        # The default token is printed in every README: beyond loopback it would let anyone in.
        print(
            f"pygen emulator: --host {args.host} serves beyond this machine, where the well-known default token "
            f"'{DEFAULT_TOKEN}' would let anyone in: give --token (or --client-id and --client-secret)",
            file=sys.stderr,
        )
        return 2
    faults = FaultSettings(
        rate_429=_rate(parser, "--fault-429", args.fault_429),
        retry_after=not args.fault_429_no_retry_after,
        rate_503=_rate(parser, "--fault-503", args.fault_503),
        rate_slow=_rate(parser, "--fault-slow", args.fault_slow),
        slow_seconds=args.fault_slow_seconds,
        rate_drop=_rate(parser, "--fault-drop", args.fault_drop),
        rate_lost=_rate(parser, "--fault-lost", args.fault_lost),
        seed=args.fault_seed,
    )
    settings = EmulatorSettings(
        token=args.token,
        client_id=args.client_id,
        client_secret=args.client_secret,
        db_path=args.db,
        model_files=args.model_file,
        instance_files=args.instances_file,
        faults=faults,
        token_ttl_seconds=args.token_ttl,
    )
    try:
        serve(settings, args.host, args.port)
    except EmulatorStartError as exc:
        print(f"pygen emulator: {exc}", file=sys.stderr)
        return 2
    return 0
