#!/usr/bin/env python3
"""Reads every YAML file with PyYAML and validates every object against the bundled Kubernetes JSON schemas
(kubernetes-validate, strict: unknown fields fail), offline, for each requested Kubernetes version.

usage: validate.py --versions 1.30.0,latest [--configs-out DIR] FILE...

Kustomization files are skipped (kustomize's own format; `kubectl kustomize` checks them). Kinds without a bundled
schema (CRDs such as ServiceMonitor) are reported and allowed only when listed in ALLOWED_WITHOUT_SCHEMA.
--configs-out writes the config.yaml of every ConfigMap named pullkeeper-config there, for `pullkeeper check`."""
import argparse
import copy
import functools
import pathlib
import sys

import kubernetes_validate
import yaml
from kubernetes_validate import utils

ALLOWED_WITHOUT_SCHEMA = {("monitoring.coreos.com/v1", "ServiceMonitor")}
# Kinds that Kubernetes serves only from a version on: an older requested version is not checked for them (and says
# so), a newer one must know them. MutatingAdmissionPolicy is GA (v1) in 1.36, beta (v1beta1) in 1.34.
FIRST_VERSION = {
    ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy"): (1, 36),
    ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBinding"): (1, 36),
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy"): (1, 34),
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding"): (1, 34),
}


def minor(version):
    return tuple(int(part) for part in version.split(".")[:2])

# validate() reads and parses the (large) schema files on every call; they never change within a run.
utils.schema_contents = functools.lru_cache(maxsize=None)(utils.schema_contents)


def self_test(versions):
    """The check must be able to fail: a misspelt field and a wrong type are both rejected."""
    good = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}}
    misspelt = copy.deepcopy(good)
    misspelt["metadata"]["nmae"] = "x"
    wrong_type = copy.deepcopy(good)
    wrong_type["data"]["a"] = 1
    for version in versions:
        kubernetes_validate.validate(good, version, strict=True)
        for bad in (misspelt, wrong_type):
            try:
                kubernetes_validate.validate(bad, version, strict=True)
            except kubernetes_validate.ValidationError:
                continue
            sys.exit(f"self-test: kubernetes-validate {version} accepted an invalid object {bad}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", required=True)
    parser.add_argument("--configs-out")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    latest = utils.latest_version()
    versions = [latest if v == "latest" else v for v in args.versions.split(",")]
    self_test(versions)
    configs = pathlib.Path(args.configs_out) if args.configs_out else None
    if configs:
        configs.mkdir(parents=True, exist_ok=True)
    validated = skipped = failures = 0
    too_old = set()
    for name in args.files:
        path = pathlib.Path(name)
        try:
            documents = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        except yaml.YAMLError as error:
            print(f"FAIL {path}: PyYAML cannot read it: {error}")
            failures += 1
            continue
        for index, document in enumerate(documents):
            where = f"{path}[{index}]"
            if not isinstance(document, dict) or "apiVersion" not in document or "kind" not in document:
                print(f"FAIL {where}: not a Kubernetes object")
                failures += 1
                continue
            kind, api = document["kind"], document["apiVersion"]
            if kind == "Kustomization":
                continue
            label = f"{where} {kind}/{document.get('metadata', {}).get('name')}"
            ok = True
            applicable = [v for v in versions if minor(v) >= FIRST_VERSION.get((api, kind), (0, 0))]
            if not applicable:
                print(f"FAIL {label}: none of the Kubernetes versions {', '.join(versions)} serves {api} {kind}")
                failures += 1
                continue
            if len(applicable) < len(versions):
                too_old.add(f"{api} {kind} (not in Kubernetes {', '.join(sorted(set(versions) - set(applicable)))})")
            for version in applicable:
                try:
                    kubernetes_validate.validate(document, version, strict=True)
                except kubernetes_validate.SchemaNotFoundError:
                    if (api, kind) not in ALLOWED_WITHOUT_SCHEMA:
                        print(f"FAIL {label}: no schema for {api} {kind} in Kubernetes {version}")
                        failures += 1
                    ok = None
                    break
                except kubernetes_validate.ValidationError as error:
                    print(f"FAIL {label}: Kubernetes {version}: {error}")
                    failures += 1
                    ok = False
            if ok is None:
                skipped += 1
            elif ok:
                validated += 1
            if configs and kind == "ConfigMap" and document["metadata"]["name"].endswith("-config"):
                flat = str(path).replace("/", "_").replace(".yaml", "").lstrip("._")
                (configs / f"{flat}-{index}.yaml").write_text(document["data"]["config.yaml"], encoding="utf-8")
    print(
        f"kubernetes-validate {kubernetes_validate.version.__version__} --strict, Kubernetes {' and '.join(versions)}, "
        f"PyYAML {yaml.__version__}: {validated} objects in {len(args.files)} files valid, "
        f"{skipped} without a bundled schema (ServiceMonitor), {failures} failures")
    for what in sorted(too_old):
        print(f"note: {what} validated only against the newer versions")
    sys.exit(1 if failures or validated == 0 else 0)


if __name__ == "__main__":
    main()
