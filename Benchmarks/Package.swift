// swift-tools-version: 6.2
import PackageDescription

/// The same strict settings as the main package (STYLE.md rule 15).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

/// Speed measurements of the copy engine (ARCHITECTURE §8), kept out of the main package so the
/// test command never builds them. Run with `swift package benchmark` from this folder
/// (docs/BENCHMARKS.md has the exact command and the recorded figures).
let package = Package(
    name: "MirrorBenchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "HTTPBaseline", targets: ["HTTPBaseline"]),
        .executable(name: "PolymarketSigningCheck", targets: ["PolymarketSigningCheck"]),
        .executable(name: "WorkersBenchmark", targets: ["WorkersBenchmark"]),
    ],
    dependencies: [
        .package(name: "mirror", path: ".."),
        // MallocInterposer only: the default RuntimeInterposer trait pulls a package that is not mirrored here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        /// A bare Hummingbird route, the baseline of the wrk run (`http/wrk.sh`).
        .executableTarget(
            name: "HTTPBaseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strictSettings
        ),
        /// The copy pipeline on the real clock over any store, shared by the SQLite and Postgres suites.
        .target(
            name: "CopyBenchSupport",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "mirror"),
                .product(name: "KernelTesting", package: "mirror"),
                .product(name: "KeyVaultAdapter", package: "mirror"),
                .product(name: "FakeExchangeAdapter", package: "mirror"),
                .product(name: "FakeExchangeTesting", package: "mirror"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                "CopyBenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "mirror"),
                .product(name: "KernelTesting", package: "mirror"),
                .product(name: "SQLiteAdapter", package: "mirror"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PostgresBenchmarks",
            dependencies: [
                "CopyBenchSupport",
                "PostgresBenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Kernel", package: "mirror"),
                .product(name: "PostgresAdapter", package: "mirror"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PostgresBenchmarks",
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        /// A migrated Postgres schema of its own per benchmark (or one another process made).
        .target(
            name: "PostgresBenchSupport",
            dependencies: [
                "CopyBenchSupport",
                .product(name: "PostgresAdapter", package: "mirror"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        /// Issue #18 item 5: 1, 2 and 4 worker processes draining one Postgres queue; orders per
        /// second for each and the duplicates their venues saw.
        .executableTarget(
            name: "WorkersBenchmark",
            dependencies: [
                "CopyBenchSupport",
                "PostgresBenchSupport",
                .product(name: "Kernel", package: "mirror"),
                .product(name: "PostgresAdapter", package: "mirror"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        /// The real Polymarket adapter preparing and signing one order, against an in-memory venue
        /// (`polymarket-signing.sh` runs it beside py-clob-client-v2).
        .target(
            name: "PolymarketSigningSupport",
            dependencies: [
                .product(name: "Kernel", package: "mirror"),
                .product(name: "PolymarketAdapter", package: "mirror"),
                .product(name: "PolymarketProtocol", package: "mirror"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        /// Prints the fixed-salt check order's body, for the Python script to compare.
        .executableTarget(
            name: "PolymarketSigningCheck",
            dependencies: ["PolymarketSigningSupport"],
            swiftSettings: strictSettings
        ),
        /// One leader fill copied to 1,000 followers on PostgreSQL through the real Polymarket
        /// adapter (HTTP, signing, published rate limits) against the `mirror fake-polymarket`
        /// facade on loopback (`fanout-1000-adapter` in docs/BENCHMARKS.md).
        .executableTarget(
            name: "PolymarketFanout",
            dependencies: [
                "CopyBenchSupport",
                "PostgresBenchSupport",
                .product(name: "Kernel", package: "mirror"),
                .product(name: "KernelTesting", package: "mirror"),
                .product(name: "KeyVaultAdapter", package: "mirror"),
                .product(name: "PostgresAdapter", package: "mirror"),
                .product(name: "PolymarketAdapter", package: "mirror"),
                .product(name: "FakeExchangeAdapter", package: "mirror"),
                .product(name: "FakeExchangeTesting", package: "mirror"),
                .product(name: "FakePolymarket", package: "mirror"),
                .product(name: "FakePolymarketTesting", package: "mirror"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "PolymarketSigningBenchmarks",
            dependencies: [
                "PolymarketSigningSupport",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/PolymarketSigningBenchmarks",
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
