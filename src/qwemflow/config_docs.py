"""config/README.md from the config schema: every key, its type, default and meaning, in one
place that cannot drift from what the workflow validates (a test compares the two).

    python -m qwemflow.config_docs > config/README.md    (from the repository's top folder)
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from qwemflow.schema import resolve

SCHEMA = Path("workflow/schemas/config.schema.yaml")
DEFAULTS = Path("config.yaml")

INTRO = """\
# Configuration

`config.yaml` at the top of the repository is the default run (the Wikipedia sample bundled with
gensim, offline, a few minutes on a laptop). The files here are presets for the paper's scale,
given after it: `snakemake --configfile config/wikiextractor-paper.yaml --config 'corpus={local:
{paths: [/data/enwiki-extract]}}'` (that preset needs the path of your extract). A later
`--configfile` or `--config key=value` overrides an earlier one. Snakemake validates the merged
config against `workflow/schemas/config.schema.yaml` before anything runs.

| preset | what it is for |
|---|---|
| `enwiki-paper.yaml` | the paper's configuration on a full English Wikipedia dump (downloaded) |
| `wikiextractor-paper.yaml` | the same on your own WikiExtractor output (`corpus.local.paths`) |
| `with-full-batch-sgns.yaml` | overlay: adds the tied word2vec's full-batch cross-check (3.3 to 5 h on 2 cores at V = 10,000; not timed on a GPU) |

Every key follows, with its default in `config.yaml` (or the schema's default where
`config.yaml` leaves it out). This page is generated from the schema by
`python -m qwemflow.config_docs > config/README.md`.
"""


def _type(node: dict) -> str:
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    kind = node.get("type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return " or ".join(k for k in kinds if k)


_UNSET = object()


def _value(value) -> str:
    if value is _UNSET or isinstance(value, dict):
        return ""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6).strip()
    text = text.removesuffix("\n...").removesuffix("...").strip()
    return f"`{text}`"


def _rows(node: dict, defaults, path: list[str], schema: dict):
    """(dotted key, type, default, description) of every property under `node`, depth first."""
    properties = dict(node.get("properties", {}))
    named = node.get("additionalProperties")
    if isinstance(named, dict):
        properties["<name>"] = named
    for key, child in properties.items():
        child = resolve(child, schema)
        if isinstance(defaults, dict) and key in defaults:
            value = defaults[key]
        else:
            value = child.get("default", _UNSET)
        description = " ".join(child.get("description", "").split())
        yield ".".join([*path, key]), _type(child), _value(value), description
        yield from _rows(child, value if isinstance(value, dict) else {}, [*path, key], schema)


def _table(rows) -> str:
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, kind, value, description in rows:
        meaning = description.replace("|", "\\|")
        lines.append(f"| `{name}` | {kind} | {value} | {meaning} |")
    return "\n".join(lines) + "\n"


def config_reference(schema: dict, defaults: dict) -> str:
    """The Markdown reference of every config key: the top-level settings, then one table per
    section."""
    top_level = {"properties": {}}
    sections = {}
    for key, node in schema["properties"].items():
        if node.get("type") == "object":
            sections[key] = node
        else:
            top_level["properties"][key] = node
    parts = [INTRO, "## Top-level settings\n", _table(_rows(top_level, defaults, [], schema))]
    for key, node in sections.items():
        parts.append(f"## `{key}`\n\n{' '.join(node.get('description', '').split())}\n")
        parts.append(_table(_rows(node, defaults.get(key) or {}, [key], schema)))
    return "\n".join(parts)


def undocumented_keys(
    schema: dict, path: tuple[str, ...] = (), root: dict | None = None
) -> list[str]:
    """Dotted keys of the schema that have no description (their own or their $ref's)."""
    root = root or schema
    missing = []
    properties = dict(schema.get("properties", {}))
    if isinstance(schema.get("additionalProperties"), dict):
        properties["<name>"] = schema["additionalProperties"]
    for key, child in properties.items():
        child = resolve(child, root)
        if not child.get("description"):
            missing.append(".".join([*path, key]))
        missing.extend(undocumented_keys(child, (*path, key), root))
    return missing


def main() -> None:
    schema_path, config_path = (Path(arg) for arg in (sys.argv[1:] or [SCHEMA, DEFAULTS]))
    schema = yaml.safe_load(schema_path.read_text())
    defaults = yaml.safe_load(config_path.read_text())
    sys.stdout.write(config_reference(schema, defaults))


if __name__ == "__main__":
    main()
