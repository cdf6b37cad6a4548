import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Synchronization
import Testing

@testable import App

@Suite struct SecretCanaryTests {
    /// The master key, a user's trading key and their CLOB API secret never appear in a response,
    /// a log line, or anywhere in the SQLite files (so in no text column).
    @Test func secretsNeverReachResponsesLogsOrTheDatabase() async throws {
        try await withTemporaryFolder { folder in
            let masterKey = String(repeating: "c0ffee42", count: 8)
            let database = folder.appendingPathComponent("data/mirror.sqlite").path
            let world = try await APIWorld.make(["TRADING_KEY_ENCRYPTION_KEY": masterKey], store: database)
            let alice = try await APIWorld.token("dynamic|alice")
            let leader = try #require(try await world.backends.store.leaders().first).address.lowercased
            let bodies = ResponseLog()
            let secrets = Canaries()
            try await world.run { client in
                func record(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> String {
                    let body = try await client.call(method, uri, token: alice, json: json).body
                    bodies.append(body)
                    return body
                }
                var wallet = try decode(WalletView.self, try await record(.get, "/wallet"))
                for _ in 0..<20 where !wallet.ready {
                    await world.backends.venue.stepSimulation()
                    wallet = try decode(WalletView.self, try await record(.get, "/wallet"))
                }
                #expect(wallet.ready)
                _ = try await record(.get, "/me")
                _ = try await record(.post, "/leaders", json: #"{"address":"\#(leader)"}"#)
                let profile = try decode(ProfileView.self, try await record(
                    .post, "/copy-profiles", json: #"{"leaderAddress":"\#(leader)","preset":"BALANCED"}"#))
                _ = try await record(.get, "/copy-attempts")
                _ = try await record(.get, "/copy-profiles/\(profile.id)/positions")
                _ = try await record(.post, "/copy-profiles/\(profile.id)/stop", json: #"{"behavior":"SELL"}"#)
                _ = try await record(.patch, "/copy-profiles/\(profile.id)", json: #"{"mode":"nope"}"#)
                // Read while the store is open (the test's end closes it).
                let user = try #require(try await world.backends.store.user(externalID: "dynamic|alice"))
                let stored = try #require(try await world.backends.store.wallets(userID: user.id).first)
                let sealedSecret = try #require(stored.sealedAPISecret)
                let apiSecret = String(decoding: try await world.backends.vault.open(
                    sealedSecret, binding: .apiSecret(userID: stored.userID, signer: stored.signerAddress)), as: UTF8.self)
                let tradingKey = try await world.backends.vault.open(
                    stored.sealedKey, binding: .tradingKey(userID: stored.userID, address: stored.signerAddress))
                secrets.found.withLock {
                    $0 = (apiSecret: apiSecret, tradingKeyHex: tradingKey.map { String(format: "%02x", $0) }.joined())
                }
                #expect(tradingKey.count == 32)
            }

            var files = ""
            for suffix in ["", "-wal", "-shm"] {
                if let data = FileManager.default.contents(atPath: database + suffix) {
                    files += String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                }
            }
            #expect(!files.isEmpty)
            let places = ["responses": bodies.text, "logs": world.logs.text, "database files": files]
            let (apiSecret, tradingKeyHex) = secrets.found.withLock { $0 }
            #expect(apiSecret.count >= 32)
            #expect(tradingKeyHex.count == 64)
            for (canary, name) in [(masterKey, "master key"), (tradingKeyHex, "trading key"), (apiSecret, "CLOB secret")] {
                for (place, text) in places {
                    #expect(!text.lowercased().contains(canary.lowercased()), "the \(name) appears in the \(place)")
                }
            }
        }
    }
}

/// Response bodies collected across a test's requests.
final class ResponseLog: Sendable {
    private let bodies = Mutex<[String]>([])
    func append(_ body: String) { self.bodies.withLock { $0.append(body) } }
    var text: String { self.bodies.withLock { $0.joined(separator: "\n") } }
}

/// The plain secrets a test reads back through the vault, to look for.
final class Canaries: Sendable {
    let found = Mutex<(apiSecret: String, tradingKeyHex: String)>(("", ""))
}
