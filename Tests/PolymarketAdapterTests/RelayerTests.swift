import Ethereum
import Foundation
import InMemoryLogging
import Kernel
import KernelTesting
import Logging
@testable import PolymarketAdapter
import PolymarketProtocol
import Testing

/// The relayer over a scripted transport: the vectors' `safe_relayer_tx`, `proxy_relayer_tx`,
/// `deposit_wallet_batch` and `safe_create_relayer_tx` bodies byte for byte, signed through the
/// KeyVault port; nonces fetched as spec §11.2 says; states mapped to the relayer-tx machine.
@Suite struct RelayerTests {
    static let builder = try! APICredentials(
        apiKey: "builder-key-0001", secret: "YnVpbGRlci1zZWNyZXQtZm9yLXRlc3RzLTAwMDAwMDE=", passphrase: "builder-passphrase-01")

    static func relayer(_ transport: RecordingTransport, clock: ManualClock = ManualClock(),
                        authentication: RelayerAuthentication = .builder(RelayerTests.builder),
                        proxyGasLimit: UInt64 = 200_000, metadata: String? = nil,
                        logger: Logger = Logger(label: "test")) -> PolymarketRelayer {
        PolymarketRelayer(
            configuration: Fixture.feedConfiguration(), transport: transport, authentication: authentication,
            clock: clock, logger: logger, proxyGasLimit: proxyGasLimit,
            metadata: { request in metadata ?? PolymarketRelayer.label(request) })
    }

    static func calls(_ input: JSONValue, targetKey: String) throws -> [RelayerCall] {
        try (input["calls"]?.array ?? []).map { call in
            RelayerCall(to: try Address(hex: try call.must(targetKey)), value: try UInt256(decimal: try call.must("value")),
                        data: try Hex.decode(try call.must("data")))
        }
    }

    /// The port request a vector's single call stands for, when there is one.
    static func request(for call: RelayerCall) throws -> RelayerRequest? {
        let selector = Hex.encode(call.data.prefix(4))
        if selector == "0xa9059cbb" {
            let recipient = try WalletAddress(Hex.encode(call.data[16..<36]))
            let amount = Int64(try UInt256(bigEndianBytes: call.data[36..<68]).decimalString)!
            return .withdraw(amount: Collateral(baseUnits: amount), to: recipient)
        }
        if call.to == Contracts.ctfCollateralAdapter || call.to == Contracts.negRiskCtfCollateralAdapter {
            return .redeem(conditionID: Hex.encode(call.data[68..<100]), negRisk: call.to == Contracts.negRiskCtfCollateralAdapter,
                           shares: [:])
        }
        return nil
    }

    /// Signs `prepared` with `key` through a KeyVault, as the engine does.
    static func signViaVault(_ prepared: PreparedRelayerTx, key: PrivateKey, account: TradingAccount) async throws -> [UInt8] {
        let vault = TestKeyVault()
        let sealed = vault.adopt(key)
        return try await vault.sign(digest: prepared.digest, with: sealed,
                                    binding: .tradingKey(userID: "user-1", address: account.signerAddress))
    }

    struct Case {
        var id: String
        var account: TradingAccount
        var key: PrivateKey
        var calls: [RelayerCall]
        var metadata: String
        var digest: String
        var relayer: PolymarketRelayer
        var transport: RecordingTransport
    }

