import Foundation
import Ethereum
import Hummingbird
import HummingbirdTesting
import JWTKit
import Kernel
import PolymarketProtocol
import Testing

@testable import App

/// Issue #21 item 3: destinations validated, amounts never rounded, the address book with its
/// delay and fresh sign-in, the daily limit, and every change audited — in production mode.
@Suite struct WithdrawalSafeguardTests {
    static func world() async throws -> APIWorld {
        try await APIWorld.make([
            "MIRROR_MODE": "production", "TRADING_KEY_ENCRYPTION_KEY": validKey, "ADMIN_TOKEN": validToken,
            "WITHDRAWAL_ADDRESS_DELAY": "1h", "WITHDRAWAL_DAILY_LIMIT": "30",
        ])
    }

    /// A token for `subject` issued `age` ago.
    static func token(_ subject: String, issuedAgo age: Duration) async throws -> String {
        let now = WallClock.system.now()
        var claims = TestTokens.claims(sub: subject, iss: testIssuer, aud: [testAudience], exp: now + .seconds(600),
                                       nbf: now - age - .seconds(5))
        claims.iat = IssuedAtClaim(value: (now - age).date)
        return try await TestTokens.rs256(claims, privateKeyPEM: testRSAKeyA, kid: "key-a")
    }

    func withdraw(_ client: any TestClientProtocol, _ token: String, amount: String, to destination: String,
                  key: String) async throws -> (status: Int, body: String) {
        try await client.call(.post, "/withdrawals", token: token,
                              json: #"{"amount":"\#(amount)","destination":"\#(destination)","idempotencyKey":"\#(key)"}"#)
    }

    @Test func destinationsAmountsAddressBookDailyLimitAndAudit() async throws {
        let world = try await Self.world()
        let fresh = try await Self.token("dynamic|safe", issuedAgo: .seconds(1))
        let stale = try await Self.token("dynamic|safe", issuedAgo: .seconds(11 * 60))
        let booked = "0x00000000000000000000000000000000000b00c1"
        let newcomer = "0x00000000000000000000000000000000000b00c2"
        try await world.run { client in
            let (wallet, stored) = try await world.readyFundedWallet(client, token: fresh)

            // Destinations and amounts, refused before anything is stored.
            let mixedCaseWrong = "0x52908400098527886E0F7030069857D2E4169EE7".replacingOccurrences(of: "E7", with: "e7")
            let refusals: [(String, String, String)] = [
                ("1", "0x" + String(repeating: "0", count: 40), "zero address"),
                ("1", mixedCaseWrong, "checksum"),
                ("1", Contracts.ctfExchangeV2.checksummed, "Polymarket contract"),
                ("1", wallet.depositAddress, "your own trading wallet"),
                ("0.0000005", booked, "at most 6 places"),
                ("1.1234567", booked, "at most 6 places"),
            ]
            for (amount, destination, reason) in refusals {
                let answer = try await self.withdraw(client, fresh, amount: amount, to: destination, key: "r")
                #expect(answer.status == 422, "\(destination): \(answer.body)")
                #expect(answer.body.contains(reason), "\(answer.body)")
            }
            // Production: only addresses in the book.
            let unknown = try await self.withdraw(client, fresh, amount: "1", to: newcomer, key: "u")
            #expect(unknown.status == 422)
            #expect(unknown.body.contains("add it with POST"))

            // Adding needs a sign-in from the last 10 minutes; the new address waits out the delay.
            let tooOld = try await client.call(.post, "/withdrawal-addresses", token: stale, json: #"{"address":"\#(newcomer)"}"#)
            #expect(tooOld.status == 403, "\(tooOld.body)")
            let added = try await client.call(.post, "/withdrawal-addresses", token: fresh,
                                              json: #"{"address":"\#(newcomer)","label":"my cold wallet"}"#)
            #expect(added.status == 201, "\(added.body)")
            let waiting = try await self.withdraw(client, fresh, amount: "1", to: newcomer, key: "w")
            #expect(waiting.status == 422)
            #expect(waiting.body.contains("becomes usable at"))

            // An address added long ago is usable; the daily limit of 30 counts what was accepted.
            let old = WithdrawalAddress(userID: stored.userID, address: try WalletAddress(booked),
                                        createdAt: .system - .seconds(90_000), usableAt: .system - .seconds(3_600))
            _ = try await world.backends.store.addWithdrawalAddress(old, audit: AuditEntry(
                id: "audit-seeded-address", actor: "test", action: "withdrawal_address.added", createdAt: old.createdAt))
            let first = try await self.withdraw(client, fresh, amount: "20", to: booked, key: "a")
            #expect(first.status == 201, "\(first.body)")
            let over = try await self.withdraw(client, fresh, amount: "10.000001", to: booked, key: "b")
            #expect(over.status == 422)
            #expect(over.body.contains("daily withdrawal limit of 30"))
            let fits = try await self.withdraw(client, fresh, amount: "10", to: booked, key: "c")
            #expect(fits.status == 201, "\(fits.body)")

            let removed = try await client.call(.delete, "/withdrawal-addresses/\(newcomer)", token: stale)
            #expect(removed.status == 204)
            let again = try await client.call(.delete, "/withdrawal-addresses/\(newcomer)", token: stale)
            #expect(again.status == 404)
            let listed = try await client.call(.get, "/withdrawal-addresses", token: fresh)
            #expect(listed.body.contains(booked.prefix(10)) && !listed.body.contains("my cold wallet"))
        }
        let trail = try await world.backends.store.recentAudit(limit: 50).map(\.action)
        #expect(trail.filter { $0 == "withdrawal_address.added" }.count == 2)
        #expect(trail.filter { $0 == "withdrawal_address.removed" }.count == 1)
        #expect(trail.filter { $0 == "withdrawal.requested" }.count == 2, "every accepted withdrawal is audited")
    }
}

extension Timestamp {
    static var system: Timestamp { WallClock.system.now() }
}
