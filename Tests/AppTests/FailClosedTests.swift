import Testing

@testable import App

/// Issue #21 item 4, the fail-closed start-up table: a configuration that looks like a
/// deployment never silently runs in local mode, and production refuses weak secrets. Each
/// refusal names its variable; each allowed case parses.
@Suite struct FailClosedTests {
    static let pem = "-----BEGIN PUBLIC KEY-----abc-----END PUBLIC KEY-----"
    static let openSSLToken = "5d41402abc4b2a76b9719d911017c592e2fc8e1a6d7b3c4f0a9e8d7c6b5a4f3e"
    static let production = ["MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": openSSLToken]

    @Test(arguments: [
        ("DYNAMIC_PUBLIC_KEY", ["DYNAMIC_PUBLIC_KEY": pem], "MIRROR_MODE=production"),
        ("DYNAMIC_JWKS_URL", ["DYNAMIC_JWKS_URL": "https://app.dynamic.xyz/jwks"], "MIRROR_MODE=production"),
        ("HOST", ["HOST": "0.0.0.0"], "MIRROR_MODE=production"),
        ("HOST", ["HOST": "10.0.0.7", "ADMIN_TOKEN": "a"], "MIRROR_MODE=local"),
        ("ADMIN_TOKEN", production.merging(["ADMIN_TOKEN": String(repeating: "a", count: 32)]) { $1 }, "random"),
        ("ADMIN_TOKEN", production.merging(["ADMIN_TOKEN": "0123456789abcdef0123456789abcde"]) { $1 }, "at least 32"),
        ("ADMIN_TOKEN", production.merging(["ADMIN_TOKEN": "abcabcabcabcabcabcabcabcabcabcabcabc"]) { $1 }, "10 distinct"),
        ("TRADING_KEY_ENCRYPTION_KEY", production.merging(["TRADING_KEY_ENCRYPTION_KEY": String(repeating: "0", count: 64)]) { $1 },
         "every byte is the same"),
        ("TRADING_KEY_ENCRYPTION_KEY", production.merging(["TRADING_KEY_ENCRYPTION_KEY": String(repeating: "7f", count: 32)]) { $1 },
         "every byte is the same"),
        ("DYNAMIC_JWKS_URL", production.merging(["DYNAMIC_JWKS_URL": "http://keys.example.com/jwks"]) { $1 }, "https://"),
    ])
    func refusedNamingTheVariable(variable: String, environment: [String: String], advice: String) throws {
        let error = try #require(configurationError(environment))
        #expect(error.variable == variable)
        #expect(error.description.contains(advice), "\(error)")
    }

    @Test(arguments: [
        [String: String](),
        // Insisting on local mode: the developer chose it.
        ["MIRROR_MODE": "local", "DYNAMIC_PUBLIC_KEY": pem, "HOST": "0.0.0.0"],
        // Local mode on PostgreSQL and Redis with a short ADMIN_TOKEN: development and tests.
        ["DATABASE_URL": "postgres://mirror@127.0.0.1:5432/mirror", "REDIS_URL": "redis://127.0.0.1:6379", "ADMIN_TOKEN": "a"],
        ["HOST": "localhost"], ["HOST": "127.0.0.2"], ["HOST": "::1"],
        production,
        production.merging(["DYNAMIC_JWKS_URL": "https://app.dynamic.xyz/jwks"]) { $1 },
        production.merging(["DYNAMIC_JWKS_URL": "http://127.0.0.1:9999/jwks"]) { $1 },
    ])
    func allowed(_ environment: [String: String]) throws {
        _ = try configuration(environment)
    }
}
