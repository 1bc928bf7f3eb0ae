"""ModelRef: parsing "space:externalId/version", errors naming the bad part, safe file names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from pygen.generator.fetch import ModelRef, ModelRefError


def test_parse_and_str_round_trip() -> None:
    ref = ModelRef.parse("cdf_cdm:CogniteCore/v1")
    assert (ref.space, ref.external_id, ref.version) == ("cdf_cdm", "CogniteCore", "v1")
    assert str(ref) == "cdf_cdm:CogniteCore/v1"
    assert ModelRef.parse(str(ref)) == ref
    assert ModelRef.parse("  sp-1:My_Model/1.2.3  ") == ModelRef("sp-1", "My_Model", "1.2.3")


def test_as_id_and_from_model() -> None:
    ref = ModelRef.parse("sp:M/1")
    assert ref.as_id() == {"space": "sp", "externalId": "M", "version": "1"}
    assert ModelRef.from_model({"space": "sp", "externalId": "M", "version": "1", "views": []}) == ref


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected 'space:externalId/version'"),
        ("CogniteCore", "expected 'space:externalId/version'"),
        ("cdf_cdm:CogniteCore", "expected 'space:externalId/version'"),
        ("cdf_cdm/CogniteCore:v1", "expected 'space:externalId/version'"),
        (":CogniteCore/v1", "expected 'space:externalId/version'"),
        ("cdf_cdm:/v1", "expected 'space:externalId/version'"),
        ("cdf_cdm:CogniteCore/", "expected 'space:externalId/version'"),
        ("1sp:M/1", "space '1sp' is not valid"),
        ("sp:My-Model/1", "externalId 'My-Model' is not valid"),
        ("sp:M/1/2", "version '1/2' is not valid"),
        ("sp:M/..", "version '..' is not valid"),
        ("sp:M/v 1", "version 'v 1' is not valid"),
        ("sp:a:b/1", "externalId 'a:b' is not valid"),
    ],
)
def test_parse_errors_name_the_bad_part(text: str, message: str) -> None:
    with pytest.raises(ModelRefError, match="invalid data model reference") as info:
        ModelRef.parse(text)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(ModelRefError, match="must be a string like 'cdf_cdm:CogniteCore/v1', got int"):
        ModelRef.parse(42)  # type: ignore[arg-type]


def test_constructor_validates_too() -> None:
    with pytest.raises(ModelRefError, match="space '../etc' is not valid"):
        ModelRef("../etc", "M", "1")


def test_snapshot_filename_is_readable_and_safe() -> None:
    assert ModelRef.parse("cdf_cdm:CogniteCore/v1").snapshot_filename() == "cdf_cdm.CogniteCore.v1.json"
    assert ModelRef.parse("sp:M/1.2_a-b").snapshot_filename() == "sp.M.1.2_a-b.json"
    # Windows refuses CON.* even with an extension.
    assert ModelRef.parse("con:M/1").snapshot_filename() == "_con.M.1.json"


def test_snapshot_filenames_are_unique() -> None:
    # Neither space nor externalId may contain ".", so splitting on the first two dots is unambiguous.
    refs = ["a_b:c/1", "a:b_c/1", "a:b/c.1", "a:b/c_1", "a-b:c/1"]
    names = {ModelRef.parse(r).snapshot_filename() for r in refs}
    assert len(names) == len(refs)


def test_coerce() -> None:
    @dataclass
    class DataModelIdLike:
        space: str
        external_id: str
        version: str | None

    ref = ModelRef.parse("sp:M/1")
    assert ModelRef.coerce(ref) is ref
    assert ModelRef.coerce("sp:M/1") == ref
    assert ModelRef.coerce(DataModelIdLike("sp", "M", "1")) == ref
    with pytest.raises(ModelRefError, match="sp:M has no version"):
        ModelRef.coerce(DataModelIdLike("sp", "M", None))
    with pytest.raises(ModelRefError, match="got list"):
        ModelRef.coerce(["sp", "M", "1"])
