"""Every ``[tool.pygen]`` problem gives one message in the template ``pyproject.toml: [table] `key` ...``."""

from __future__ import annotations

from pathlib import Path

import pytest
from _hatch_support import load_model, make_project, run_hook

from pygen.generator.config import DEFAULT_SNAPSHOTS, ConfigError, load_config, parse_config

MODELS = 'models = ["sp_pygen_models:OmniSub/1"]\n'
CDF = '[tool.pygen.cdf]\ncluster = "westeurope-1"\nproject = "p"\n'
EXPECTED_MODELS = 'a list of "space:externalId/version" strings, e.g. ["cdf_cdm:CogniteCore/v1"]'

CASES = [
    ("models-type", "models = 42", f"pyproject.toml: [tool.pygen] `models` must be {EXPECTED_MODELS}, got 42"),
    (
        "models-missing",
        'package = "x"',
        f"pyproject.toml: [tool.pygen] `models` is missing; it must be {EXPECTED_MODELS}",
    ),
    (
        "models-empty",
        "models = []",
        f"`models` must be {EXPECTED_MODELS}, got [] (the list is empty)",
    ),
    ("models-item-type", 'models = ["a:b/c", 1]', f'`models` must be {EXPECTED_MODELS}, got ["a:b/c", 1]'),
    (
        "models-bad-ref",
        'models = ["cdf_cdm:CogniteCore"]',
        "got [\"cdf_cdm:CogniteCore\"] (invalid data model reference 'cdf_cdm:CogniteCore': "
        "expected 'space:externalId/version'",
    ),
    ("models-bad-part", 'models = ["cdf cdm:CogniteCore/v1"]', "space 'cdf cdm' is not valid"),
    ("models-twice", 'models = ["a:b/1", "a:b/1"]', "(lists it twice; give each data model once)"),
    (
        "models-two-versions",
        'models = ["a:b/1", "a:b/2"]',
        "(pins two versions (a:b/1 and a:b/2); give each data model once)",
    ),
    (
        "unknown-key",
        MODELS + 'modle = "x"',
        "pyproject.toml: [tool.pygen] `modle` is not a known key (did you mean `models`?); "
        "known keys: cdf, client-name, instance-space, model-files, models, package, snapshots, view-names",
    ),
    ("unknown-key-no-match", MODELS + "zzz = 1", "pyproject.toml: [tool.pygen] `zzz` is not a known key; known keys:"),
    ("underscore-key", MODELS + 'client_name = "C"', "`client_name` is not a known key (did you mean `client-name`?)"),
    (
        "package-type",
        MODELS + "package = 42",
        'pyproject.toml: [tool.pygen] `package` must be a Python package name (an identifier such as "my_sdk"), got 42',
    ),
    (
        "package-dash",
        MODELS + 'package = "my-sdk"',
        "got \"my-sdk\" (use letters, digits and '_', not starting with a digit)",
    ),
    ("package-keyword", MODELS + 'package = "class"', "got \"class\" ('class' is a Python keyword)"),
    (
        "package-stdlib",
        MODELS + 'package = "json"',
        'got "json" (it is a module of Python\'s standard library (json); the SDK would hide it)',
    ),
    ("package-pygen", MODELS + 'package = "pygen"', 'got "pygen" (it is one of pygen\'s own packages (pygen))'),
    (
        "client-name",
        MODELS + 'client-name = "1Client"',
        "pyproject.toml: [tool.pygen] `client-name` must be a Python class name",
    ),
    (
        "instance-space",
        MODELS + 'instance-space = "my space"',
        "pyproject.toml: [tool.pygen] `instance-space` must be a DMS space id",
    ),
    (
        "snapshots-type",
        MODELS + "snapshots = 1",
        "pyproject.toml: [tool.pygen] `snapshots` must be a relative folder inside the project",
    ),
    (
        "snapshots-absolute",
        MODELS + 'snapshots = "/tmp/x"',
        "(it must be relative to the project, so that it travels in the sdist)",
    ),
    ("snapshots-parent", MODELS + 'snapshots = "../elsewhere"', "(it must stay inside the project (no '..')"),
    ("snapshots-dot", MODELS + 'snapshots = "."', "(it must name a folder"),
    (
        "cdf-type",
        MODELS + "cdf = 42",
        "pyproject.toml: [tool.pygen] `cdf` must be a table ([tool.pygen.cdf]) with the CDF connection, got 42",
    ),
    (
        "cdf-project-missing",
        MODELS + '[tool.pygen.cdf]\ncluster = "westeurope-1"\n',
        'pyproject.toml: [tool.pygen.cdf] `project` is missing; it must be the CDF project name, e.g. "my-project"',
    ),
    (
        "cdf-project-bad",
        MODELS + '[tool.pygen.cdf]\ncluster = "westeurope-1"\nproject = "my project"\n',
        "pyproject.toml: [tool.pygen.cdf] `project` must be the CDF project name",
    ),
    (
        "cdf-no-cluster",
        MODELS + '[tool.pygen.cdf]\nproject = "p"\n',
        'pyproject.toml: [tool.pygen.cdf] `cluster` is missing; set `cluster` (e.g. "westeurope-1") or `base-url`',
    ),
    (
        "cdf-both",
        MODELS + CDF + 'base-url = "https://x.example.com"\n',
        "pyproject.toml: [tool.pygen.cdf] `base-url` must be left out when `cluster` is set",
    ),
    (
        "cdf-cluster-host",
        MODELS + '[tool.pygen.cdf]\ncluster = "westeurope-1.cognitedata.com"\nproject = "p"\n',
        "looks like a host or URL: give the cluster name only (e.g. 'westeurope-1'), "
        "or pass the full URL as `base-url`",
    ),
    (
        "cdf-base-url",
        MODELS + '[tool.pygen.cdf]\nbase-url = "ftp://x"\nproject = "p"\n',
        "pyproject.toml: [tool.pygen.cdf] `base-url` must be the cluster URL",
    ),
    (
        "cdf-unknown",
        MODELS + CDF + 'clientid = "x"\n',
        "pyproject.toml: [tool.pygen.cdf] `clientid` is not a known key (did you mean `client-id`?)",
    ),
    (
        "cdf-no-tenant",
        MODELS + CDF + 'client-id = "c"\n',
        "pyproject.toml: [tool.pygen.cdf] `tenant-id` is missing; "
        "with `client-id` set `tenant-id` (Entra ID) or `token-url`",
    ),
    (
        "cdf-tenant-and-url",
        MODELS + CDF + 'client-id = "c"\ntenant-id = "t"\ntoken-url = "https://idp/token"\n',
        "`token-url` must be left out when `tenant-id` is set",
    ),
    (
        "cdf-tenant-without-client",
        MODELS + CDF + 'tenant-id = "t"\n',
        "pyproject.toml: [tool.pygen.cdf] `tenant-id` is only used with `client-id`",
    ),
    (
        "cdf-scopes-empty",
        MODELS + CDF + 'client-id = "c"\ntenant-id = "t"\nscopes = []\n',
        "pyproject.toml: [tool.pygen.cdf] `scopes` must be a list of OAuth scope strings, got []",
    ),
    (
        "cdf-scopes-type",
        MODELS + CDF + 'client-id = "c"\ntenant-id = "t"\nscopes = "a"\n',
        '`scopes` must be a list of OAuth scope strings, got "a"',
    ),
    (
        "cdf-token-url",
        MODELS + CDF + 'client-id = "c"\ntoken-url = "idp/token"\n',
        "`token-url` must be the OAuth token URL",
    ),
    (
        "cdf-client-id-blank",
        MODELS + CDF + 'client-id = " "\ntenant-id = "t"\n',
        '`client-id` must be the OAuth client id (a string), got " " (it is empty)',
    ),
]


