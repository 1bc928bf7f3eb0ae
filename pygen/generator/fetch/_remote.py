"""Fetching one data model version from CDF as the raw API JSON a snapshot holds.

Raw JSON on purpose: ``pygen.dms.DataModel.dump()`` adds discriminator keys (``"type"``) the API did
not send, and a snapshot must be exactly what the API returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygen.generator.fetch._errors import ModelNotFoundError, SnapshotError
from pygen.generator.fetch._ref import ModelRef, ModelRefLike
from pygen.generator.fetch._snapshot import check_model

if TYPE_CHECKING:
    from pygen.transport import HTTPClient

__all__ = ["fetch_model"]


def fetch_model(client: HTTPClient, ref: ModelRefLike) -> dict[str, Any]:
    """Retrieve ``ref`` with its views inline (``/models/datamodels/byids?inlineViews=true``) and check it.

    Raises :class:`ModelNotFoundError` when the project has no such model version, the transport's
    ``APIError`` tree for HTTP failures, and :class:`SnapshotError` when the answer is not a data model.

    Example:
        From the emulator with the example project's model, run in process in place of CDF:

        >>> from pygen.emulator import DEFAULT_TOKEN, EmulatorSettings, create_app
        >>> from pygen.emulator.testing import SyncASGITransport
        >>> from pygen.transport import ClientConfig, HTTPClient, Token
        >>> snapshot = "example_project/snapshots/cdf_cdm.CogniteCore.v1.json"
        >>> emulator = SyncASGITransport(create_app(EmulatorSettings(model_files=[snapshot])))
        >>> config = ClientConfig("my-project", Token(DEFAULT_TOKEN), base_url="http://emulator")
        >>> with HTTPClient(config, transport=emulator) as client:
        ...     model = fetch_model(client, "cdf_cdm:CogniteCore/v1")
        >>> model["externalId"], len(model["views"])
        ('CogniteCore', 33)
    """
    want = ModelRef.coerce(ref)
    config = client.config
    where = f"project {config.project!r} at {config.base_url}"
    response = client.request(
        "POST",
        "/models/datamodels/byids",
        json={"items": [want.as_id()]},
        params={"inlineViews": "true"},
        kind="read",
    )
    source = f"data model {want} from {where}"
    try:
        body = response.json()
    except ValueError:
        raise SnapshotError(f"{source}: the response is not JSON") from None
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise SnapshotError(f"{source}: the response has no 'items' list")
    # byids omits ids it does not know instead of answering 404.
    matching = [item for item in items if isinstance(item, dict) and _ref_of(item) == want]
    if not matching:
        raise ModelNotFoundError(
            f"data model {want} not found in {where}; check the space, externalId and version "
            "(and that the credentials may read that space)"
        )
    return check_model(matching[0], source=source)


def _ref_of(item: dict[str, Any]) -> ModelRef | None:
    try:
        return ModelRef.from_model(item)
    except Exception:  # noqa: BLE001 - a malformed item simply does not match
        return None
