"""The config schema (workflow/schemas/config.schema.yaml) read as data: its `$ref`s resolved, and
the values Snakemake's --config passes as text typed as the schema declares them."""

from __future__ import annotations

from collections.abc import MutableMapping


def resolve(node: dict, schema: dict) -> dict:
    """A `$ref` to the schema's `$defs`, replaced by what it names (local refs only)."""
    reference = node.get("$ref", "")
    if not reference.startswith("#/$defs/"):
        return node
    return {**schema["$defs"][reference.removeprefix("#/$defs/")], **node}


def _typed(text: str, kinds: list[str]):
    """text as the first of the schema's types it reads as, else unchanged."""
    if "string" in kinds:
        return text
    word = text.strip()
    if "null" in kinds and word in ("null", "~", "None"):
        return None
    if "boolean" in kinds and word.lower() in ("true", "false"):
        return word.lower() == "true"
    try:
        number = float(word)
    except ValueError:
        return text
    if "integer" in kinds and number.is_integer():
        return int(number)
    if "number" in kinds:
        return number
    return text


def typed_from_text(config: MutableMapping, schema: dict, node: dict | None = None) -> None:
    """Snakemake reads the values nested in --config as text ('word2vec={workers: 8}',
    'forecast={tokens: 2e9}'): each such string where the schema wants a number, an integer, a
    boolean or null becomes one, in place. Text that reads as none of them is left for the
    schema's validation to refuse with its own message."""
    node = resolve(schema if node is None else node, schema)
    for key, value in config.items():
        child = node.get("properties", {}).get(key, node.get("additionalProperties"))
        if not isinstance(child, dict):
            continue
        child = resolve(child, schema)
        if isinstance(value, MutableMapping):
            typed_from_text(value, schema, child)
        elif isinstance(value, str):
            kinds = child.get("type", [])
            config[key] = _typed(value, kinds if isinstance(kinds, list) else [kinds])
