"""``pygen refresh``: fetch the pinned data models again, rewrite the snapshots that changed, print what changed.

The work is :func:`pygen.generator.fetch.refresh`; this module is its command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pygen._extras import MissingExtraError, missing_fetch_module
from pygen.errors import PygenError

__all__ = ["main"]


def main(argv: Sequence[str]) -> int:
    """``pygen refresh``: re-fetch the pinned models, rewrite the snapshots, print what changed.

    Exit codes: 0 done (or, with ``--check``, up to date), 1 ``--check`` found a change, 2 an error.
    """
    parser = argparse.ArgumentParser(
        prog="pygen refresh",
        description="Fetch the data models pinned in [tool.pygen] again, rewrite their snapshots, and print "
        "what changed. Needs [tool.pygen.cdf], a secret (PYGEN_CLIENT_SECRET / PYGEN_TOKEN or the keyring) and "
        "the 'fetch' extra.",
    )
    parser.add_argument("--project", default=".", help="the folder holding pyproject.toml (default: .)")
    parser.add_argument(
        "--upgrade",
        nargs="*",
        metavar="MODEL",
        help="move to the newest version in CDF: all models, or only the given 'space:externalId' "
        "(newest) or 'space:externalId/version' (that version); updates pyproject.toml",
    )
    parser.add_argument("--check", action="store_true", help="only report; exit 1 when a snapshot is out of date")
    args = parser.parse_args(list(argv))
    missing = missing_fetch_module()
    if missing is not None:  # before anything else: nothing works without it (`pygen` says which extra to install)
        raise MissingExtraError("fetch", missing, "pygen refresh")
    from pygen.generator import load_config
    from pygen.generator.fetch import refresh, shown_path

    upgrade: Sequence[str] | bool = False if args.upgrade is None else (args.upgrade or True)
    try:
        config = load_config(args.project)
        changes = refresh(config, args.project, upgrade=upgrade, check=args.check, report=_stderr)
    except PygenError as exc:
        print(f"pygen refresh: {exc}", file=sys.stderr)
        return 2
    root = Path(args.project)
    for change in changes:
        print("\n".join(change.diff.lines()))
        if change.needs_write:
            verb = "would write" if args.check else "wrote"
            print(f"  {verb} {shown_path(change.new_snapshot, root)}")
        if change.old_ref != change.new_ref:
            verb = "would pin" if args.check else "pinned"
            print(f"  {verb} {change.new_ref} in pyproject.toml (was {change.old_ref})")
    if args.check:
        return 1 if any(change.needs_write for change in changes) else 0
    return 0


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
