#!/usr/bin/env python3
"""The chart renders the same objects as `pullkeeper render`: compares a render directory with a `helm template`
stream object by object, after removing what only Helm adds (helm.sh/chart and managed-by labels, the config
checksum annotation). The Namespace is left out (helm install --create-namespace makes it); config.yaml is compared
as data, not text.

usage: equivalent.py RENDER_DIR HELM_OUTPUT"""
import pathlib
import sys

import yaml

HELM_ONLY_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")
HELM_ONLY_ANNOTATIONS = ("checksum/config",)


def strip(metadata):
    for key, names in (("labels", HELM_ONLY_LABELS), ("annotations", HELM_ONLY_ANNOTATIONS)):
        values = metadata.get(key)
        if values is None:
            continue
        for name in names:
            values.pop(name, None)
        if not values:
            del metadata[key]


def normalise(document):
    strip(document["metadata"])
    template = document.get("spec", {}).get("template")
    if template:
        strip(template["metadata"])
    if document["kind"] == "ConfigMap" and "config.yaml" in document.get("data", {}):
        document["data"]["config.yaml"] = yaml.safe_load(document["data"]["config.yaml"])
    return document


def differences(left, right, path=""):
    """Paths where two documents differ, e.g. `spec.template.spec.containers[0].args: [...] != [...]`."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            yield from differences(left.get(key), right.get(key), f"{path}.{key}" if path else key)
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right)):
            yield from differences(a, b, f"{path}[{index}]")
    elif left != right:
        yield f"{path}: render {left!r} != chart {right!r}"


def objects(documents):
    result = {}
    for document in documents:
        if document is None or document["kind"] in ("Kustomization", "Namespace"):
            continue
        result[(document["kind"], document["metadata"]["name"])] = normalise(document)
    return result


def main():
    render_dir, helm_output = map(pathlib.Path, sys.argv[1:3])
    rendered = objects(yaml.safe_load(p.read_text()) for p in sorted(render_dir.glob("*.yaml")))
    templated = objects(yaml.safe_load_all(helm_output.read_text()))
    problems = []
    for key in sorted(set(rendered) | set(templated)):
        if key not in templated:
            problems.append(f"{key[0]}/{key[1]} is rendered but not in the chart")
        elif key not in rendered:
            problems.append(f"{key[0]}/{key[1]} is in the chart but not rendered")
        elif rendered[key] != templated[key]:
            for difference in differences(rendered[key], templated[key]):
                problems.append(f"{key[0]}/{key[1]} {difference}")
    for problem in problems:
        print(f"FAIL {helm_output.name}: {problem}")
    if not problems:
        print(f"ok   {helm_output.name} == {render_dir}: {len(rendered)} objects")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
