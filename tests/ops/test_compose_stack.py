"""docker-compose.yml, the Dockerfile and docker/ agree with the code: every role, command, module
and setting they name exists. (This machine has no Docker engine; this is what can be checked.)"""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
OUR_SERVICES = {"web", "worker", "beat", "emulator"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def settings_read() -> set[str]:
    """Every environment variable a settings module reads through envconf."""
    names: set[str] = set()
    for path in (ROOT / "voiphistory").rglob("settings.py"):
        names |= set(re.findall(r'env_\w+\(\s*"([A-Z0-9_]+)"', path.read_text()))
    return names


def env_example() -> set[str]:
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))


def test_services_profiles_and_volumes(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "redis", "postgres", "emulator"} <= set(services)
    assert services["emulator"]["profiles"] == ["demo"]
    assert all("healthcheck" in service for service in services.values())
    assert {"postgres-data", "exports", "audio-cache", "emulator-data"} <= set(compose["volumes"])
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source in compose["volumes"], f"{name} mounts undeclared volume {source}"
    for name in ("web", "worker"):
        mounts = {v.split(":")[1] for v in services[name]["volumes"]}
        environment = services[name]["environment"]
        assert environment["EXPORT_DIR"] in mounts and environment["AUDIO_CACHE_DIR"] in mounts
        assert environment["AUDIT_SPOOL_DIR"] in mounts  # spooled audit events survive a restart
        # replicas share state through the database, Redis (cache, broker) and the volumes only
        assert environment["REDIS_URL"].startswith("redis://redis:")
        assert environment["DATABASE_URL"].startswith("postgres://")


def test_every_role_the_compose_file_runs_is_handled_by_the_entrypoint(compose):
    roles = set(re.findall(r"^\s{2}([a-z]+)\)$", ENTRYPOINT.read_text(), re.MULTILINE))
    for name in OUR_SERVICES:
        assert compose["services"][name]["command"][0] in roles, name


def test_every_command_and_module_the_entrypoint_runs_exists():
    script = ENTRYPOINT.read_text()
    for command in re.findall(r"python manage\.py (\w+)", script):
        assert command in get_commands(), command
    emulator_commands = {p.stem for p in (ROOT / "voiphistory/emulator/management/commands").glob("*.py")} | {
        "migrate"
    }
    for command in re.findall(r"python -m voiphistory\.emulator (\w+)", script):
        assert command in emulator_commands, command
    for module, attribute in re.findall(r"gunicorn ([\w.]+):(\w+)", script):
        assert importlib.util.find_spec(module), module
        assert re.search(rf"^{attribute}\s*=", (ROOT / (module.replace(".", "/") + ".py")).read_text(), re.M)
    for app in re.findall(r"celery -A ([\w.]+)", script):
        assert importlib.import_module(f"{app}.celery").app.main == "voiphistory"


def test_health_checks_name_roles_the_script_knows(compose):
    script = (ROOT / "docker" / "healthcheck.py").read_text()
    compile(script, "healthcheck.py", "exec")
    roles = set(re.search(r"ROLES = \{(.*)\}", script).group(1).replace('"', "").replace(" ", "").split(","))
    roles = {r.split(":")[0] for r in roles}
    for name in OUR_SERVICES:
        test = compose["services"][name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "docker/healthcheck.py"] and test[3] in roles and test[3] == name


def test_every_variable_it_sets_is_read_by_settings_or_documented(compose):
    known = settings_read() | env_example()
    for name in OUR_SERVICES:
        for variable in compose["services"][name]["environment"]:
            assert variable in known, f"{name} sets {variable}, which nothing reads"
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in re.findall(r"\$\{([A-Z0-9_]+)", text):
        assert variable in env_example(), (
            f"docker-compose.yml interpolates {variable}, missing from .env.example"
        )
    for variable in re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", ENTRYPOINT.read_text()):
        assert variable in env_example(), f"entrypoint reads {variable}, missing from .env.example"


def test_settings_variables_are_all_in_env_example():
    missing = settings_read() - env_example()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_dockerfile_one_slim_image_non_root_with_the_entrypoint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.13-slim$", dockerfile, re.M)
    user = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert user and user[-1] not in {"root", "0"}
    assert 'ENTRYPOINT ["docker/entrypoint.sh"]' in dockerfile
    assert "requirements.txt" in dockerfile


def test_entrypoint_parses_and_runs_under_plain_bash():
    assert subprocess.run(["bash", "-n", str(ENTRYPOINT)], capture_output=True).returncode == 0
    passthrough = subprocess.run(
        ["bash", str(ENTRYPOINT), "echo", "ran"], capture_output=True, text=True, cwd=ROOT
    )
    assert passthrough.returncode == 0 and passthrough.stdout.strip() == "ran"


