"""Metadata and configuration: the one place in the code that describes this plugin.

`/metadata` answers METADATA, and it must stay equal to plugin.yaml's `metadata` (the
conformance suite compares them). CONFIG_SCHEMA drives both `/metadata` and the
validation in `/initialize`, so a field added here is validated the way it is declared.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping

from .errors import PluginError

CONFIG_SCHEMA: List[Dict[str, Any]] = [
    {
        "name": "api_key",
        "type": "string",
        "required": True,
        "sensitive": True,
        "description": "API key sent to the upstream provider as a Bearer token",
    },
    {
        "name": "endpoint",
        "type": "string",
        "required": True,
        "description": "Base URL of the OpenAI-compatible upstream, e.g. https://api.openai.com/v1",
        "validation": {"pattern": "^https?://"},
    },
    {
        "name": "timeout",
        "type": "int",
        "required": False,
        "default": 30,
        "description": "Upstream request timeout in seconds",
        "validation": {"min": 1, "max": 300},
    },
]

METADATA: Dict[str, Any] = {
    "name": {{name|json}},
    "version": {{version|json}},
    "plugin_api_version": "1.0.0",
    "provider_type": {{provider_type|json}},
    "description": {{description|json}},
    "author": {{author|json}},
    "license": {{license|json}},
    "capabilities": json.loads(
        '{"streaming": {{streaming}}, "function_calling": {{function_calling}}, "vision": {{vision}},'
        ' "embeddings": false, "fine_tuning": false}'
    ),
    "config_schema": CONFIG_SCHEMA,
}

STREAMING: bool = METADATA["capabilities"]["streaming"]


@dataclass(frozen=True)
class Config:
    api_key: str
    endpoint: str
    timeout: int


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
    return Config(api_key=values["api_key"], endpoint=values["endpoint"], timeout=values["timeout"])
