"""config/README.md documents every key the schema validates, and is the generator's output."""

import yaml
from conftest import REPO

from qwemflow.config_docs import config_reference, undocumented_keys

SCHEMA = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())


def test_every_config_key_has_a_description():
    assert undocumented_keys(SCHEMA) == []


def test_config_readme_is_the_schema_rendered():
    defaults = yaml.safe_load((REPO / "config.yaml").read_text())
    expected = config_reference(SCHEMA, defaults)
    assert (REPO / "config/README.md").read_text() == expected, (
        "config/README.md is stale: python -m qwemflow.config_docs > config/README.md"
    )


def schema_defaults(schema: dict, path: str = "") -> dict:
    """Every key of the schema with a default that is a value, not a mapping: {dotted key: default}."""
    found = {}
    for key, node in schema.get("properties", {}).items():
        if "default" in node and not isinstance(node["default"], dict):
            found[path + key] = node["default"]
        found.update(schema_defaults(node, f"{path}{key}."))
    return found


def test_schema_defaults_are_the_config_values():
    """A key left out of a --configfile that replaces config.yaml gets the schema's default: the
    same value config.yaml gives it (and config/README.md shows)."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    defaults = schema_defaults(SCHEMA)
    assert {"corpus.min_article_words", "corpus.enwiki.parts", "download.contact"} <= set(defaults)
    differ = {}
    for key, default in defaults.items():
        value = config
        for part in key.split("."):
            value = value[part]
        if value != default:
            differ[key] = (default, value)
    assert differ == {}


def test_reference_lists_nested_and_named_keys_with_defaults():
    schema = {
        "properties": {
            "dim": {"type": "integer", "description": "d"},
            "runs": {
                "type": "object",
                "description": "named runs",
                "additionalProperties": {
                    "type": "object",
                    "description": "one run",
                    "properties": {"init": {"type": "number", "description": "scale"}},
                },
            },
        }
    }
    text = config_reference(schema, {"dim": 50, "runs": {"qwem": {"init": 0.1}}})
    assert "| `dim` | integer | `50` | d |" in text
    assert "| `runs.<name>.init` | number |  | scale |" in text
    assert undocumented_keys({"properties": {"a": {"properties": {"b": {}}}}}) == ["a", "a.b"]
