import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import Logging
import Synchronization
import Testing

@testable import App

// Two throwaway RSA keys made for these tests only (openssl genrsa 2048); they sign nothing real.
let testRSAKeyA = """
-----BEGIN RSA PRIVATE KEY-----
MIIEoQIBAAKCAQEAt2hPFgSpvno02q7hBOrWLANBtanh9MWQqzWMkAy9aSiM+iJ7
xLmbpaSb9m0vCnlC2N8DywCPy1OS5z8ngg/ath7lgO6O1Wqqp+D+AN6HAT8K8xuA
5Lmp+Oo0yJMeqr5pHgt1vj6cmRjCKreqTVzZSwpbhCWtUkTs3k4/BvJA2TqYuyiz
Gi22AqORe32F5b+VXZJfp7ne2jp8jYd3gEsRAr3bidtxZCNPmO+YWdTgt3wllrYh
GX5b3yBNoOHHmbzLqs4YXKEW0fM3a801Fbjh6kKwSwSo+pbuiW7RhxPMc0ELsW+Y
bJSDGA7QAcyabpho/vTV6OY8Y4NoPOM4zmECFwIDAQABAoIBAA5X6gIe0JJE8b09
z/tCd7LEI8TBScU1bjWgNSNO28FNmo41WYNDwMMY4dmeev9RXG5O1/fC+NE98qSD
G+PgDuAPVS4wJJuBgWHVBrMACYQ0xKEelYX4adfoTm3L6P9mxMcaE6s9L6IJfaXk
QegASujDdpoZwuRG36oYacrGnKu1ofnbi2cfeZrlFecNfB/F5kfxyLigRrNO4QJI
ahFY71vrlRYRoYU1snN2BVaFL3HFqRau4A/+GLWqSig12ec/b2Wl9i34PI9IIVOK
wpIhemHNGqWEb1OHizvbMIDwCF3KNL0cjAbBdNOzXczQXZPBc+nfdHFNwHa4Ok8c
LbFykwECgYEA9CiCQ0ohp3B7xYOQfQ0KsTIzyJpbADBCrV2hGKPql+pi0I6u1IKg
LCOlq00INawmluge5iDOEbx/F98EOOBcli8u3+XOq2DfEsYUNdTMVMZxn7y+uVBR
C/8A4O1Iwb3i2KwwNSdsh/dFp6+bSd+qtb/pfkHZpvK00kSf9Zs/nI8CgYEAwE2D
RuwB5dQE3CUK+lUCX+G1qoLufLhXOjev8WuLU47ila/7wDxBwcTISajpI+diEWUz
y/GWjEc92w9iYVEEgWqSYDnl33pvN8bzTCEFf+xM2L/eEaGr+UfHGHx2qh4yYprk
5E3Oba8pP8EaJw/oyds/GyTxDrDWyuGP4Di2FfkCgYEAsSLultkin3L5KSwxWLhs
iHAup5xs5y8cQOEL7m+F1J+E/2B1MNJwWHWoTSZ/DUmPWa6gND+aob2Ky4vOaWFF
auRicqgsj6OhU+KHaSKw99RdPRHXoWTG2Bgyz/z26zDTcnVCKF4o3GAmlejOlgMC
vAe25BXsTbYKP/7vumXe+bsCfxRIGJBiU9Dpi5msTnwYeyehpodVR9Hfn1OEjAnq
TceCSmN/LA4aTNUi6/zY0731qWIsSko4MKia2us/tCCPauo7UzTS5murfg9j7EUb
NnlHctNpaQJzCrA/4b+zYNCQXsAHlhx+GEd5MeCHfTqhcuvXM9CpFMN34y+CmqoL
USkCgYBulSdkuMrMQAIvM1U/slCOpZ2UILMG3Fr4f9W6ghsTQjxP2JPLgEaRelCg
Kwhzvfqg3YnVte73nZ9Wur30gwBLCLkiWpNW2thyMMj4GW5DFQgt2s1eGEuOjJL2
KhyL6rt7N+gb3Ow+FheXYS1qLUr24s92GJ518uU057ybGqxzHg==
-----END RSA PRIVATE KEY-----
"""

