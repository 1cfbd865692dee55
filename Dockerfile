# syntax=docker/dockerfile:1
# The pullkeeper image for users who have Docker. The path that is built and tested here is scripts/build-image
# (no Docker daemon: see README, Install, and scripts/test-image); this file builds the same root filesystem:
#   - the release binary with the Swift standard library linked statically (same command, same toolchain version);
#   - scripts/image/rootfs, the script build-image uses, derives the runtime packages from ldd of the binary
#     (dpkg -S), refuses a list other than the one named below, downloads exactly the versions and .debs that
#     scripts/image/debian-packages.lock pins and assembles the same two layers (libraries, CA bundle, users;
#     then the binary), with no shell and no package manager;
#   - the same user, entrypoint, command, ports and PATH as build-image's image config.
# scripts/test-image checks (as text, Docker cannot run there) that the package list, USER, ENTRYPOINT, CMD, EXPOSE
# and ENV below match the lock and the image build-image wrote. Docker adds its own layer metadata and times, so
# the digest differs from build-image's; the files are the same.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev pkg-config
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Tests Tests
# scripts/build-image's flags: no debug info, the checkout path mapped to "." in embedded file names
RUN flags="-c release -debug-info-format none -Xcc -ffile-prefix-map=/src=. \
      -Xcxx -ffile-prefix-map=/src=. -Xswiftc -debug-prefix-map -Xswiftc /src=." \
    && swift build $flags --product pullkeeper \
    && install -D "$(swift build $flags --show-bin-path)/pullkeeper" /out/pullkeeper
COPY scripts/image scripts/image
RUN scripts/image/rootfs --binary /out/pullkeeper --out /rootfs \
    --expect-packages "ca-certificates gcc-12-base libc6 libgcc-s1 libstdc++6 libyaml-0-2 zlib1g"

FROM scratch
COPY --from=build /rootfs/base/ /
COPY --from=build /rootfs/app/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 65532:65532
EXPOSE 8080/tcp 8081/tcp
LABEL org.opencontainers.image.title="pullkeeper" \
      org.opencontainers.image.description="Keeps Azure Container Registry pull Secrets fresh in Kubernetes namespaces." \
      org.opencontainers.image.source="https://github.com/pullkeeper/pullkeeper" \
      org.opencontainers.image.licenses="NOASSERTION"
ENTRYPOINT ["/usr/local/bin/pullkeeper"]
CMD ["run", "--config=/etc/pullkeeper/config/config.yaml"]
