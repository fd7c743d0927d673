"""Metadata and configuration, read from the manifest: the code never repeats them.

`/metadata` answers METADATA, which is plugin.json's `metadata`, so the two cannot
differ. plugin.json is generated from plugin.yaml: after editing plugin.yaml, run
`npx loom-plugin sync` (`loom-plugin dev` does it on save). CONFIG_SCHEMA drives the
validation in `/initialize`, so a field added to the manifest is validated the way it
is declared.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping

from .errors import PluginError

MANIFEST = Path(__file__).resolve().parent.parent / "plugin.json"


def _load_metadata(path: Path) -> Dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["metadata"]
    except FileNotFoundError:
        raise SystemExit(f"{path} is missing: run `npx loom-plugin sync` to write it from plugin.yaml") from None


METADATA: Dict[str, Any] = _load_metadata(MANIFEST)
CONFIG_SCHEMA: List[Dict[str, Any]] = METADATA.get("config_schema", [])
STREAMING: bool = bool(METADATA.get("capabilities", {}).get("streaming", False))


# A validated /initialize body: field name -> value, exactly the manifest's fields (the
# upstream adapter reads the ones its provider needs).
Config = Dict[str, Any]


def env_name(field: str) -> str:
    """Where a value comes from when /initialize leaves it out (the Loom host sends {})."""
    return "LOOM_CONFIG_" + field.upper()


def _invalid(message: str) -> PluginError:
    return PluginError("invalid_request", message)


def _from_env(field: Dict[str, Any], raw: str) -> Any:
    # Environment values are text: convert them to the declared type.
    kind = field["type"]
    try:
        if kind == "int":
            return int(raw.strip())
        if kind == "float":
            return float(raw.strip())
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in ("true", "1", "yes"):
                return True
            if lowered in ("false", "0", "no"):
                return False
            raise ValueError(raw)
    except ValueError:
        raise _invalid(f"{env_name(field['name'])} must be of type {kind}") from None
    return raw


def _check_type(field: Dict[str, Any], value: Any) -> Any:
    name, kind = field["name"], field["type"]
    ok = {
        "string": isinstance(value, str),
        # bool is a subclass of int in Python: exclude it. 30.0 is accepted as 30.
        "int": (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and value.is_integer()),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
    }.get(kind, True)
    if not ok:
        raise _invalid(f"config field {name} must be of type {kind}")
    if kind == "int":
        return int(value)
    return value


def _check_rules(field: Dict[str, Any], value: Any) -> None:
    name = field["name"]
    rules = field.get("validation") or {}
    if field.get("required") and value == "":
        raise _invalid(f"config field {name} must not be empty")
    if "min" in rules and value < rules["min"]:
        raise _invalid(f"config field {name} must be at least {rules['min']}")
    if "max" in rules and value > rules["max"]:
        raise _invalid(f"config field {name} must be at most {rules['max']}")
    if "pattern" in rules and isinstance(value, str):
        import re

        if not re.search(rules["pattern"], value):
            raise _invalid(f"config field {name} must match {rules['pattern']}")


def resolve_config(body: Any, environ: Mapping[str, str] = os.environ) -> Config:
    """Validates an /initialize body. A field missing from it falls back to the
    LOOM_CONFIG_<NAME> environment variable, then to its default."""
    if not isinstance(body, dict):
        raise _invalid("the /initialize body must be a JSON object")
    values: Dict[str, Any] = {}
    for field in CONFIG_SCHEMA:
        name = field["name"]
        if name in body:
            value = _check_type(field, body[name])
        elif environ.get(env_name(name)) is not None:
            value = _from_env(field, environ[env_name(name)])
        elif "default" in field:
            value = field["default"]
        elif field.get("required"):
            raise _invalid(f"config field {name} is required (or set {env_name(name)})")
        else:
            continue
        _check_rules(field, value)
        values[name] = value
    return values


def secrets_of(config: Config) -> Dict[str, Any]:
    """The config's secrets, field name -> value: api_key and every field the manifest marks
    `sensitive: true` (error answers hide them, see errors.py)."""
    names = [field["name"] for field in CONFIG_SCHEMA if field.get("sensitive") is True or field["name"] == "api_key"]
    return {name: config[name] for name in names if name in config}
