# Shared helpers for scripts/test and scripts/run. Source it; it does nothing on its own.
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file

# Packages the build links against (CSecp256k1, the SQLite and Redis adapters) and pkg-config to find them.
MIRROR_BUILD_PACKAGES=(libsecp256k1-dev libhiredis-dev libsqlite3-dev pkg-config)
# Extra packages the test suite needs: real servers for the integration suites, curl for the smoke run.
MIRROR_TEST_PACKAGES=(postgresql redis-server curl)

# The repository root, whatever the caller's working directory.
MIRROR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Flags every swift invocation gets. Build, test, --show-bin-path and scripts/run must agree: any
# difference makes SwiftPM plan (and partly rebuild) again. The import check fails the build when a
# target imports a module it does not declare as a dependency.
# MIRROR_SCRATCH_PATH (optional) moves the build folder, e.g. to keep parallel builds off SwiftPM's lock.
MIRROR_SWIFT_FLAGS=(--explicit-target-dependency-import-check error)
if [[ -n "${MIRROR_SCRATCH_PATH:-}" ]]; then
    MIRROR_SWIFT_FLAGS+=(--scratch-path "$MIRROR_SCRATCH_PATH")
fi

# `swift build` with those flags. SwiftPM orders a dependency's trait defines (Hummingbird's
# -DConfigurationSupport -DFullFoundation) by its per-process hash seed, so every re-plan had even
# odds of recompiling those modules (swiftlang/swift-package-manager#10525); a fixed seed keeps the
# order stable. Only builds get it: test processes keep Swift's randomly seeded hashing.
mirror_swift_build() {
    SWIFT_DETERMINISTIC_HASHING=1 swift build "${MIRROR_SWIFT_FLAGS[@]}" "$@"
}

mirror_step() {
    printf '\n==> %s\n' "$*"
}

mirror_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Installs those of the given Debian packages that are not installed yet; runs `apt-get update`
# only when something is missing, and never prompts.
mirror_ensure_packages() {
    local missing=() package
    for package in "$@"; do
        if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed$'; then
            missing+=("$package")
        fi
    done
    if ((${#missing[@]} == 0)); then
        echo "system packages present: $*"
        return 0
    fi

    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || mirror_die "missing packages (${missing[*]}) and not root; install them or run as root"
        sudo=(sudo)
    fi
    echo "installing missing system packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
}

mirror_require_swift() {
    command -v swift >/dev/null || mirror_die "swift not found on PATH (Mirror needs Swift 6.3 or later)"
}
