#!/usr/bin/env python3
"""A small, reproducible OCI image layout writer (python3 standard library only).

    oci.py write --output DIR --epoch N --layer DIR[=COMMENT]... --tag T... --user U --entrypoint JSON --cmd JSON
                 [--env K=V]... [--port 8080/tcp]... [--label K=V]... [--summary FILE]

Each --layer directory becomes one gzip-compressed tar layer, in the order given. The same inputs always give the
same bytes, so the same digests:
  - tar entries sorted by path (bytewise), parents before children; uid/gid 0, user/group names "root"; every
    mtime is --epoch (SOURCE_DATE_EPOCH); modes are the files' own (the caller sets them); no device nodes,
    FIFOs or sockets; hard links are stored as separate regular files; PAX format (extended headers appear only
    for names longer than ustar allows, and then carry no time);
  - gzip written by hand: a fixed 10-byte header (no name, mtime 0, OS 255), raw deflate from zlib at level 9,
    CRC32 and length; nothing depends on Python's gzip module;
  - JSON with sorted keys and no whitespace; the image config has no timestamp of its own (no "created", no
    history times): the only time in it is the org.opencontainers.image.created label the caller passes.
Prints a JSON summary (digests and sizes) on stdout, and to --summary FILE when given.
"""

import argparse
import hashlib
import io
import json
import os
import stat
import struct
import sys
import tarfile
import zlib

MEDIA_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MEDIA_CONFIG = "application/vnd.oci.image.config.v1+json"
MEDIA_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
MEDIA_INDEX = "application/vnd.oci.image.index.v1+json"


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def layer_tar(root, epoch):
    """The uncompressed tar of everything under root (root itself is the image's /)."""
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            paths.append(os.path.relpath(full, root))
    paths.sort(key=lambda p: p.encode("utf-8", "surrogateescape"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel in paths:
            full = os.path.join(root, rel)
            st = os.lstat(full)
            info = tarfile.TarInfo(rel)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = int(epoch)
            info.mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                info.type = tarfile.SYMTYPE
                info.linkname = os.readlink(full)
                tar.addfile(info)
            elif stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif stat.S_ISREG(st.st_mode):
                info.type = tarfile.REGTYPE
                info.size = st.st_size
                with open(full, "rb") as handle:
                    tar.addfile(info, handle)
            else:
                sys.exit(f"oci.py: {full}: only directories, regular files and symlinks belong in a layer")
    return buffer.getvalue(), len(paths)


def gzip_bytes(data):
    """gzip (RFC 1952) with a fixed header: no file name, mtime 0, XFL 2 (level 9), OS 255 (unknown)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY)
    body = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x02\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


class Layout:
    def __init__(self, output):
        self.output = output
        self.blobs = os.path.join(output, "blobs", "sha256")
        os.makedirs(self.blobs)

    def put(self, data, media_type):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(self.blobs, digest), "wb") as handle:
            handle.write(data)
        return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}


def key_values(items, option):
    result = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            sys.exit(f"oci.py: {option} wants KEY=VALUE, found {item!r}")
        result[key] = value
    return result


def write(args):
    if os.path.exists(args.output):
        sys.exit(f"oci.py: {args.output} exists; the caller removes it first")
    layout = Layout(args.output)
    layers, diff_ids, history, summary_layers = [], [], [], []
    uncompressed_total = 0
    for spec in args.layer:
        directory, _, comment = spec.partition("=")
        tar_bytes, entries = layer_tar(directory, args.epoch)
        compressed = gzip_bytes(tar_bytes)
        descriptor = layout.put(compressed, MEDIA_LAYER)
        diff_id = "sha256:" + hashlib.sha256(tar_bytes).hexdigest()
        layers.append(descriptor)
        diff_ids.append(diff_id)
        uncompressed_total += len(tar_bytes)
        history.append({"created_by": "scripts/build-image", "comment": comment or os.path.basename(directory)})
        summary_layers.append({"digest": descriptor["digest"], "diffID": diff_id, "size": descriptor["size"],
                               "uncompressedSize": len(tar_bytes), "entries": entries,
                               "comment": comment or os.path.basename(directory)})

    ports = {}
    for port in args.port:
        if "/" not in port:
            sys.exit(f"oci.py: --port wants PORT/PROTOCOL, found {port!r}")
        ports[port] = {}
    config = {
        "architecture": args.architecture,
        "os": "linux",
        "config": {
            "User": args.user,
            "ExposedPorts": ports,
            "Env": args.env,
            "Entrypoint": json.loads(args.entrypoint),
            "Cmd": json.loads(args.cmd),
            "WorkingDir": "/",
            "Labels": key_values(args.label, "--label"),
        },
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    config_descriptor = layout.put(canonical_json(config), MEDIA_CONFIG)
    manifest = {"schemaVersion": 2, "mediaType": MEDIA_MANIFEST, "config": config_descriptor, "layers": layers}
    manifest_descriptor = layout.put(canonical_json(manifest), MEDIA_MANIFEST)
    platform = {"architecture": args.architecture, "os": "linux"}
    index = {
        "schemaVersion": 2,
        "mediaType": MEDIA_INDEX,
        "manifests": [dict(manifest_descriptor, platform=platform,
                           annotations={"org.opencontainers.image.ref.name": tag}) for tag in args.tag],
    }
    with open(os.path.join(args.output, "index.json"), "wb") as handle:
        handle.write(canonical_json(index))
    with open(os.path.join(args.output, "oci-layout"), "wb") as handle:
        handle.write(canonical_json({"imageLayoutVersion": "1.0.0"}))

    compressed_total = sum(layer["size"] for layer in layers) + config_descriptor["size"] + manifest_descriptor["size"]
    summary = {
        "digest": manifest_descriptor["digest"],
        "config": config_descriptor["digest"],
        "tags": args.tag,
        "layers": summary_layers,
        "compressedSize": compressed_total,
        "uncompressedSize": uncompressed_total,
    }
    text = json.dumps(summary, indent=2, sort_keys=True) + "\n"
    if args.summary:
        with open(args.summary, "w") as handle:
            handle.write(text)
    sys.stdout.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="write an OCI image layout")
    w.add_argument("--output", required=True)
    w.add_argument("--epoch", required=True, type=int)
    w.add_argument("--layer", action="append", required=True, help="DIR[=COMMENT], one per layer, bottom first")
    w.add_argument("--tag", action="append", required=True)
    w.add_argument("--user", required=True)
    w.add_argument("--entrypoint", required=True, help="JSON array")
    w.add_argument("--cmd", required=True, help="JSON array")
    w.add_argument("--env", action="append", default=[])
    w.add_argument("--port", action="append", default=[])
    w.add_argument("--label", action="append", default=[])
    w.add_argument("--architecture", default="amd64")
    w.add_argument("--summary")
    args = parser.parse_args()
    write(args)


if __name__ == "__main__":
    main()
