#!/usr/bin/env python3
"""Writes the SPDX 2.3 JSON SBOM of a pullkeeper image (python3 standard library only).

    sbom.py --summary SUMMARY.json --packages PACKAGES --swift-deps DEPS.json --version V --revision R
            --created 2024-01-01T00:00:00Z --source URL --output FILE

SUMMARY.json is oci.py's summary (the image digest and layers), PACKAGES the Debian packages used
(NAME VERSION ARCH SHA256 per line, as scripts/image/rootfs writes them), DEPS.json the output of
`swift package show-dependencies --format json`. The document describes the image; the image contains the
pullkeeper binary and the Debian packages; the binary statically links the Swift packages (the resolved package
graph, with versions). Deterministic: the same inputs give the same bytes (the creation time is the image's
SOURCE_DATE_EPOCH, the namespace is derived from the image digest).
"""

import argparse
import json
import re
import urllib.parse


def spdx_id(kind, name):
    return "SPDXRef-" + kind + "-" + re.sub(r"[^A-Za-z0-9.-]", "-", name)


def swift_packages(node, seen, edges, parent):
    for child in node.get("dependencies", []):
        identity = child["identity"]
        edges.add((parent, identity))
        if identity not in seen:
            seen[identity] = child
            swift_packages(child, seen, edges, identity)


def main():
    parser = argparse.ArgumentParser()
    for option in ("summary", "packages", "swift-deps", "version", "revision", "created", "source", "output"):
        parser.add_argument("--" + option, required=True)
    args = parser.parse_args()

    summary = json.load(open(args.summary))
    digest = summary["digest"]
    deps = json.load(open(args.swift_deps))

    image_id = "SPDXRef-Image"
    binary_id = "SPDXRef-Package-pullkeeper"
    packages = [
        {
            "SPDXID": image_id,
            "name": "pullkeeper-image",
            "versionInfo": args.version,
            "primaryPackagePurpose": "CONTAINER",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "checksums": [{"algorithm": "SHA256", "checksumValue": digest.split(":", 1)[1]}],
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                "referenceLocator": "pkg:oci/pullkeeper@" + urllib.parse.quote(digest, safe="")
                                    + "?arch=amd64&tag=" + urllib.parse.quote(args.version, safe=""),
            }],
            "comment": "OCI image manifest digest " + digest + "; layers: "
                       + ", ".join(layer["digest"] for layer in summary["layers"]),
        },
        {
            "SPDXID": binary_id,
            "name": "pullkeeper",
            "versionInfo": args.version,
            "primaryPackagePurpose": "APPLICATION",
            "downloadLocation": "git+" + args.source + "@" + args.revision,
            "sourceInfo": "built from commit " + args.revision + " with the Swift standard library linked statically",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
        },
    ]
    relationships = [
        {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": image_id},
        {"spdxElementId": image_id, "relationshipType": "CONTAINS", "relatedSpdxElement": binary_id},
    ]

    seen, edges = {}, set()
    swift_packages(deps, seen, edges, None)
    for identity in sorted(seen):
        node = seen[identity]
        url = node.get("url", "")
        purl_path = re.sub(r"^https?://", "", url)
        purl_path = re.sub(r"\.git$", "", purl_path)
        package = {
            "SPDXID": spdx_id("Swift", identity),
            "name": node.get("name", identity),
            "versionInfo": node.get("version", "unspecified"),
            "primaryPackagePurpose": "LIBRARY",
            "downloadLocation": url or "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
        }
        if purl_path:
            package["externalRefs"] = [{
                "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                "referenceLocator": "pkg:swift/" + purl_path + "@" + node.get("version", ""),
            }]
        packages.append(package)
    for parent, child in sorted(edges, key=lambda edge: (edge[0] or "", edge[1])):
        relationships.append({
            "spdxElementId": binary_id if parent is None else spdx_id("Swift", parent),
            "relationshipType": "DEPENDS_ON" if parent is not None else "STATIC_LINK",
            "relatedSpdxElement": spdx_id("Swift", child),
        })

    for line in open(args.packages):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, version, arch, sha256 = line.split()
        element = spdx_id("Debian", name)
        packages.append({
            "SPDXID": element,
            "name": name,
            "versionInfo": version,
            "primaryPackagePurpose": "LIBRARY" if name.startswith("lib") else "OTHER",
            "supplier": "Organization: Debian",
            "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False,
            "licenseConcluded": "NOASSERTION",
            "licenseDeclared": "NOASSERTION",
            "copyrightText": "NOASSERTION",
            "checksums": [{"algorithm": "SHA256", "checksumValue": sha256}],
            "externalRefs": [{
                "referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                "referenceLocator": "pkg:deb/debian/" + name + "@" + urllib.parse.quote(version, safe="")
                                    + "?arch=" + arch + "&distro=debian-12",
            }],
            "comment": "Debian 12 package, trimmed to the files the image needs; checksum is the .deb's",
        })
        relationships.append({"spdxElementId": image_id, "relationshipType": "CONTAINS",
                              "relatedSpdxElement": element})

    document = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "pullkeeper-image-" + args.version,
        "documentNamespace": "https://spdx.org/spdxdocs/pullkeeper-image-" + digest.replace(":", "-"),
        "creationInfo": {"created": args.created, "creators": ["Tool: pullkeeper scripts/build-image"]},
        "packages": packages,
        "relationships": relationships,
    }
    with open(args.output, "w") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")


if __name__ == "__main__":
    main()
