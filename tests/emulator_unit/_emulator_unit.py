"""Shared constants and builders of the emulator unit tests."""

from __future__ import annotations

from typing import Any

SPACE = "s"
VIEW = {"type": "view", "space": SPACE, "externalId": "Pump", "version": "v1"}


def pump(xid: str, **props: Any) -> dict[str, Any]:
    """A node apply item writing ``props`` through the Pump view."""
    return {
        "instanceType": "node",
        "space": SPACE,
        "externalId": xid,
        "sources": [{"source": VIEW, "properties": props}],
    }
