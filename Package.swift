// swift-tools-version: 6.2
import PackageDescription

/// Strict settings for every target of ours (STYLE.md rule 15). Warnings are errors here only,
/// never in dependencies, because they are set per target rather than with `-Xswiftc`.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "mirror",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mirror", targets: ["App"]),
        // Libraries for the separate Benchmarks/ package, which can only depend on products.
        .library(name: "Kernel", targets: ["Kernel"]),
        .library(name: "KernelTesting", targets: ["KernelTesting"]),
        .library(name: "SQLiteAdapter", targets: ["SQLiteAdapter"]),
        .library(name: "PostgresAdapter", targets: ["PostgresAdapter"]),
        .library(name: "InMemoryAdapter", targets: ["InMemoryAdapter"]),
        .library(name: "KeyVaultAdapter", targets: ["KeyVaultAdapter"]),
        .library(name: "FakeExchangeAdapter", targets: ["FakeExchangeAdapter"]),
        .library(name: "FakeExchangeTesting", targets: ["FakeExchangeTesting"]),
        .library(name: "PolymarketProtocol", targets: ["PolymarketProtocol"]),
        .library(name: "PolymarketAdapter", targets: ["PolymarketAdapter"]),
        // The facade `mirror fake-polymarket` serves, for Benchmarks' adapter fan-out.
        .library(name: "FakePolymarket", targets: ["FakePolymarket"]),
        .library(name: "FakePolymarketTesting", targets: ["FakePolymarketTesting"]),
    ],
    // Exact versions, so a clean build (the Dockerfile's, CI's) resolves the code tested here:
    // Package.resolved is not committed.
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", exact: "1.4.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
    ],
    targets: [
        // MARK: Kernel and its contracts
        .target(
            name: "Kernel",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KernelTesting",
            // Ethereum lets contracts verify signatures by recovery, independently of the adapter.
            dependencies: ["Kernel", "Ethereum", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),

        // MARK: Protocol libraries
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .target(
            name: "Ethereum",
            dependencies: ["CSecp256k1"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "PolymarketProtocol",
            dependencies: [
                "Ethereum",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Adapters
        .target(
            name: "KeyVaultAdapter",
            dependencies: [
                "Kernel",
                "Ethereum",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Adapters/KeyVault",
            swiftSettings: strictSettings
        ),
        .target(
            name: "InMemoryAdapter",
            dependencies: ["Kernel"],
            path: "Sources/Adapters/InMemory",
            swiftSettings: strictSettings
        ),
        /// What the SQL stores share: reading one stored row, and the Kernel models' row decoders.
        .target(
            name: "StoreSupport",
            dependencies: ["Kernel"],
            path: "Sources/Adapters/StoreSupport",
            swiftSettings: strictSettings
        ),
        .target(
            name: "SQLiteAdapter",
            dependencies: [
                "Kernel",
                "StoreSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Adapters/SQLite",
            swiftSettings: strictSettings
        ),

        .target(
            name: "PostgresAdapter",
            dependencies: [
                "Kernel",
                "StoreSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/Adapters/Postgres",
            swiftSettings: strictSettings
        ),
        /// Debian's libhiredis-dev, called through `redisCommandArgv` (Swift cannot call variadic C).
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(
            name: "RedisAdapter",
            dependencies: [
                "Kernel",
                "CHiredis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Adapters/Redis",
            swiftSettings: strictSettings
        ),
        .target(
            name: "PolymarketAdapter",
            dependencies: [
                "Kernel",
                "Ethereum",
                "PolymarketProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Adapters/Polymarket",
            swiftSettings: strictSettings
        ),

        .target(
            name: "FakeExchangeAdapter",
            dependencies: ["Kernel", "Ethereum", "PolymarketProtocol"],
            path: "Sources/Adapters/FakeExchange",
            swiftSettings: strictSettings
        ),

        /// The FakeExchange behind KernelTesting's venue control, for every suite that runs flows.
        .target(
            name: "FakeExchangeTesting",
            dependencies: ["FakeExchangeAdapter", "KernelTesting", "Kernel", "Ethereum", "PolymarketProtocol"],
            swiftSettings: strictSettings
        ),

        /// `mirror fake-polymarket`: Polymarket's HTTP and WebSocket wire protocol over a FakeVenue,
        /// verifying what Polymarket verifies, so the real adapter runs end to end without a network.
        .target(
            name: "FakePolymarket",
            dependencies: [
                "Kernel", "Ethereum", "PolymarketProtocol", "FakeExchangeAdapter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Adapters/FakePolymarket",
            swiftSettings: strictSettings
        ),
        /// KernelTesting's venue control over the facade's control route, and the harness that points
        /// the Polymarket adapter at an in-process facade.
        .target(
            name: "FakePolymarketTesting",
            dependencies: [
                "FakePolymarket", "FakeExchangeAdapter", "FakeExchangeTesting", "PolymarketAdapter", "KernelTesting",
                "Kernel", "Ethereum", "PolymarketProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Composition root
        .executableTarget(
            name: "App",
            dependencies: [
                "Kernel",
                "Ethereum",
                "PolymarketProtocol",
                "KeyVaultAdapter",
                "InMemoryAdapter",
                "SQLiteAdapter",
                "PostgresAdapter",
                "RedisAdapter",
                "PolymarketAdapter",
                "FakeExchangeAdapter",
                "FakePolymarket",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Webhook signatures (HMAC-SHA256, Standard Webhooks).
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Tests, one target per source target
        .testTarget(
            name: "KernelTests",
            dependencies: [
                "Kernel", "KernelTesting", "InMemoryAdapter", "FakeExchangeAdapter", "FakeExchangeTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "EthereumTests",
            dependencies: ["Ethereum"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PolymarketProtocolTests",
            dependencies: ["PolymarketProtocol", "Ethereum"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeyVaultAdapterTests",
            dependencies: [
                "KeyVaultAdapter", "Kernel", "KernelTesting", "Ethereum", "InMemoryAdapter",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InMemoryAdapterTests",
            dependencies: ["InMemoryAdapter", "Kernel", "KernelTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SQLiteAdapterTests",
            dependencies: [
                "SQLiteAdapter", "Kernel", "KernelTesting", "FakeExchangeTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PostgresAdapterTests",
            dependencies: [
                "PostgresAdapter", "Kernel", "KernelTesting", "FakeExchangeTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RedisAdapterTests",
            dependencies: [
                "RedisAdapter", "Kernel", "KernelTesting",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PolymarketAdapterTests",
            dependencies: [
                "PolymarketAdapter", "Kernel", "KernelTesting", "PolymarketProtocol", "Ethereum",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FakeExchangeAdapterTests",
            dependencies: [
                "FakeExchangeAdapter", "FakeExchangeTesting", "Kernel", "KernelTesting", "Ethereum", "PolymarketProtocol",
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "FakePolymarketTests",
            dependencies: [
                "FakePolymarket", "FakePolymarketTesting", "FakeExchangeAdapter", "FakeExchangeTesting",
                "PolymarketAdapter", "PolymarketProtocol", "Kernel", "KernelTesting", "InMemoryAdapter", "Ethereum",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                "Kernel",
                "KernelTesting",
                "InMemoryAdapter",
                "KeyVaultAdapter",
                "PolymarketAdapter",
                "FakePolymarket",
                "FakePolymarketTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
