"""A hand-written SDK for part of the Omni model: the shape pygen's generator emits on the instance runtime.

Views: PrimitiveNullable, PrimitiveNullableListed, ConnectionItemA/B (edges both ways, a self direct
relation), ConnectionItemD/E (direct relations single/list, their reverses, a single edge),
ConnectionItemF/G with the edge view ConnectionEdgeA (edges with properties).
"""

from ._client import AsyncOmniClient, OmniClient
from ._connections import (
    ConnectionEdgeA,
    ConnectionEdgeAFromF,
    ConnectionEdgeAToG,
    ConnectionEdgeAWrite,
    ConnectionItemA,
    ConnectionItemAFields,
    ConnectionItemAWrite,
    ConnectionItemB,
    ConnectionItemBFields,
    ConnectionItemBWrite,
    ConnectionItemD,
    ConnectionItemDFields,
    ConnectionItemDWrite,
    ConnectionItemE,
    ConnectionItemEFields,
    ConnectionItemEWrite,
    ConnectionItemF,
    ConnectionItemFFields,
    ConnectionItemFWrite,
    ConnectionItemG,
    ConnectionItemGFields,
    ConnectionItemGWrite,
)
from ._primitives import (
    PrimitiveNullable,
    PrimitiveNullableFields,
    PrimitiveNullableListed,
    PrimitiveNullableListedFields,
    PrimitiveNullableListedWrite,
    PrimitiveNullableWrite,
)
from ._space import MODEL_SPACE

__all__ = [
    "MODEL_SPACE",
    "AsyncOmniClient",
    "ConnectionEdgeA",
    "ConnectionEdgeAFromF",
    "ConnectionEdgeAToG",
    "ConnectionEdgeAWrite",
    "ConnectionItemA",
    "ConnectionItemAFields",
    "ConnectionItemAWrite",
    "ConnectionItemB",
    "ConnectionItemBFields",
    "ConnectionItemBWrite",
    "ConnectionItemD",
    "ConnectionItemDFields",
    "ConnectionItemDWrite",
    "ConnectionItemE",
    "ConnectionItemEFields",
    "ConnectionItemEWrite",
    "ConnectionItemF",
    "ConnectionItemFFields",
    "ConnectionItemFWrite",
    "ConnectionItemG",
    "ConnectionItemGFields",
    "ConnectionItemGWrite",
    "OmniClient",
    "PrimitiveNullable",
    "PrimitiveNullableFields",
    "PrimitiveNullableListed",
    "PrimitiveNullableListedFields",
    "PrimitiveNullableListedWrite",
    "PrimitiveNullableWrite",
]
