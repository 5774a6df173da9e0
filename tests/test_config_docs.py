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
