# syntax=docker/dockerfile:1
# The pullkeeper image: a release build with the Swift standard library linked statically, then a slim Debian
# runtime with only libyaml and CA certificates, running as the non-root user 65532 (the id deploy/ runs as).
# It cannot be built on the project's development machines (no container runtime, no registry access): see README.
FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY Sources Sources
COPY Tests Tests
RUN swift build -c release --static-swift-stdlib --product pullkeeper \
    && install -D "$(swift build -c release --show-bin-path)/pullkeeper" /out/pullkeeper

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libyaml-0-2 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 65532 nonroot \
    && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nonroot
COPY --from=build /out/pullkeeper /usr/local/bin/pullkeeper
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/pullkeeper"]
CMD ["run", "--config=/etc/pullkeeper/config/config.yaml"]
