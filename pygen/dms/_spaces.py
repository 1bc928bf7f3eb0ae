"""Spaces, read (``Space``) and apply (``SpaceApply``) shapes."""

from __future__ import annotations

from ._base import CheckedApply, DMSModel
from ._refs import SpaceReference

__all__ = ["Space", "SpaceApply"]


class _SpaceFields(DMSModel):
    space: str
    name: str | None = None
    description: str | None = None

    def as_reference(self) -> SpaceReference:
        """The reference to this space."""
        return SpaceReference(self.space)


class SpaceApply(_SpaceFields, CheckedApply):
    """A space as sent in an apply request; the id, name and description are validated.

    Example:
        >>> SpaceApply(space="my_space", name="My space").dump()
        {'space': 'my_space', 'name': 'My space'}
    """


class Space(_SpaceFields):
    """A space as read from the API."""

    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    def as_write(self) -> SpaceApply:
        """The apply shape of this space."""
        return SpaceApply.model_validate(self._given("space", "name", "description"))
