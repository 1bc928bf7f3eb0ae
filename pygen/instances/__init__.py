"""pygen's typed instance runtime: the bases generated SDKs extend (see README.md in this folder).

Per view, a generated SDK declares a read class (:class:`Node`/:class:`Edge`), a write class
(:class:`NodeWrite`/:class:`EdgeWrite`), a ``Fields`` class of typed filter builders, and an
:class:`InstanceAPI`/:class:`AsyncInstanceAPI` subclass. Everything else lives here.

Example:
    ```python
    from pygen.instances import InstanceClient
    from pygen.transport import ClientConfig, Token

    client = InstanceClient(ClientConfig("my-project", Token(token)), instance_space="my_space")
    client.upsert(PumpWrite(external_id="pump42", name="P-42"))
    ```
"""

from pygen.instances._api import AsyncInstanceAPI, InstanceAPI
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
    ReverseDirectRelation,
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
from pygen.instances._types import Date, Json, Timestamp
from pygen.instances._view import AggregateGroup, AggregateName, Bucket, Page, RetrieveList, SortArg

__all__ = [
    "AggregateGroup",
    "AggregateName",
    "And",
    "AsyncInstanceAPI",
    "AsyncInstanceClient",
    "BooleanProperty",
    "Bucket",
    "Connection",
    "ContainsAll",
    "ContainsAny",
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
    "FailedItem",
    "Filter",
    "FloatProperty",
    "HasData",
    "In",
    "InstanceAPI",
    "InstanceClient",
    "InstanceList",
    "InstanceReferences",
    "InstanceResult",
    "InstanceValidationError",
    "IntProperty",
    "Json",
    "JsonProperty",
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
    "Prefix",
    "Property",
    "Range",
    "RetrieveList",
    "ReverseDirectRelation",
    "Sort",
    "SortArg",
    "TextProperty",
    "Timestamp",
    "TimestampProperty",
    "UpsertError",
    "UpsertResult",
    "ViewId",
    "as_edge_id",
    "as_node_id",
    "as_node_ids",
]