@pytest.mark.parametrize(("case", "toml", "message"), CASES, ids=[case[0] for case in CASES])
def test_config_errors_from_the_hook(tmp_path: Path, case: str, toml: str, message: str) -> None:
    root = make_project(tmp_path / "p", "[tool.pygen]\n" + toml + "\n")
    with pytest.raises(ConfigError) as info:
        run_hook(root)
    assert message in str(info.value)
    assert str(info.value).startswith("pyproject.toml: [tool.pygen")


PACKAGE_KEY = 'pyproject.toml: [tool.pygen] `package` must be a Python package name (an identifier such as "my_sdk")'
OVERWRITE = "installing the SDK would overwrite it, and uninstalling the SDK would delete it"


@pytest.mark.parametrize(
    ("package", "reason"),
    [
        (
            "pydantic_core",
            f"it is the import package of 'pydantic-core', which the runtime (cognite-pygen-runtime) "
            f"depends on: {OVERWRITE}",
        ),
        ("typing_extensions", "it is the import package of 'typing-extensions', which the runtime"),
        ("httpcore", "it is the import package of 'httpcore', which the runtime (cognite-pygen-runtime) depends on"),
        ("annotated_types", "it is the import package of 'annotated-types', which the runtime"),
        ("jinja2", "it is the import package of 'jinja2', which the runtime"),
        ("pip", f"it is the import package of the build tool 'pip': {OVERWRITE}"),
        ("setuptools", "it is the import package of the build tool 'setuptools'"),
        ("hatchling", "it is the import package of the build tool 'hatchling'"),
        ("packaging", "it is the import package of the build tool 'packaging'"),
        ("sitecustomize", "it is the module Python's `site` imports at every start-up (sitecustomize)"),
        ("usercustomize", "(usercustomize)"),
        ("test", "it is the standard library's regression-test package, and a folder many distributions ship"),
        ("tests", "it is a folder many distributions ship by mistake (tests)"),
        ("__init__", "it is a dunder name, which Python reserves"),
        ("__main__", "it is a dunder name"),
        ("tomllib", "it is a module of Python's standard library (tomllib)"),  # 3.11+: refused on 3.10 too
        ("distutils", "(distutils)"),  # gone in 3.12: refused there too
        ("pygen_hatch", "it is one of pygen's own packages (pygen_hatch)"),
        ("Pydantic", "it is the import package of 'pydantic'"),  # macOS and Windows file systems ignore case
    ],
)
def test_package_may_not_name_another_distributions_package(tmp_path: Path, package: str, reason: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f'[tool.pygen]\n{MODELS}package = "{package}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, source="pyproject.toml")
    assert str(info.value).startswith(f'{PACKAGE_KEY}, got "{package}" (it is ') and reason in str(info.value)
    assert len(str(info.value).splitlines()) == 1


def test_package_names_of_the_runtimes_dependencies_come_from_its_metadata() -> None:
    from importlib import metadata

    from pygen.generator._package_names import runtime_imports

    names = runtime_imports()
    # Every requirement the installed runtime declares (all extras) is refused under its import name.
    for text in metadata.requires("cognite-pygen-runtime") or []:
        dist = text.split(";")[0].split("[")[0].split("<")[0].split(">")[0].split("=")[0].strip().lower()
        assert dist.replace("-", "_") in names or dist == "pyyaml", dist
    assert {"pydantic_core", "httpcore", "h11", "anyio", "idna", "certifi", "markupsafe", "yaml"} <= set(names)
    for name in ("my_sdk", "cognite_core", "omni_sdk", "acme"):
        assert parse_config({"models": ["a:b/1"], "package": name}).package == name


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"models": 1, "package": 2, "snapshot": "x"})
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert all(line.startswith("pyproject.toml: [tool.pygen] `") for line in lines)


