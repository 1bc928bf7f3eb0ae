"""Settings of an emulator instance (shared by the CLI, the ASGI app and the test helpers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_TOKEN = "pygen-emulator"


@dataclass
class FaultSettings:
    """Share of ``/api/...`` requests answered with a fault, each rate in ``[0, 1]``.

    ``rate_drop`` closes the connection without carrying the request out; ``rate_lost`` carries it out
    (a write is stored) and then closes the connection instead of answering: the answer is lost after
    the server applied the request, as when a response times out or a proxy fails on the way back.

    Example:
        One request in five answered 429 without ``Retry-After``, the same ones on every run:

        >>> faults = FaultSettings(rate_429=0.2, retry_after=False, seed=1)
        >>> settings = EmulatorSettings(faults=faults)
    """

    rate_429: float = 0.0
    retry_after: bool = True
    rate_503: float = 0.0
    rate_slow: float = 0.0
    slow_seconds: float = 2.0
    rate_drop: float = 0.0
    rate_lost: float = 0.0
    seed: int | None = None


@dataclass
class EmulatorSettings:
    """How an emulator instance authenticates, where it stores data and what it loads at start.

    Example:
        >>> from pygen.emulator import create_app
        >>> snapshot = Path("example_project/snapshots/cdf_cdm.CogniteCore.v1.json")
        >>> settings = EmulatorSettings(token="t", model_files=[snapshot])
        >>> app = create_app(settings)
        >>> settings.static_token()
        't'
    """

    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    db_path: str | None = None
    model_files: Sequence[Path | str] = ()
    instance_files: Sequence[Path | str] = ()
    faults: FaultSettings = field(default_factory=FaultSettings)
    token_ttl_seconds: int = 300

    def static_token(self) -> str | None:
        """The token accepted without an OAuth exchange (the default one when nothing is configured)."""
        if self.token is not None:
            return self.token
        if self.client_id is None and self.client_secret is None:
            return DEFAULT_TOKEN
        return None