let testRSAKeyB = """
-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAtr7SBPOEMOivktfbqlMOpwm0uFGDCWvI7YBW/w4R4C/mPkzv
zf8kaDN1a1pVya/10RoYbrT00yIaEvI9iREK6dyzSfbloFLH8NtS7xBaUa9TqPd5
kTUTiZTEwle1hzDB2JZbrZHSYG86oqVxH/rHUgY5NXPZd0hkjVbCMu13aXm6dAo/
27H3TwL7Ps3Kfubkx+fF2nkeDjP+5T5nrGBbjrtccGlZ9qwhBcLTbHgoqgP1+nsO
gsNtNJOKyQBdksAKqP8xkoaOl+mlYZYzIukLTN8SgtEL+ZJsNxMoTR+PqDS8OWUZ
qolHgZet/4K/NHv8BSsKk1WWTWJ48vdjb8jzfwIDAQABAoIBABohYPB6TY2cx/Ys
TWmmZLL3zVKJvT3snpdvQYFI5r9yue5wm92NvQv1R7Xo/dlQAss6ewHheBx0hNvu
rWPa/v9/oldSKXVqQNKs2cf7Q57ofgLsGALuXvPORPAxEHDbROyOW1+POVC2tuCo
3WsgNb4By85b2V2YCWC4Zh5YHDoFgliFQla+gfwE4ikzCt/EL7U5FM7WStlV5KPL
o7DIFCq6mWogXsM1knBRf/NMN9rnf4Co3nyQOXPfDobyD3A1ZsQv8BOaYhfXa4Fk
G2wKrbQ5YgXxH6btjjHyShaDj4b/lEjU9Z3iz5POzheqAfJvh8DctGn3D7U0sgl8
qQmRdckCgYEA+13gO8lGx2a8DIHdVYEkdmyZPcVXRbg68dNPNEuyGPzUTOCdVq79
ZOXs70C5Yfx5hJCss4nHJOSunECMDoqS0+vsMZN3Kkp0ygH1u2ZkLqrL2OT5J9ks
6B78nTXWas3eZ1egr9pQ2QuRz++j4Kcm33SsW22U49gAkViPW6BVH+sCgYEAuh0k
HnYbgcsT0KiG5aFCDKC6dyW9L4TNspKtkZ1Hb26PHoMniD/xPL30pPY5WWa42IIi
9MpObaBVMv4gKGWAGSoAHaY1WGK5MqkmqRG42wYjxfEiBE5eG/9hChlmGaoXFPke
JEreNrb5tqf57NPT+QM4JAY24pYLTIoUCidLab0CgYEAldhUf89w3hWkLGCOLRab
Qe1jPKuTZwB4QwiQwsANH1A4zstnf/E5JRjbsZSH7p2vYxNLoIuVp6ybWpIv68s3
1BVj6/nYo+FW1cVtU5WqSxeOBXIaBWM1nfo65QzfETRATKK0K6CdaYW4GpjkvFto
lPTcenRMubZeQEbmztw5YpkCgYBvZGuu06/pAlwMwiFjJR48IqMYFv1hiJH49HNw
OPt9hWWhtIwfr226llLrvPdcO/Acnd9ANim00YbM627h3sZJyWqiVE2PZh9EZBtg
i9vhM46LtaRPgXwwM6yn98W1TKleAzB4NltD0kYpfeZHSg2P985NOW72NSn0GJyf
6x7m3QKBgQDyD1t6i107Y2Pc0Y9Catfvo+/+5P/3MpUnzUEQDZtbqAagwgxBV60a
qUJBKCcO98YT74mkbU7yrW4GTtsp31uDnG+IoFhwJOzSXH6srJAdVbA+ZXwGHGuo
ffZcpLw5a7u2j2TaBIRGukoWM4PIoaL/xQWKBkTAVesQyMTdu24qqg==
-----END RSA PRIVATE KEY-----
"""

