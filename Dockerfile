# Mirror's one image: `mirror api`, `mirror workers` and `mirror web` are three services started
# from it (deploy/railway/*.json), `mirror db push` their pre-deploy step.
#
# Build stage: the official Swift 6.3 image for Debian 12, the release binary with the Swift
# runtime linked in (--static-swift-stdlib), so the runtime stage needs no Swift toolchain.
# Runtime stage: debian:bookworm-slim with only the shared libraries the binary links (checked with
# `readelf -d`, see scripts/check-image), CA certificates, tzdata, and a non-root user.
#
# hadolint waiver DL3008 (pin apt versions): Debian 12's point releases and security updates
# replace package versions in place, so pinned versions stop installing; the suite (bookworm) is
# the pin, and scripts/check-image installs exactly these packages the same way.

FROM swift:6.3-bookworm AS build
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsecp256k1-dev libhiredis-dev libsqlite3-dev libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifest first, so dependency resolution is cached while only sources change.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# FoundationNetworking (URLSession, the JWKS fetch) linked statically needs libcurl named explicitly.
RUN swift build -c release --product mirror --static-swift-stdlib -Xlinker -lcurl \
    && install -D -m 0755 "$(swift build -c release --product mirror --static-swift-stdlib -Xlinker -lcurl --show-bin-path)/mirror" /out/mirror

FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata libsecp256k1-1 libhiredis0.14 libsqlite3-0 libcurl4 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --create-home --shell /usr/sbin/nologin mirror
COPY --from=build /out/mirror /usr/local/bin/mirror
WORKDIR /app
USER 10001:10001
ENV MIRROR_MODE=production
EXPOSE 8080
# Railway's startCommand (`mirror api`, …) replaces the entrypoint in exec form; `docker run IMAGE
# workers` uses this one.
ENTRYPOINT ["mirror"]
CMD ["api"]
