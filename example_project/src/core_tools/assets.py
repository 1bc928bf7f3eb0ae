"""Small asset helpers that use the generated CogniteCore client (the ``cognite_core`` package)."""

from __future__ import annotations

from collections.abc import Sequence

from cognite_core import CogniteAssetWrite, CogniteCoreClient


def create_asset_tree(client: CogniteCoreClient, root: str, children: Sequence[str]) -> list[str]:
    """Create a root asset and its children (parent set by direct relation); return their external ids."""
    items = [CogniteAssetWrite(external_id=root, name=root)]
    items += [CogniteAssetWrite(external_id=child, name=child, parent=root) for child in children]
    client.upsert(items)
    return [item.external_id for item in items]


def asset_names(client: CogniteCoreClient, limit: int = 100) -> list[str]:
    """The names of up to ``limit`` assets, sorted."""
    return sorted(asset.name or "" for asset in client.cognite_asset.list(limit=limit))
