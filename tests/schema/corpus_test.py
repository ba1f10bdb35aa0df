#!/usr/bin/python3
"""The JSON Schema agrees with the loader: every pipeline in corpus/valid is
accepted, and every one in corpus/invalid refused, by both `sluice validate`
and a real JSON Schema validator (Debian's python3-jsonschema, draft 2020-12)
given `sluice schema`. corpus/loader_only holds what a schema cannot express
(names, templates, the YAML itself, an empty program under ajv's strict
tuples, a number of seconds finer than a millisecond): the schema accepts
each, the loader refuses it, and that gap is pinned here.

YAML is read as the YAML 1.2 core schema reads it (SPEC §1.2), as an
editor's language server does: PyYAML's YAML 1.1 resolvers (`yes` as a
boolean, `010` as octal, timestamps) are replaced, and keys become strings,
as in JSON.

usage: corpus_test.py SLUICE CORPUS_DIR
"""
import json
import math
import pathlib
import re
import subprocess
import sys

import jsonschema
import yaml


class CoreLoader(yaml.SafeLoader):
    """SafeLoader with the YAML 1.2 core schema's scalars."""


CoreLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
]:
    CoreLoader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(pattern), list(first))


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def construct_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.lstrip("+-") == ".inf":
        return -math.inf if text.startswith("-") else math.inf
    if text == ".nan":
        return math.nan
    return float(text)


def construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


CoreLoader.add_constructor("tag:yaml.org,2002:int", construct_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", construct_float)
CoreLoader.add_constructor("tag:yaml.org,2002:bool", construct_bool)


def as_json(value):
    """Maps get string keys, as JSON has."""
    if isinstance(value, dict):
        return {json_key(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    return value


def json_key(key):
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def schema_verdict(validator, path):
    try:
        document = as_json(yaml.load(path.read_text(), Loader=CoreLoader))
    except yaml.YAMLError as e:
        return False, [f"YAML: {e}"]
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(document)]
    return not errors, errors


def loader_verdict(sluice, path):
    r = subprocess.run([sluice, "validate", "-f", path.name], cwd=path.parent,
                       capture_output=True, text=True, timeout=120)
    if r.returncode not in (0, 2):
        raise SystemExit(f"{path}: sluice validate exited {r.returncode}:\n{r.stderr}")
    return r.returncode == 0, r.stderr


def main():
    sluice, corpus = str(pathlib.Path(sys.argv[1]).resolve()), pathlib.Path(sys.argv[2])
    schema = json.loads(subprocess.run([sluice, "schema"], capture_output=True, text=True,
                                       check=True).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    failures = 0
    count = 0
    for folder, want_schema, want_loader in (("valid", True, True), ("invalid", False, False),
                                             ("loader_only", True, False)):
        files = sorted((corpus / folder).glob("*.yaml"))
        if not files:
            raise SystemExit(f"no files in {corpus / folder}")
        for path in files:
            count += 1
            by_schema, schema_errors = schema_verdict(validator, path)
            by_loader, loader_errors = loader_verdict(sluice, path)
            if by_schema == want_schema and by_loader == want_loader:
                continue
            failures += 1
            word = lambda ok: "valid" if ok else "invalid"
            print(f"FAIL {folder}/{path.name}: expected schema {word(want_schema)}, "
                  f"loader {word(want_loader)}; "
                  f"schema says {word(by_schema)}, loader says {word(by_loader)}")
            for e in schema_errors:
                print(f"  schema: {e}")
            for line in loader_errors.splitlines():
                print(f"  loader: {line}")
    print(f"{count - failures} of {count} files: schema and loader give the expected verdicts")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
