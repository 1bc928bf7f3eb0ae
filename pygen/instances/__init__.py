"""pygen's typed instance runtime: the bases generated SDKs extend (see README.md in this folder).

Per view, a generated SDK declares a read class (:class:`Node`/:class:`Edge`), a write class
(:class:`NodeWrite`/:class:`EdgeWrite`), a ``Fields`` class of typed filter builders, and an
:class:`InstanceAPI`/:class:`AsyncInstanceAPI` subclass. Everything else lives here.

Example:
    The filter builders of a view ``my_space:Pump/v1``, as a generated SDK declares them; the filters
    they make are what the API's ``filter`` takes (:class:`InstanceAPI`'s example reads with them):

    >>> from pygen.instances import FloatProperty, NodeFields, TextProperty, ViewId
    >>> PUMP = ViewId("my_space", "Pump", "v1")
    >>> class PumpFields(NodeFields):
    ...     name = TextProperty.of(PUMP, "name")
    ...     max_pressure = FloatProperty.of(PUMP, "maxPressure")
    >>> (PumpFields.name.prefix("P-") & PumpFields.max_pressure.range(gt=2)).dump()
    {'and': [{'prefix': {'property': ['my_space', 'Pump/v1', 'name'], 'value': 'P-'}}, {'range': {...}}]}
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pygen.instances._api import AsyncInstanceAPI, ConnectionEdges, InstanceAPI, LazyAPI
from pygen.instances._client import AsyncInstanceClient, InstanceClient
from pygen.instances._filters import (
    MAX_FILTER_VALUES,
    And,
    BooleanProperty,
    ContainsAll,
    ContainsAny,
    DateProperty,
    DirectRelationListProperty,
    DirectRelationProperty,
    EdgeFields,
    EnumProperty,
    Equals,
    Exists,
    Filter,
    FloatProperty,
    HasData,
    In,
    InstanceReferences,
    IntProperty,
    JsonProperty,
    ListProperty,
    MatchAll,
    Nested,
    NodeFields,
    Not,
    Or,
    Overlaps,
    Prefix,
    Property,
    Range,
    Sort,
    TextProperty,
    TimestampProperty,
)
from pygen.instances._ids import (
    EdgeId,
    EdgeIdLike,
    NodeId,
    NodeIdLike,
    ViewId,
    as_edge_id,
    as_node_id,
    as_node_ids,
)
from pygen.instances._instances import (
    Connection,
    DirectRelation,
    DirectRelationTo,
    Edge,
    EdgeConnection,
    EdgeWrite,
    InstanceList,
    Node,
    NodeWrite,
    PropertyNotFetchedError,
    ReverseDirectRelation,
    load_references,
    unfetched_properties,
)
from pygen.instances._keywords import (
    API_PARAMETERS,
    AggregateArgs,
    CountArgs,
    IterateArgs,
    ListArgs,
    PageArgs,
    PagesArgs,
    SearchArgs,
    SortArg,
    StatArgs,
)
from pygen.instances._references import FileRef, SequenceRef, TimeSeriesRef
from pygen.instances._types import Date, Json, JsonObject, Timestamp
from pygen.instances._view import (
    AggregateGroup,
    AggregateGroups,
    AggregateName,
    AggregateSpec,
    Bucket,
    Histogram,
    Page,
    RetrieveList,
)

if TYPE_CHECKING:
    from pygen.instances._classic import ClassicFile, ClassicResourceError, ClassicTimeSeries
    from pygen.instances._datapoints import (
        Aggregate,
        Datapoint,
        Datapoints,
        DatapointsError,
        DatapointsList,
        FailedDatapoints,
        TimeLike,
        TimeSeriesIdLike,
    )
    from pygen.instances._datapoints_api import AsyncDatapointsAPI, DatapointsAPI
    from pygen.instances._files import AsyncFilesAPI, FileContent, FileIdLike, FilesAPI
    from pygen.instances._query import AsyncQuery, Query, QueryResult
    from pygen.instances._resources import (
        AsyncFileNodeAPI,
        AsyncTimeSeriesNodeAPI,
        FileNode,
        FileNodeAPI,
        TimeSeriesNode,
        TimeSeriesNodeAPI,
    )
    from pygen.instances._results import (
        DeleteError,
        DeleteResult,
        FailedItem,
        InstanceResult,
        InstanceValidationError,
        UpsertError,
        UpsertResult,
    )
    from pygen.instances._writes import InstanceIdLike

#: Names whose modules load on first use, not with the package: the graph query classes (and through
#: them, when a query runs, the engine ``_graph``) and the write results and machinery. An SDK import
#: does not need them; ``from pygen.instances import Query`` still works (PEP 562). So do the datapoints
#: and files helpers (``client.datapoints``, ``client.files``), loaded on first use.
_LAZY = {
    "Aggregate": "_datapoints",
    "Datapoint": "_datapoints",
    "Datapoints": "_datapoints",
    "DatapointsError": "_datapoints",
    "DatapointsList": "_datapoints",
    "FailedDatapoints": "_datapoints",
    "TimeLike": "_datapoints",
    "TimeSeriesIdLike": "_datapoints",
    "AsyncDatapointsAPI": "_datapoints_api",
    "DatapointsAPI": "_datapoints_api",
    "AsyncFilesAPI": "_files",
    "FileContent": "_files",
    "FileIdLike": "_files",
    "FilesAPI": "_files",
    "AsyncFileNodeAPI": "_resources",
    "AsyncTimeSeriesNodeAPI": "_resources",
    "ClassicFile": "_classic",
    "ClassicResourceError": "_classic",
    "ClassicTimeSeries": "_classic",
    "FileNodeAPI": "_resources",
    "FileNode": "_resources",
    "TimeSeriesNodeAPI": "_resources",
    "TimeSeriesNode": "_resources",
    "AsyncQuery": "_query",
    "Query": "_query",
    "QueryResult": "_query",
    "DeleteError": "_results",
    "DeleteResult": "_results",
    "FailedItem": "_results",
    "InstanceResult": "_results",
    "InstanceValidationError": "_results",
    "UpsertError": "_results",
    "UpsertResult": "_results",
    "InstanceIdLike": "_writes",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "API_PARAMETERS",
    "Aggregate",
    "AggregateArgs",
    "AggregateGroup",
    "AggregateGroups",
    "AggregateName",
    "AggregateSpec",
    "And",
    "AsyncDatapointsAPI",
    "AsyncFileNodeAPI",
    "AsyncFilesAPI",
    "AsyncInstanceAPI",
    "AsyncInstanceClient",
    "AsyncQuery",
    "AsyncTimeSeriesNodeAPI",
    "BooleanProperty",
    "Bucket",
    "ClassicFile",
    "ClassicResourceError",
    "ClassicTimeSeries",
    "Connection",
    "ConnectionEdges",
    "ContainsAll",
    "ContainsAny",
    "CountArgs",
    "Datapoint",
    "Datapoints",
    "DatapointsAPI",
    "DatapointsError",
    "DatapointsList",
    "Date",
    "DateProperty",
    "DeleteError",
    "DeleteResult",
    "DirectRelation",
    "DirectRelationListProperty",
    "DirectRelationProperty",
    "DirectRelationTo",
    "Edge",
    "EdgeConnection",
    "EdgeFields",
    "EdgeId",
    "EdgeIdLike",
    "EdgeWrite",
    "EnumProperty",
    "Equals",
    "Exists",
    "FailedDatapoints",
    "FailedItem",
    "FileContent",
    "FileIdLike",
    "FileNode",
    "FileNodeAPI",
    "FileRef",
    "FilesAPI",
    "Filter",
    "FloatProperty",
    "HasData",
    "Histogram",
    "In",
    "InstanceAPI",
    "InstanceClient",
    "InstanceIdLike",
    "InstanceList",
    "InstanceReferences",
    "InstanceResult",
    "InstanceValidationError",
    "IntProperty",
    "IterateArgs",
    "Json",
    "JsonObject",
    "JsonProperty",
    "LazyAPI",
    "ListArgs",
    "ListProperty",
    "MAX_FILTER_VALUES",
    "MatchAll",
    "Nested",
    "Node",
    "NodeFields",
    "NodeId",
    "NodeIdLike",
    "NodeWrite",
    "Not",
    "Or",
    "Overlaps",
    "Page",
    "PageArgs",
    "PagesArgs",
    "Prefix",
    "Property",
    "PropertyNotFetchedError",
    "Query",
    "QueryResult",
    "Range",
    "RetrieveList",
    "ReverseDirectRelation",
    "SearchArgs",
    "SequenceRef",
    "Sort",
    "SortArg",
    "StatArgs",
    "TextProperty",
    "TimeLike",
    "TimeSeriesIdLike",
    "TimeSeriesNode",
    "TimeSeriesNodeAPI",
    "TimeSeriesRef",
    "Timestamp",
    "TimestampProperty",
    "UpsertError",
    "UpsertResult",
    "ViewId",
    "as_edge_id",
    "as_node_id",
    "as_node_ids",
    "load_references",
    "unfetched_properties",
]