    /// One vector as a case: the account it acts for, its calls, and a relayer whose transport
    /// answers the nonce route as the vector's input says.
    static func makeCase(_ vector: JSONValue, type: WalletType, funder: (JSONValue, JSONValue) throws -> String,
                         targetKey: String, digestKey: String,
                         relayer: (JSONValue, RecordingTransport) throws -> PolymarketRelayer) throws -> Case {
        let (input, expected) = (try #require(vector["input"]), try #require(vector["expected"]))
        let transport = RecordingTransport()
        return Case(
            id: try vector.must("id"),
            account: TradingAccount(walletID: "w", type: type, signerAddress: try WalletAddress(try input.must("eoa")),
                                    funderAddress: try WalletAddress(try funder(input, expected))),
            key: try PrivateKey(hex: try input.must("private_key")), calls: try Self.calls(input, targetKey: targetKey),
            metadata: input["metadata"]?.text ?? "", digest: try expected.must(digestKey),
            relayer: try relayer(input, transport), transport: transport)
    }

    static func cases() throws -> [Case] {
        let safe = try Vectors.cases(kind: "safe_relayer_tx").map { vector in
            try Self.makeCase(vector, type: .safe, funder: { try $1.must("safe_address") }, targetKey: "to",
                              digestKey: "eth_signed_message_hash") { input, transport in
                transport.on("GET /nonce", json: #"{"nonce":"\#(try input.must("safe_nonce"))"}"#)
                return Self.relayer(transport, metadata: input["metadata"]?.text ?? "")
            }
        }
        let proxy = try Vectors.cases(kind: "proxy_relayer_tx").map { vector in
            try Self.makeCase(vector, type: .proxy, funder: { try $1.must("proxy_wallet") }, targetKey: "to",
                              digestKey: "eth_signed_message_hash") { input, transport in
                transport.on("GET /relay-payload", json: """
                    {"address":"\(try input.must("relay_address"))","nonce":"\(try input.must("relay_nonce"))"}
                    """)
                return Self.relayer(transport, proxyGasLimit: UInt64(try input.must("gas_limit"))!,
                                    metadata: input["metadata"]?.text ?? "")
            }
        }
        let deposit = try Vectors.cases(kind: "deposit_wallet_batch").map { vector in
            try Self.makeCase(vector, type: .depositWallet, funder: { input, _ in try input.must("deposit_wallet") },
                              targetKey: "target", digestKey: "digest") { input, transport in
                // The nonce as a JSON number: accepted too (spec §11.2).
                transport.on("GET /nonce", json: #"{"nonce":\#(try input.must("nonce"))}"#)
                let deadline = Int64(try input.must("deadline"))!
                return Self.relayer(transport, clock: ManualClock(Timestamp(epochMilliseconds: (deadline - 600) * 1_000)),
                                    metadata: "")
            }
        }
        return safe + proxy + deposit
    }

    @Test func everyRelayerVectorBodyByteForByteThroughPrepareVaultSignatureAndSubmit() async throws {
        let cases = try Self.cases()
        #expect(cases.count == 6)
        for item in cases {
            // Through the port where the vector is one of its requests, else through the calls.
            let prepared: PreparedRelayerTx
            if item.calls.count == 1, let request = try Self.request(for: item.calls[0]) {
                #expect(try PolymarketRelayer.calls(for: request) == item.calls, "\(item.id)")
                prepared = try await item.relayer.prepare(request, account: item.account)
            } else {
                let envelope = try await item.relayer.envelope(calls: item.calls, account: item.account, metadata: item.metadata)
                prepared = PreparedRelayerTx(request: .approve, digest: try envelope.transaction(chainID: 137).digest,
                                             unsignedPayload: envelope.serialized)
            }
            #expect(Hex.encode(prepared.digest) == item.digest, "\(item.id)")
            let signature = try await Self.signViaVault(prepared, key: item.key, account: item.account)
            let payload = try item.relayer.signedPayload(for: prepared, signature: signature, account: item.account)
            #expect(payload == (try VectorText.compactMember("submit_body", ofCase: item.id)), "\(item.id)")

            // The nonce was asked for the owner EOA and the wallet's type.
            let nonceRequest = try #require(item.transport.requests.first { $0.path == "/nonce" || $0.path == "/relay-payload" })
            #expect(nonceRequest.query.first { $0.name == "address" }?.value == item.account.signerAddress.ethereum.checksummed)
            let type = ["SAFE": "SAFE", "PROXY": "PROXY", "DEPOSIT_WALLET": "WALLET"][item.account.type.rawValue]
            #expect(nonceRequest.query.first { $0.name == "type" }?.value == type)

            // Submitted as those exact bytes, builder-signed over them.
            item.transport.on("POST /submit", json: #"{"transactionID":"tx-\#(item.id)","state":"STATE_NEW"}"#)
            let submission = try await item.relayer.submit(payload: payload, account: item.account)
            #expect(submission.reference == "tx-\(item.id)" && submission.status == .submitted)
            let sent = try #require(item.transport.requests("POST /submit").last)
            #expect(sent.body == payload && sent.url == "https://relayer.test/submit")
            let expectedHeaders = HMACAuth.builderHeaders(
                credentials: Self.builder, timestamp: ManualClock().now().epochMilliseconds / 1_000, method: "POST",
                requestPath: "/submit", body: payload)
            if item.account.type != .depositWallet {
                #expect(sent.header("POLY_BUILDER_SIGNATURE") == expectedHeaders.signature, "\(item.id)")
            }
            for field in expectedHeaders.fields where field.name != "POLY_BUILDER_SIGNATURE" && field.name != "POLY_BUILDER_TIMESTAMP" {
                #expect(sent.header(field.name) == field.value)
            }
        }
    }

    @Test func safeCreationMatchesItsVectorAndChecksDeployedFirst() async throws {
        let vector = try #require(try Vectors.cases(kind: "safe_create_relayer_tx").first)
        let (input, expected) = (try #require(vector["input"]), try #require(vector["expected"]))
        let eoa = try WalletAddress(try input.must("eoa"))
        let safe = try WalletAddress(try #require(expected["submit_body"]).must("proxyWallet"))
        let account = TradingAccount(walletID: "w", type: .safe, signerAddress: eoa, funderAddress: safe)
        let transport = RecordingTransport()
        transport.on("GET /deployed", json: #"{"deployed":false}"#)
        let relayer = Self.relayer(transport)
        let prepared = try await relayer.prepare(.deploy, account: account)
        #expect(Hex.encode(prepared.digest) == (try expected.must("digest")))
        let key = try PrivateKey(hex: try input.must("private_key"))
        let payload = try relayer.signedPayload(
            for: prepared, signature: try await Self.signViaVault(prepared, key: key, account: account), account: account)
        #expect(payload == (try VectorText.compactMember("submit_body", ofCase: try vector.must("id"))))
        #expect(transport.requests("GET /deployed").first?.query.first?.value == safe.ethereum.checksummed)

        transport.on("GET /deployed", json: #"{"deployed":true}"#)
        await #expect(throws: VenueError.self) { _ = try await relayer.prepare(.deploy, account: account) }
    }

    @Test func depositWalletDeployIsAnUnsignedWalletCreate() async throws {
        let key = Fixture.key
        let account = TradingAccount(walletID: "w", type: .depositWallet, signerAddress: Fixture.eoa,
                                     funderAddress: try WalletAddress("0x14f98545ef18b322e030c8de5c6a3d9b951ea40c"))
        let transport = RecordingTransport()
        transport.on("GET /deployed", json: #"{"deployed":false}"#)
        let relayer = Self.relayer(transport)
        let prepared = try await relayer.prepare(.deploy, account: account)
        let payload = try relayer.signedPayload(
            for: prepared, signature: try await Self.signViaVault(prepared, key: key, account: account), account: account)
        #expect(payload == #"{"type":"WALLET-CREATE","from":"\#(key.address.checksummed)","to":"0x00000000000Fb5C9ADea0298D729A0CB3823Cc07","metadata":"deploy"}"#)
        #expect(transport.requests("GET /deployed").first?.query.contains(.init("type", "WALLET")) == true)
        let forged = try PrivateKey(hex: "0x" + String(repeating: "11", count: 32)).sign(digest: prepared.digest).bytes
        #expect(throws: VenueError.self) { _ = try relayer.signedPayload(for: prepared, signature: forged, account: account) }
    }

    @Test func approvalsAndNegRiskRedeemGoToTheRightContracts() throws {
        let approvals = try PolymarketRelayer.calls(for: .approve)
        #expect(approvals == RelayerCall.tradingApprovals && approvals.count == 8)
        let condition = "0x" + String(repeating: "ab", count: 32)
        let negRisk = try PolymarketRelayer.calls(for: .redeem(conditionID: condition, negRisk: true, shares: [:]))
        #expect(negRisk.map(\.to) == [Contracts.negRiskCtfCollateralAdapter])
        let standard = try PolymarketRelayer.calls(for: .redeem(conditionID: condition, negRisk: false, shares: [:]))
        #expect(standard.map(\.to) == [Contracts.ctfCollateralAdapter])
        #expect(throws: VenueError.self) { _ = try PolymarketRelayer.calls(for: .redeem(conditionID: "0x12", negRisk: false, shares: [:])) }
        #expect(throws: VenueError.self) { _ = try PolymarketRelayer.calls(for: .withdraw(amount: .zero, to: Fixture.eoa)) }
    }

    @Test func refusalsBeforeAnythingIsSigned() async throws {
        let transport = RecordingTransport()
        transport.on("GET /nonce", json: #"{"nonce":"1"}"#)
        let relayer = Self.relayer(transport)
        let eoa = Fixture.account
        await #expect(throws: VenueError.self) { _ = try await relayer.prepare(.approve, account: eoa) }
        let proxy = TradingAccount(walletID: "w", type: .proxy, signerAddress: Fixture.eoa,
                                   funderAddress: try WalletAddress(WalletDerivation.polygon.proxyWallet(owner: Fixture.key.address).lowercased))
        await #expect(throws: VenueError.self) { _ = try await relayer.prepare(.deploy, account: proxy) }
        // A Safe that is not the signer's: refused rather than signed for the wrong wallet.
        let stranger = TradingAccount(walletID: "w", type: .safe, signerAddress: Fixture.eoa, funderAddress: try WalletAddress(Fixture.otherWallet))
        await #expect(throws: VenueError.self) { _ = try await relayer.prepare(.approve, account: stranger) }
        #expect(transport.requests.isEmpty)

        // A signature by another key, or a tampered envelope, never becomes a body.
        let safe = TradingAccount(walletID: "w", type: .safe, signerAddress: Fixture.eoa,
                                  funderAddress: WalletAddress(WalletDerivation.polygon.safe(owner: Fixture.key.address)))
        let prepared = try await relayer.prepare(.withdraw(amount: .dollars(1), to: try WalletAddress(Fixture.otherWallet)), account: safe)
        let other = try PrivateKey(hex: "0x" + String(repeating: "22", count: 32))
        #expect(throws: VenueError.self) {
            _ = try relayer.signedPayload(for: prepared, signature: try other.sign(digest: prepared.digest).bytes, account: safe)
        }
        var tampered = prepared
        tampered.unsignedPayload = prepared.unsignedPayload.replacingOccurrences(of: "\"nonce\":\"1\"", with: "\"nonce\":\"2\"")
        #expect(tampered.unsignedPayload != prepared.unsignedPayload)
        #expect(throws: VenueError.self) {
            _ = try relayer.signedPayload(for: tampered, signature: try Fixture.key.sign(digest: tampered.digest).bytes, account: safe)
        }
    }

    @Test(arguments: [
        ("STATE_NEW", RelayerTx.Status.submitted), ("STATE_EXECUTED", .submitted), ("STATE_MINED", .mined),
        ("STATE_CONFIRMED", .confirmed), ("STATE_FAILED", .failed), ("STATE_INVALID", .failed),
    ])
    func statesMapToTheRelayerTxMachine(state: String, status: RelayerTx.Status) async throws {
        let transport = RecordingTransport()
        transport.on("GET /transaction", json: """
            [{"transactionID":"abc-1","transactionHash":"0xABCDEF","from":"0x0","to":"0x0","proxyAddress":"0x0",
              "data":"0x","nonce":"3","value":"0","signature":"0x","state":"\(state)","type":"SAFE","owner":"0x0",
              "metadata":"withdraw","createdAt":"2026-11-29T00:00:00Z","updatedAt":"2026-11-29T00:00:01Z"}]
            """)
        let submission = try await Self.relayer(transport).state(reference: "abc-1")
        #expect(submission.status == status && submission.state == state)
        #expect(submission.reference == "abc-1" && submission.transactionHash == "0xabcdef")
        #expect(transport.requests.first?.query == [.init("id", "abc-1")])
    }

    @Test func unknownStatesAndTransactionsAreNotGuessed() async throws {
        let transport = RecordingTransport()
        transport.on("GET /transaction", json: #"[{"transactionID":"abc","state":"STATE_SOMETHING_NEW"}]"#)
        let relayer = Self.relayer(transport)
        #expect(try await relayer.state(reference: "abc").status == nil)
        transport.on("GET /transaction", json: "[]")
        await #expect(throws: VenueError.refused(status: 404, message: "the relayer knows no transaction abc")) {
            _ = try await relayer.state(reference: "abc")
        }
    }

    @Test func submitErrorsAreClassified() async throws {
        let transport = RecordingTransport()
        let relayer = Self.relayer(transport)
        let replies: [(Int, String, (VenueError) -> Bool)] = [
            (400, #"{"error":"wallet busy: has an active action"}"#, { if case .unavailable = $0 { true } else { false } }),
            (400, #"{"error":"batch nonce 3 does not match on-chain nonce 4"}"#, { if case .refused(400, _) = $0 { true } else { false } }),
            (401, #"{"error":"invalid authorization"}"#, { if case .refused(401, _) = $0 { true } else { false } }),
            (429, #"{"error":"quota exceeded"}"#, { if case .rateLimited = $0 { true } else { false } }),
            (503, "upstream down", { if case .unavailable = $0 { true } else { false } }),
            (200, #"{"error":"something wrong"}"#, { if case .refused = $0 { true } else { false } }),
            (200, #"{"state":"STATE_NEW"}"#, { if case .malformedResponse = $0 { true } else { false } }),
        ]
        for (status, body, matches) in replies {
            transport.on("POST /submit", status: status, json: body)
            do {
                _ = try await relayer.submit(payload: "{}", account: Fixture.account)
                Issue.record("\(status) \(body) did not throw")
            } catch let error as VenueError {
                #expect(matches(error), "\(status) \(body) → \(error)")
            }
        }
    }

    @Test func relayerKeyAuthSendsTheKeyAndItsAddress() async throws {
        let transport = RecordingTransport()
        transport.on("GET /transaction", json: #"[{"transactionID":"abc","state":"STATE_MINED"}]"#)
        let relayer = Self.relayer(transport, authentication: .relayerKey(apiKey: "relayer-key-secret-0001", address: Fixture.eoa))
        _ = try await relayer.state(reference: "abc")
        let request = try #require(transport.requests.first)
        #expect(request.header("RELAYER_API_KEY") == "relayer-key-secret-0001")
        #expect(request.header("RELAYER_API_KEY_ADDRESS") == Fixture.key.address.checksummed)
        #expect(request.header("POLY_BUILDER_SIGNATURE") == nil)
    }
}

@Suite struct RelayerAuthenticationEnvironmentTests {
    @Test func credentialsComeFromTheEnvironmentAndBadOnesNameOnlyTheVariable() throws {
        #expect(try RelayerAuthentication.from(environment: [:]) == nil)
        let builder = try RelayerAuthentication.from(environment: [
            "POLY_BUILDER_API_KEY": "k", "POLY_BUILDER_SECRET": "YnVpbGRlcg==", "POLY_BUILDER_PASSPHRASE": "p",
            "RELAYER_API_KEY": "ignored-when-a-builder-key-is-set",
        ])
        guard case .builder(let credentials)? = builder else { Issue.record("expected a builder key"); return }
        #expect(credentials.apiKey == "k" && credentials.passphrase == "p")
        let key = try RelayerAuthentication.from(environment: [
            "RELAYER_API_KEY": "rk", "RELAYER_API_KEY_ADDRESS": Fixture.key.address.checksummed,
        ])
        guard case .relayerKey(let apiKey, let address)? = key else { Issue.record("expected a relayer key"); return }
        #expect(apiKey == "rk" && address == Fixture.eoa)

        #expect(throws: RelayerAuthenticationError.incomplete(missing: ["POLY_BUILDER_PASSPHRASE"])) {
            _ = try RelayerAuthentication.from(environment: ["POLY_BUILDER_API_KEY": "k", "POLY_BUILDER_SECRET": "YnVpbGRlcg=="])
        }
        #expect(throws: RelayerAuthenticationError.incomplete(missing: ["RELAYER_API_KEY_ADDRESS"])) {
            _ = try RelayerAuthentication.from(environment: ["RELAYER_API_KEY": "rk"])
        }
        do {
            _ = try RelayerAuthentication.from(environment: [
                "POLY_BUILDER_API_KEY": "k", "POLY_BUILDER_SECRET": "not base64 secret!!", "POLY_BUILDER_PASSPHRASE": "p",
            ])
            Issue.record("a secret that is not base64 was accepted")
        } catch {
            #expect("\(error)".contains("POLY_BUILDER_SECRET") && !"\(error)".contains("not base64 secret!!"))
        }
    }
}

/// Builder secret, passphrase, every request's HMAC signature and a relayer key never reach a
/// log line or an error — even when the relayer echoes the request's headers back.
@Suite struct RelayerSecretCanaryTests {
    @Test func relayerSecretsNeverReachLogsOrErrors() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "canary") { _ in handler }
        logger.logLevel = .trace
        let relayerKey = "relayer-key-canary-0001"
        let transport = RecordingTransport()
        let echo: RecordingTransport.Handler = { request in
            let echoed = ["POLY_BUILDER_SIGNATURE", "POLY_BUILDER_PASSPHRASE", "RELAYER_API_KEY"]
                .compactMap { request.header($0) }.joined(separator: " ")
            return HTTPResponse(status: 400, json: #"{"error":"bad auth \#(echoed)"}"#)
        }
        transport.on("POST /submit", echo)
        transport.on("GET /transaction", echo)
        transport.on("GET /nonce", json: #"{"nonce":"1"}"#)
        var texts: [String] = []
        for authentication in [RelayerAuthentication.builder(RelayerTests.builder), .relayerKey(apiKey: relayerKey, address: Fixture.eoa)] {
            let relayer = RelayerTests.relayer(transport, authentication: authentication, logger: logger)
            texts.append("\(authentication)")
            texts.append(String(reflecting: authentication))
            let safe = TradingAccount(walletID: "w", type: .safe, signerAddress: Fixture.eoa,
                                      funderAddress: WalletAddress(WalletDerivation.polygon.safe(owner: Fixture.key.address)))
            let prepared = try await relayer.prepare(.approve, account: safe)
            let payload = try relayer.signedPayload(
                for: prepared, signature: try Fixture.key.sign(digest: prepared.digest).bytes, account: safe)
            for call in [
                { _ = try await relayer.submit(payload: payload, account: safe) },
                { _ = try await relayer.state(reference: "abc") },
            ] as [@Sendable () async throws -> Void] {
                do { try await call() } catch { texts.append("\(error)"); texts.append(String(reflecting: error)) }
            }
        }
        texts += handler.entries.map { "\($0.message) \($0.metadata)" }
        let signatures = transport.requests.compactMap { $0.header("POLY_BUILDER_SIGNATURE") }
        #expect(signatures.count >= 2 && !handler.entries.isEmpty)
        for text in texts {
            for secret in ["YnVpbGRlci1zZWNyZXQtZm9yLXRlc3RzLTAwMDAwMDE=", "builder-passphrase-01", relayerKey] + signatures {
                #expect(!text.contains(secret), "leaked into: \(text)")
            }
        }
        #expect(texts.contains { $0.contains("<redacted>") }, "the echo was redacted, not dropped")
    }
}

/// The vectors file as text, for comparisons that need key order (`JSONValue` forgets it).
enum VectorText {
    static let text: String = {
        let path = ProcessInfo.processInfo.environment["POLYMARKET_VECTORS"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("shared/vectors/polymarket-public.json").path
        return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }()

    /// The object under the first `"key":` after the case's id, with the whitespace between
    /// tokens removed.
    static func compactMember(_ key: String, ofCase id: String) throws -> String {
        let text = Self.text
        let caseStart = try #require(text.range(of: "\"\(id)\""))
        let keyRange = try #require(text.range(of: "\"\(key)\":", range: caseStart.upperBound..<text.endIndex))
        let open = try #require(text[keyRange.upperBound...].firstIndex(of: "{"))
        var output = ""
        var depth = 0
        var inString = false
        var escaped = false
        for character in text[open...] {
            if inString {
                output.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            if character.isWhitespace { continue }
            output.append(character)
            if character == "\"" { inString = true }
            if character == "{" || character == "[" { depth += 1 }
            if character == "}" || character == "]" { depth -= 1 }
            if depth == 0 { return output }
        }
        Issue.record("unterminated \(key) of \(id)")
        return output
    }
}
