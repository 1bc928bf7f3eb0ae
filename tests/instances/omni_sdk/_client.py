"""The Omni SDK client: one API per view, sync and async."""

from __future__ import annotations

from functools import cached_property

from pygen.instances import AsyncInstanceAPI, AsyncInstanceClient, InstanceAPI, InstanceClient

from ._connections import (
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


class PrimitiveNullableAPI(InstanceAPI[PrimitiveNullable, PrimitiveNullableWrite]):
    _read_class = PrimitiveNullable
    _write_class = PrimitiveNullableWrite
    fields = PrimitiveNullableFields


class PrimitiveNullableListedAPI(InstanceAPI[PrimitiveNullableListed, PrimitiveNullableListedWrite]):
    _read_class = PrimitiveNullableListed
    _write_class = PrimitiveNullableListedWrite
    fields = PrimitiveNullableListedFields


class ConnectionItemAAPI(InstanceAPI[ConnectionItemA, ConnectionItemAWrite]):
    _read_class = ConnectionItemA
    _write_class = ConnectionItemAWrite
    fields = ConnectionItemAFields


class ConnectionItemBAPI(InstanceAPI[ConnectionItemB, ConnectionItemBWrite]):
    _read_class = ConnectionItemB
    _write_class = ConnectionItemBWrite
    fields = ConnectionItemBFields


class ConnectionItemDAPI(InstanceAPI[ConnectionItemD, ConnectionItemDWrite]):
    _read_class = ConnectionItemD
    _write_class = ConnectionItemDWrite
    fields = ConnectionItemDFields


class ConnectionItemEAPI(InstanceAPI[ConnectionItemE, ConnectionItemEWrite]):
    _read_class = ConnectionItemE
    _write_class = ConnectionItemEWrite
    fields = ConnectionItemEFields


class ConnectionItemFAPI(InstanceAPI[ConnectionItemF, ConnectionItemFWrite]):
    _read_class = ConnectionItemF
    _write_class = ConnectionItemFWrite
    fields = ConnectionItemFFields


class ConnectionItemGAPI(InstanceAPI[ConnectionItemG, ConnectionItemGWrite]):
    _read_class = ConnectionItemG
    _write_class = ConnectionItemGWrite
    fields = ConnectionItemGFields


class OmniClient(InstanceClient):
    """The Omni SDK (sync)."""

    @cached_property
    def primitive_nullable(self) -> PrimitiveNullableAPI:
        return PrimitiveNullableAPI(self)

    @cached_property
    def primitive_nullable_listed(self) -> PrimitiveNullableListedAPI:
        return PrimitiveNullableListedAPI(self)

    @cached_property
    def connection_item_a(self) -> ConnectionItemAAPI:
        return ConnectionItemAAPI(self)

    @cached_property
    def connection_item_b(self) -> ConnectionItemBAPI:
        return ConnectionItemBAPI(self)

    @cached_property
    def connection_item_d(self) -> ConnectionItemDAPI:
        return ConnectionItemDAPI(self)

    @cached_property
    def connection_item_e(self) -> ConnectionItemEAPI:
        return ConnectionItemEAPI(self)

    @cached_property
    def connection_item_f(self) -> ConnectionItemFAPI:
        return ConnectionItemFAPI(self)

    @cached_property
    def connection_item_g(self) -> ConnectionItemGAPI:
        return ConnectionItemGAPI(self)


class AsyncPrimitiveNullableAPI(AsyncInstanceAPI[PrimitiveNullable, PrimitiveNullableWrite]):
    _read_class = PrimitiveNullable
    _write_class = PrimitiveNullableWrite
    fields = PrimitiveNullableFields


class AsyncConnectionItemDAPI(AsyncInstanceAPI[ConnectionItemD, ConnectionItemDWrite]):
    _read_class = ConnectionItemD
    _write_class = ConnectionItemDWrite
    fields = ConnectionItemDFields


class AsyncConnectionItemEAPI(AsyncInstanceAPI[ConnectionItemE, ConnectionItemEWrite]):
    _read_class = ConnectionItemE
    _write_class = ConnectionItemEWrite
    fields = ConnectionItemEFields


class AsyncOmniClient(AsyncInstanceClient):
    """The Omni SDK (async; the views the tests use)."""

    @cached_property
    def primitive_nullable(self) -> AsyncPrimitiveNullableAPI:
        return AsyncPrimitiveNullableAPI(self)

    @cached_property
    def connection_item_d(self) -> AsyncConnectionItemDAPI:
        return AsyncConnectionItemDAPI(self)

    @cached_property
    def connection_item_e(self) -> AsyncConnectionItemEAPI:
        return AsyncConnectionItemEAPI(self)
