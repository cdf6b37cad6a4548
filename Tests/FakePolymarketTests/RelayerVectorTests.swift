import Ethereum
import FakeExchangeAdapter
@testable import FakePolymarket
import Foundation
import Kernel
import KernelTesting
import PolymarketProtocol
import Testing

/// The official relayer vectors' `submit_body` bytes (py-builder-relayer-client and the unified
/// SDK) pass the facade's verification — wallet, nonce and decoded calls as the vector says — and
/// the same bodies with another key's signature do not.
@Suite struct RelayerVectorTests {
    static let kinds = ["safe_relayer_tx", "proxy_relayer_tx", "deposit_wallet_batch", "safe_create_relayer_tx"]

    @Test func everyOfficialSubmitBodyVerifiesAndAForgedOneDoesNot() async throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 7)
        for vector in vectors {
            let id = try #require(vector["id"] as? String)
            let input = try #require(vector["input"] as? [String: Any])
            let expected = try #require(vector["expected"] as? [String: Any])
            let submitBody = try #require(expected["submit_body"] as? [String: Any])
            let body = String(decoding: try JSONSerialization.data(withJSONObject: submitBody), as: UTF8.self)
            // Before a WALLET batch's deadline; PROXY bodies sign the vector's relay.
            let deadline = (input["deadline"] as? String).flatMap { Int64($0) } ?? 1_760_000_600
            let relay = try Address(hex: input["relay_address"] as? String ?? FakeRelayerSettings.testRelayAddress.lowercased)
            let verifier = RelayerSubmissionVerifier(
                venue: FakeVenue(seed: 1, wallClock: ManualWallClock().wallClock),
                settings: FakeRelayerSettings(builderKeys: [], relayerAPIKeys: [:], relayAddress: relay), chainID: 137,
                now: Timestamp(epochMilliseconds: (deadline - 60) * 1_000))

            let transaction = try await verifier.verify(body)
            let wallet = try #require(expected["safe_address"] ?? expected["proxy_wallet"] ?? input["deposit_wallet"]
                ?? submitBody["proxyWallet"]) as? String
            #expect(transaction.wallet == (try WalletAddress(try #require(wallet))), "\(id)")
            let nonce = (input["safe_nonce"] ?? input["relay_nonce"] ?? input["nonce"]) as? String
            #expect(transaction.nonce == nonce.flatMap { Int($0) }, "\(id)")
            #expect(transaction.calls.count == (input["calls"] as? [Any])?.count ?? 0, "\(id)")

            let signature = try #require(submitBody["signature"] as? String)
            var forgedBody = submitBody
            forgedBody["signature"] = String(signature.prefix(10)) + (signature.dropFirst(10).first == "0" ? "1" : "0")
                + signature.dropFirst(11)
            let forged = String(decoding: try JSONSerialization.data(withJSONObject: forgedBody), as: UTF8.self)
            await #expect(throws: WireError.self, "\(id)") { _ = try await verifier.verify(forged) }
        }
    }

    @Test func callsDecodeToWhatTheyDo() async throws {
        let byID = Dictionary(uniqueKeysWithValues: try Self.vectors().map { ($0["id"] as? String ?? "", $0) })
        let multiSend = try #require(byID["safe_relayer_tx-003"]?["expected"] as? [String: Any])
        let data = try Hex.decode(try #require((multiSend["submit_body"] as? [String: Any])?["data"] as? String))
        let calls = try RelayerCalldata.multiSendCalls(data)
        guard calls.count == 2, case .approval = calls[0],
              case .redeem(let target, let collateral, _) = calls[1] else {
            Issue.record("safe_relayer_tx-003 decoded as \(calls)")
            return
        }
        #expect(target == Contracts.negRiskCtfCollateralAdapter && collateral == Contracts.pUSD)
    }

    static func vectors() throws -> [[String: Any]] {
        let path = ProcessInfo.processInfo.environment["POLYMARKET_VECTORS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("shared/vectors/polymarket-public.json").path
        let root = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        return (root?["cases"] as? [[String: Any]] ?? []).filter { Self.kinds.contains($0["kind"] as? String ?? "") }
    }
}