@pytest.mark.parametrize("key", ["client-secret", "secret", "token", "password"])
def test_a_secret_in_pyproject_is_refused_without_echoing_it(key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"models": ["a:b/1"], "cdf": {"cluster": "api", "project": "p", key: "hunter2-secret"}})
    text = str(info.value)
    assert f"pyproject.toml: [tool.pygen.cdf] `{key}` must not be in pyproject.toml" in text
    assert "PYGEN_CLIENT_SECRET" in text and "keyring set" in text
    assert "hunter2" not in text


def test_a_password_in_the_base_url_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({"models": ["a:b/1"], "cdf": {"base-url": "https://me:hunter2@x.example.com", "project": "p"}})
    assert "hunter2" not in str(info.value)
    assert "`base-url`" in str(info.value)


def test_missing_table_and_broken_toml(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.pygen\] is missing; add it"):
        run_hook(root)
    (root / "pyproject.toml").write_text("[tool.pygen\nmodels = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="pyproject.toml: not valid TOML"):
        run_hook(root)
    with pytest.raises(ConfigError, match=r"\[tool.pygen\] must be a table"):
        parse_config(["x"])
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nowhere")


def test_hook_table_takes_only_hatch_options(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", "[tool.pygen]\n" + MODELS)
    with pytest.raises(ConfigError) as info:
        run_hook(root, hook_config={"models": ["a:b/1"]})
    assert str(info.value).startswith(
        "pyproject.toml: [tool.hatch.build.targets.wheel.hooks.pygen] `models` is not an option of the pygen hook; "
        "configure pygen in the [tool.pygen] table"
    )


def test_valid_config_and_defaults(tmp_path: Path) -> None:
    config = parse_config(
        {
            "models": [" cdf_cdm:CogniteCore/v1", "sp:Other/2"],
            "package": "my_sdk",
            "client-name": "MyClient",
            "instance-space": "my-space",
            "cdf": {"base-url": "HTTPS://X.Example.com/", "project": "p", "client-id": "c", "token-url": "https://i/t"},
        }
    )
    assert config.models == ["cdf_cdm:CogniteCore/v1", "sp:Other/2"]
    assert [str(ref) for ref in config.refs] == config.models
    assert config.snapshots == DEFAULT_SNAPSHOTS == "pygen-snapshots"
    assert config.cdf is not None and config.cdf.base_url == "https://x.example.com"
    assert (
        config.snapshot_file(tmp_path, config.refs[0]) == tmp_path / "pygen-snapshots" / "cdf_cdm.CogniteCore.v1.json"
    )
    cluster = parse_config({"models": ["a:b/1"], "cdf": {"cluster": "westeurope-1", "project": "p"}})
    assert cluster.cdf is not None and cluster.cdf.base_url == "https://westeurope-1.cognitedata.com"
    assert parse_config({"models": ["a:b/1"], "snapshots": "models\\snaps"}).snapshots == "models/snaps"


def test_example_project_config_is_valid() -> None:
    from _hatch_support import EXAMPLE_PROJECT

    config = load_config(EXAMPLE_PROJECT)
    assert config.models == ["cdf_cdm:CogniteCore/v1"]
    assert config.snapshot_file(EXAMPLE_PROJECT, config.refs[0]).is_file()


def test_generated_package_must_not_clash_with_own_code(tmp_path: Path) -> None:
    model = load_model("OmniSub")
    root = make_project(
        tmp_path / "p", "[tool.pygen]\n" + MODELS + 'package = "demo_tools"\n', snapshots={DEFAULT_SNAPSHOTS: model}
    )
    with pytest.raises(ConfigError) as info:
        run_hook(root)
    assert str(info.value).startswith(
        'pyproject.toml: [tool.pygen] `package` must name a package the project does not have, got "demo_tools" '
        "(src/demo_tools exists"
    )