let testIssuer = "app.dynamicauth.com/env-test"
let testAudience = "https://mirror.test"

/// Log lines of one test, in memory.
final class CapturedLogs: Sendable {
    let lines = Mutex<[String]>([])

    var text: String { self.lines.withLock { $0.joined(separator: "\n") } }

    func logger() -> Logger {
        var logger = Logger(label: "mirror-test") { _ in CapturingHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    struct CapturingHandler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.sink.lines.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}

/// A JWKS source that counts its fetches and serves whatever set the test put in.
final class ScriptedJWKS: JWKSFetcher, Sendable {
    let served = Mutex<Data>(Data())
    let fetches = Atomic<Int>(0)

    func fetchJWKS() async throws -> Data {
        self.fetches.add(1, ordering: .relaxed)
        return self.served.withLock { $0 }
    }
}

/// One running API over backends the test keeps, with helpers to call it as a user.
struct APIWorld {
    var configuration: MirrorConfiguration
    var backends: Backends
    var logs: CapturedLogs
    var jwks: ScriptedJWKS

    static func make(_ environment: [String: String] = [:], store: String = "memory:", folder: URL? = nil) async throws -> APIWorld {
        var env = ["MIRROR_MODE": "local", "DATABASE_URL": store, "DYNAMIC_PUBLIC_KEY": try TestTokens.publicKeyPEM(privateKeyPEM: testRSAKeyA),
                   "DYNAMIC_ISSUER": testIssuer, "DYNAMIC_AUDIENCE": testAudience]
        env.merge(environment) { $1 }
        if env["DYNAMIC_JWKS_URL"] != nil { env["DYNAMIC_PUBLIC_KEY"] = nil }
        let parsed = try parseConfiguration(env)
        let logs = CapturedLogs()
        let backends = try await Backends.open(configuration: parsed, logger: logs.logger())
        return APIWorld(configuration: parsed, backends: backends, logs: logs, jwks: ScriptedJWKS())
    }

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = try await buildApplication(configuration: self.configuration, backends: self.backends, role: .api,
                                             jwksFetcher: self.jwks, logger: self.logs.logger())
        try await app.test(.router, body)
    }

    /// Signs the holder of `token` in, steps the simulated venue until their wallet is READY and
    /// funds it as local mode does; returns the wallet as the API and the store show it.
    func readyFundedWallet(_ client: any TestClientProtocol, token: String) async throws -> (WalletView, TradingWallet) {
        var wallet = try decode(WalletView.self, try await client.call(.get, "/wallet", token: token).body)
        for _ in 0..<20 where !wallet.ready {
            await self.backends.venue.stepSimulation()
            wallet = try decode(WalletView.self, try await client.call(.get, "/wallet", token: token).body)
        }
        let stored = try #require(try await self.backends.store.wallet(id: WalletID(wallet.id)))
        await self.backends.venue.fundLocalUser(stored)
        return (wallet, stored)
    }

    /// A valid Dynamic token for `subject`, signed with key A.
    static func token(_ subject: String) async throws -> String {
        let now = WallClock.system.now()
        return try await TestTokens.rs256(
            TestTokens.claims(sub: subject, iss: testIssuer, aud: [testAudience], exp: now + .seconds(600), nbf: now - .seconds(5)),
            privateKeyPEM: testRSAKeyA, kid: "key-a")
    }
}

extension TestClientProtocol {
    /// Calls `uri` as the holder of `token`; returns status and body text.
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?, json: String? = nil) async throws -> (status: Int, body: String) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: uri, method: method, headers: headers,
                                      body: json.map { ByteBuffer(string: $0) }) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }
}

func decode<T: Decodable>(_: T.Type, _ body: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(body.utf8))
}

/// ``configuration(_:adminToken:)`` under a name `APIWorld`'s own `configuration` does not hide.
func parseConfiguration(_ environment: [String: String]) throws -> MirrorConfiguration {
    try configuration(environment)
}
