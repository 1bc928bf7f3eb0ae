"""The data model endpoints: apply (views defined inline are applied as views first), list and byids, with
the views inlined on request. Deleting is shared with views (``SchemaCatalog.delete_versioned``)."""

from __future__ import annotations

from typing import Any

from pygen.emulator._catalog import skey
from pygen.emulator._errors import bad_request
from pygen.emulator._ids import as_dict, as_list, check_schema_xid, check_space, check_version, items_of, view_ref
from pygen.emulator._normalize import normalize_view_reference, opt_text
from pygen.emulator._params import bool_param
from pygen.emulator._views import ViewService, normalize_view


class DataModelService(ViewService):
    """``/datamodels``; extends :class:`ViewService` because a data model may define its views inline."""

    def apply_datamodels(
        self, body: dict[str, Any], *, is_global: bool = False, stamp: int | None = None
    ) -> list[dict[str, Any]]:
        items = items_of(body, 100)
        specs = []
        inline: list[dict[str, Any]] = []
        for index, raw in enumerate(items):
            where = path = f"items[{index}]"
            item = as_dict(raw, where)
            space = check_space(item.get("space"), where)
            xid = check_schema_xid(item.get("externalId"), where, new=True)
            version = check_version(item.get("version"), where)
            where = f"{where} ({space}:{xid}/{version})"
            views = []
            for vindex, vraw in enumerate(as_list(item.get("views") or [], f"{where}.views")):
                vwhere = f"{path}.views[{vindex}]"
                view = as_dict(vraw, vwhere)
                if view.get("type") == "view" or ("properties" not in view and "implements" not in view):
                    views.append(normalize_view_reference(view, vwhere))
                else:
                    spec = normalize_view(view, vwhere)
                    inline.append(spec)
                    views.append(view_ref((spec["space"], spec["externalId"], spec["version"])))
            if len(views) > 100:
                raise bad_request(f"{where}: a data model has at most 100 views")
            spec_dm: dict[str, Any] = {"space": space, "externalId": xid, "version": version}
            for key, limit in (("name", 255), ("description", 1024)):
                text = opt_text(item, key, limit, path)
                if text is not None:
                    spec_dm[key] = text
            spec_dm["views"] = views
            specs.append((where, spec_dm))
        self._no_duplicates(
            "data models",
            [{"space": s["space"], "externalId": s["externalId"], "version": s["version"]} for _, s in specs],
        )
        self.require_writable_spaces({spec["space"] for _, spec in specs}, is_global)
        with self.store.transaction():
            if inline:
                self._apply_view_specs(inline, is_global=is_global, stamp=stamp)
            for where, spec in specs:
                for ref in spec["views"]:
                    self.require_view(ref, where)
            out = [
                self._upsert(
                    "datamodel", skey(spec["space"], spec["externalId"], spec["version"]), spec, is_global, stamp
                )
                for _, spec in specs
            ]
        return out

    def datamodel_read(self, obj: dict[str, Any], inline: bool) -> dict[str, Any]:
        if not inline:
            return obj
        views = []
        for ref in obj["views"]:
            key = (ref["space"], ref["externalId"], ref["version"])
            views.append(self.view_read(key) if self.view_raw(key) is not None else ref)
        return {**obj, "views": views}

    def list_datamodels(self, params: dict[str, str]) -> dict[str, Any]:
        space = params.get("space")
        raws = [
            obj
            for obj in self.store.schema["datamodel"].values()
            if self._global_ok(obj, params) and (space is None or obj["space"] == space)
        ]
        if not bool_param(params, "allVersions", False):
            raws = self._latest_only(raws)
        page = self._list("datamodel", params, raws)
        inline = bool_param(params, "inlineViews", False)
        page["items"] = [self.datamodel_read(obj, inline) for obj in page["items"]]
        return page

    def datamodels_byids(self, body: dict[str, Any], inline: bool) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for index, raw in enumerate(items_of(body, 100)):
            out.extend(self.datamodel_read(obj, inline) for obj in self._versions("datamodel", raw, f"items[{index}]"))
        return out