# `docker compose config` would validate the file, but this machine's Docker client has no compose
# plugin (and Debian's docker-compose 1.x refuses `depends_on: required`): these checks stand in for
# it on what the product relies on, and fail, not skip, wherever the file is wrong.
INTERPOLATION = re.compile(r"\$(?:\$|\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\})")


def test_only_known_top_level_keys_and_every_service_has_an_image(compose):
    assert set(compose) - {"services", "volumes"} == {"x-app"}
    for name, service in compose["services"].items():
        assert isinstance(service.get("image"), str) and ":" in service["image"], name
        assert service["restart"] == "unless-stopped", name
    for name in OUR_SERVICES:  # one image, built from this repository, for every role
        assert (compose["services"][name]["build"], compose["services"][name]["image"]) == (
            ".",
            "voiphistory:latest",
        )


def test_every_interpolation_is_well_formed_and_the_secrets_are_required():
    text = (ROOT / "docker-compose.yml").read_text()
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        leftover = INTERPOLATION.sub("", line)
        assert "$" not in leftover, f"not a compose interpolation: {line.strip()}"
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    assert required == {"SECRET_KEY", "POSTGRES_PASSWORD"}


def test_start_order_waits_for_healthy_dependencies(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]
        assert needs["postgres"] == {"condition": "service_healthy"}, name
        assert needs["redis"] == {"condition": "service_healthy"}, name
        assert needs["emulator"] == {"condition": "service_healthy", "required": False}, (
            name
        )  # demo profile only
    for name in ("worker", "beat"):  # web applies the migrations before they start
        assert services[name]["depends_on"]["web"] == {"condition": "service_healthy"}, name


def test_the_app_reaches_postgres_redis_and_the_emulator_by_their_service_names(compose):
    services = compose["services"]
    environment = services["web"]["environment"]
    postgres = services["postgres"]["environment"]
    password = postgres["POSTGRES_PASSWORD"]  # the same interpolation on both sides
    assert password in environment["DATABASE_URL"]
    database = urlsplit(environment["DATABASE_URL"].replace(password, "pw"))
    assert (database.hostname, database.port, database.path) == (
        "postgres",
        5432,
        "/" + postgres["POSTGRES_DB"],
    )
    assert (database.username, database.password) == (postgres["POSTGRES_USER"], "pw")
    assert services["postgres"]["healthcheck"]["test"] == [
        "CMD",
        "pg_isready",
        "-U",
        postgres["POSTGRES_USER"],
        "-d",
        postgres["POSTGRES_DB"],
    ]
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis" and services["redis"]["healthcheck"][
        "test"
    ] == ["CMD", "redis-cli", "ping"]
    assert "--appendonly" in services["redis"]["command"]  # queued jobs survive a Redis restart
    default_api = re.fullmatch(r"\$\{VOIPSTUDIO_BASE_URL:-(\S+)\}", environment["VOIPSTUDIO_BASE_URL"])[1]
    assert urlsplit(default_api).hostname == "emulator"
    assert urlsplit(default_api).path == "/v1.2/voipstudio"
    assert all(
        services[name]["environment"]["VOIPSTUDIO_BASE_URL"] == environment["VOIPSTUDIO_BASE_URL"]
        for name in ("worker", "beat")
    )
    assert services["web"]["ports"] == ["${WEB_PORT:-8000}:8000"] and all(
        "ports" not in services[n] for n in ("worker", "beat", "redis", "postgres")
    )


def test_every_healthcheck_has_a_timeout_under_its_interval(compose):
    for name, service in compose["services"].items():
        check = service["healthcheck"]
        assert check["test"][0] == "CMD" and check["retries"] >= 3, name
        assert _seconds(check["timeout"]) < _seconds(check["interval"]), name


def test_readme_configuration_table_names_every_variable():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Connecting to the real VoIPstudio")]
    missing = sorted(name for name in env_example() if f"`{name}`" not in table)
    assert not missing, f"add to README's Configuration table: {missing}"


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, f"write stop_grace_period in seconds, not {duration!r}"
    return int(match[1])


def test_stopping_waits_for_gunicorn_and_celery_to_shut_down_gracefully(compose):
    services = compose["services"]
    graceful = int(re.search(r"--graceful-timeout (\d+)", ENTRYPOINT.read_text())[1])
    assert _seconds(services["web"]["stop_grace_period"]) > graceful
    assert _seconds(services["worker"]["stop_grace_period"]) >= 60
    assert _seconds(services["beat"]["stop_grace_period"]) >= 10


def test_the_image_leaves_the_development_tools_out():
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {"devstack", "tests", "bench"} <= ignored
    assert not list((ROOT / "voiphistory").glob("devstack*"))  # `make run` lives outside the product package
