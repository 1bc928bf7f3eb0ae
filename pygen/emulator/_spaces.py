"""The space endpoints: apply, list, byids and delete (a space is deleted only when nothing is left in it)."""

from __future__ import annotations

from typing import Any

from pygen.emulator._catalog import SchemaCatalog, skey
from pygen.emulator._errors import bad_request
from pygen.emulator._ids import as_dict, check_new_space, check_space, items_of
from pygen.emulator._normalize import opt_text


def _drop_none(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if value is not None}


class SpaceService(SchemaCatalog):
    """``/spaces``."""

    def apply_spaces(self, body: dict[str, Any], *, is_global: bool = False) -> list[dict[str, Any]]:
        items = items_of(body, 100)
        prepared = []
        for index, raw in enumerate(items):
            where = f"items[{index}]"
            item = as_dict(raw, where)
            space = check_new_space(item.get("space"), where)
            spec: dict[str, Any] = {
                "space": space,
                "name": opt_text(item, "name", 255, where),
                "description": opt_text(item, "description", 1024, where),
            }
            prepared.append(spec)
        self._no_duplicates("spaces", [{"space": str(spec["space"])} for spec in prepared])
        out = []
        with self.store.transaction():
            for spec in prepared:
                out.append(self._upsert("space", skey(str(spec["space"])), _drop_none(spec), is_global))
        return out

    def list_spaces(self, params: dict[str, str]) -> dict[str, Any]:
        objs = [obj for obj in self.store.schema["space"].values() if self._global_ok(obj, params)]
        return self._list("space", params, objs)

    def spaces_byids(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for index, raw in enumerate(items_of(body, 100)):
            space = check_space(as_dict(raw, f"items[{index}]").get("space"), f"items[{index}]")
            obj = self.space(space)
            if obj is not None:
                out.append(obj)
        return out

    def delete_spaces(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        spaces = []
        for index, raw in enumerate(items_of(body, 100)):
            spaces.append(check_space(as_dict(raw, f"items[{index}]").get("space"), f"items[{index}]"))
        out = []
        with self.store.transaction():
            for space in spaces:
                if self.space(space) is None:
                    continue
                used = any(
                    obj["space"] == space
                    for kind in ("container", "view", "datamodel")
                    for obj in self.store.schema[kind].values()
                )
                if used or self.store.space_has_instances(space):
                    raise bad_request(
                        f"Space {space} is not empty: delete its containers, views, data models and instances first"
                    )
                self.store.delete_schema("space", skey(space))
                out.append({"space": space})
        self._invalidate()
        return out
