import Ethereum
import Foundation
import PolymarketProtocol
import Testing

/// Behaviour of the relayer values beyond what the official vectors pin: signing through the
/// async signer, refusals, body layout details and the state enum.
@Suite struct RelayerTests {
    let owner: PrivateKey
    let stranger: PrivateKey
    let recipient: Address

    init() throws {
        // Hardhat's first two default keys: public test keys, never funded.
        self.owner = try PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
        self.stranger = try PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
        self.recipient = try Address(hex: "0x90F79bf6EB2c4f870365E785982E1f101E93b906")
    }

    // MARK: Signing through a DigestSigner

    /// safe_relayer_tx-001 again, but through the async signer: the exact body bytes.
    @Test func safeWithdrawalSignedThroughSignerGivesTheVectorBody() async throws {
        let withdrawal = RelayerCall.erc20Transfer(to: self.recipient, amount: UInt256(25_000_000))
        let transaction = try SafeTransaction(owner: self.owner.address, calls: [withdrawal], nonce: UInt256(7))
        let signed = try await transaction.signed(by: self.owner, metadata: "withdraw")

        let expected = """
            {"type":"SAFE","from":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",\
            "to":"0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB","proxyWallet":"0xd93B25cb943D14d0d34FBaF01Fc93a0f8b5F6E47",\
            "data":"0xa9059cbb00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906\
            00000000000000000000000000000000000000000000000000000000017d7840",\
            "signature":"0x4d1048af790515e5a83e4e63f9c16602b566ddcbc4651dab9274805e12cfe03c\
            03867bfe58cb413ec00c9447b387eda18cee4a1d5afbf3b8d6565574d1bbf16d20",\
            "value":"0","signatureParams":{"gasPrice":"0","operation":"0","safeTxnGas":"0","baseGas":"0",\
            "gasToken":"0x0000000000000000000000000000000000000000",\
            "refundReceiver":"0x0000000000000000000000000000000000000000"},"nonce":"7","metadata":"withdraw"}
            """
        #expect(signed.submission.body == expected)
        #expect(signed.packedSignature.last == 32)
        #expect(signed.signature.v == 28)
    }

    @Test func aClosureSignerIsUsedAsIs() async throws {
        let key = self.owner
        let digests = DigestLog()
        let signer = ClosureDigestSigner { digest in
            await digests.append(digest)
            return try key.sign(digest: digest)
        }
        let batch = try DepositWalletBatch(
            owner: key.address, wallet: self.recipient,
            calls: [.erc20Transfer(to: self.recipient, amount: UInt256(1))], nonce: .zero,
            deadline: DepositWalletBatch.deadline(from: 1_760_000_000))
        let signed = try await batch.signed(by: signer)
        #expect(await digests.all == [batch.digest])
        #expect(try signed.signature.recoverAddress(digest: batch.digest) == key.address)
    }

    @Test func aSignatureFromAnotherKeyIsRefused() async throws {
        let call = RelayerCall.erc20Transfer(to: self.recipient, amount: UInt256(1))
        let expectedError = RelayerError.signerMismatch(expected: self.owner.address, actual: self.stranger.address)

        let safe = try SafeTransaction(owner: self.owner.address, calls: [call], nonce: .zero)
        await #expect(throws: expectedError) { try await safe.signed(by: self.stranger) }

        let proxy = try ProxyTransaction(owner: self.owner.address, calls: [call], relay: self.recipient, nonce: .zero)
        await #expect(throws: expectedError) { try await proxy.signed(by: self.stranger) }

        let creation = SafeCreation(owner: self.owner.address)
        await #expect(throws: expectedError) { try await creation.signed(by: self.stranger) }

        let batch = try DepositWalletBatch(
            owner: self.owner.address, wallet: self.recipient, calls: [call], nonce: .zero, deadline: UInt256(1))
        await #expect(throws: expectedError) { try await batch.signed(by: self.stranger) }
        // A signature by the right key over another digest is refused the same way.
        #expect(throws: RelayerError.self) {
            try SignedDepositWalletBatch(batch: batch, signature: try self.owner.sign(digest: proxy.relayHash))
        }
    }

    @Test func metadataIsLimitedTo500Characters() async throws {
        let call = RelayerCall.erc20Transfer(to: self.recipient, amount: UInt256(1))
        let safe = try SafeTransaction(owner: self.owner.address, calls: [call], nonce: .zero)
        let longest = String(repeating: "é", count: 500)
        let signed = try await safe.signed(by: self.owner, metadata: longest)
        #expect(signed.metadata == longest)
        await #expect(throws: RelayerError.metadataTooLong(count: 501)) {
            try await safe.signed(by: self.owner, metadata: longest + "x")
        }
        #expect(throws: RelayerError.metadataTooLong(count: 501)) {
            try DepositWalletCreation(owner: self.owner.address, metadata: String(repeating: "m", count: 501))
        }
    }

    // MARK: Refusals when building

    @Test func everyTransactionNeedsACall() {
        #expect(throws: RelayerError.noCalls) { try SafeTransaction(owner: self.owner.address, calls: [], nonce: .zero) }
        #expect(throws: RelayerError.noCalls) {
            try ProxyTransaction(owner: self.owner.address, calls: [], relay: self.recipient, nonce: .zero)
        }
        #expect(throws: RelayerError.noCalls) {
            try DepositWalletBatch(owner: self.owner.address, wallet: self.recipient, calls: [], nonce: .zero, deadline: .zero)
        }
    }

    @Test func depositWalletsRefuseDelegateCalls() {
        let delegated = RelayerCall(to: Contracts.safeMultiSend, data: [0x01], operation: .delegateCall)
        #expect(throws: RelayerError.delegateCallNotSupported(to: Contracts.safeMultiSend)) {
            try DepositWalletBatch(
                owner: self.owner.address, wallet: self.recipient, calls: [delegated], nonce: .zero, deadline: .zero)
        }
    }

    // MARK: Encodings

    @Test func severalSafeCallsGoThroughMultiSendAsOneDelegateCall() throws {
        let first = RelayerCall(to: self.recipient, value: UInt256(5), data: [0xaa, 0xbb])
        let second = RelayerCall.erc20Approve(spender: Contracts.ctfExchangeV2)
        let transaction = try SafeTransaction(owner: self.owner.address, calls: [first, second], nonce: UInt256(3))
        #expect(transaction.to == Contracts.safeMultiSend)
        #expect(transaction.operation == .delegateCall)
        #expect(transaction.value == .zero)

        let data = transaction.data
        #expect(Array(data[0..<4]) == [0x8d, 0x80, 0xff, 0x0a])
        let packedLength = (1 + 20 + 32 + 32 + 2) + (1 + 20 + 32 + 32 + 68)
        #expect(Array(data[36..<68]) == UInt256(UInt64(packedLength)).bigEndianBytes)
        let packed = Array(data[68..<(68 + packedLength)])
        #expect(packed[0] == 0)
        #expect(Array(packed[1..<21]) == self.recipient.bytes)
        #expect(Array(packed[21..<53]) == UInt256(5).bigEndianBytes)
        #expect(Array(packed[53..<85]) == UInt256(2).bigEndianBytes)
        #expect(Array(packed[85..<87]) == [0xaa, 0xbb])
        #expect(Array(packed[88..<108]) == Contracts.pUSD.bytes)
        #expect(data.count % 32 == 4, "the bytes argument is padded to whole words")
    }

    @Test func proxyCallsCarryTheFactoryTypeCodes() {
        let call = RelayerCall(to: self.recipient, data: [])
        let delegated = RelayerCall(to: self.recipient, data: [], operation: .delegateCall)
        // selector ‖ offset ‖ length ‖ offset of tuple 0 ‖ offset of tuple 1 ‖ tuple 0 (typeCode first) …
        let data = ProxyTransaction.proxyCallData([call, delegated])
        let firstTuple = 4 + 32 * 4
        #expect(Array(data[firstTuple..<(firstTuple + 32)]) == UInt256(1).bigEndianBytes)
        let secondTuple = firstTuple + 32 * 5
        #expect(Array(data[secondTuple..<(secondTuple + 32)]) == UInt256(2).bigEndianBytes)
    }

    @Test func metadataIsEscapedAsJSON() async throws {
        let metadata = "say \"hi\"\\ now\nnext\u{01}π"
        let transaction = try ProxyTransaction(
            owner: self.owner.address, calls: [.erc20Transfer(to: self.recipient, amount: UInt256(1))],
            relay: self.recipient, nonce: .zero)
        let body = try await transaction.signed(by: self.owner, metadata: metadata).submission.body
        #expect(body.contains(#""metadata":"say \"hi\"\\ now\nnext\u0001π""#))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(parsed["metadata"] as? String == metadata)
    }

    @Test func depositWalletBodiesCarryMetadataOnlyWhenGiven() async throws {
        let batch = try DepositWalletBatch(
            owner: self.owner.address, wallet: self.recipient,
            calls: [.erc20Transfer(to: self.recipient, amount: UInt256(1))], nonce: UInt256(4), deadline: UInt256(9))
        let plain = try await batch.signed(by: self.owner).submission.body
        #expect(!plain.contains("metadata"))
        let labelled = try await batch.signed(by: self.owner, metadata: "withdraw").submission.body
        #expect(labelled.contains(#"","metadata":"withdraw","depositWalletParams":{"#))
    }

    @Test func walletCreateBody() throws {
        let creation = try DepositWalletCreation(owner: self.owner.address)
        #expect(creation.submission.type == .walletCreate)
        #expect(creation.submission.body == """
            {"type":"WALLET-CREATE","from":"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",\
            "to":"0x00000000000Fb5C9ADea0298D729A0CB3823Cc07"}
            """)
        let labelled = try DepositWalletCreation(owner: self.owner.address, metadata: "deploy")
        #expect(labelled.submission.body.hasSuffix(#""to":"0x00000000000Fb5C9ADea0298D729A0CB3823Cc07","metadata":"deploy"}"#))
    }

    // MARK: Call builders (expected data from the official `calldata` vectors)

    @Test func withdrawalIsAPUSDTransfer() {
        let call = RelayerCall.erc20Transfer(to: self.recipient, amount: UInt256(12_345_678))
        #expect(call.to == Contracts.pUSD)
        #expect(call.value == .zero && call.operation == .call)
        #expect(Hex.encode(call.data) == "0xa9059cbb00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906"
            + "0000000000000000000000000000000000000000000000000000000000bc614e")
    }

    @Test func approvalsEncodeAsTheSDKDoes() {
        let approve = RelayerCall.erc20Approve(spender: Contracts.ctfExchangeV2)
        #expect(approve.to == Contracts.pUSD)
        #expect(Hex.encode(approve.data) == "0x095ea7b3000000000000000000000000e111180000d2663c0091e4f400237545b87b996b"
            + String(repeating: "f", count: 64))
        let operatorApproval = RelayerCall.erc1155SetApprovalForAll(operator: Contracts.ctfCollateralAdapter)
        #expect(operatorApproval.to == Contracts.conditionalTokens)
        #expect(Hex.encode(operatorApproval.data) == "0xa22cb465000000000000000000000000ada100db00ca00073811820692005400218fce1f"
            + "0000000000000000000000000000000000000000000000000000000000000001")
        let revoked = RelayerCall.erc1155SetApprovalForAll(operator: Contracts.ctfCollateralAdapter, approved: false)
        #expect(revoked.data.last == 0)
    }

    @Test func tradingApprovalsCoverBothExchangesAndBothAdapters() {
        let calls = RelayerCall.tradingApprovals
        let operators = [Contracts.ctfExchangeV2, Contracts.negRiskCtfExchangeV2,
                         Contracts.ctfCollateralAdapter, Contracts.negRiskCtfCollateralAdapter]
        #expect(calls == operators.map { RelayerCall.erc20Approve(spender: $0) }
            + operators.map { RelayerCall.erc1155SetApprovalForAll(operator: $0) })
    }

    @Test(arguments: [false, true])
    func redeemGoesToTheMarketsCollateralAdapter(negRisk: Bool) throws {
        let conditionID = try Hex.decode("0xbd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af")
        let call = try RelayerCall.redeemPositions(conditionID: conditionID, negRisk: negRisk)
        #expect(call.to == (negRisk ? Contracts.negRiskCtfCollateralAdapter : Contracts.ctfCollateralAdapter))
        #expect(Hex.encode(call.data) == "0x01b7037c"
            + "000000000000000000000000c011a7e12a19f7b1f670d46f03b03f3342e82dfb"
            + "0000000000000000000000000000000000000000000000000000000000000000"
            + "bd31dc8a20211944f6b70f31557f1001557b59905b7738480ca09bd4532f84af"
            + "0000000000000000000000000000000000000000000000000000000000000080"
            + "0000000000000000000000000000000000000000000000000000000000000002"
            + "0000000000000000000000000000000000000000000000000000000000000001"
            + "0000000000000000000000000000000000000000000000000000000000000002")
    }

    @Test func redeemRefusesAConditionIDThatIsNotBytes32() {
        #expect(throws: RelayerError.invalidConditionID(byteCount: 31)) {
            try RelayerCall.redeemPositions(conditionID: [UInt8](repeating: 1, count: 31), negRisk: false)
        }
    }

    @Test func depositWalletDeadlineIsTenMinutesAhead() {
        #expect(DepositWalletBatch.deadline(from: 1_760_000_000) == UInt256(1_760_000_600))
    }

    // MARK: Relayer states

    @Test(arguments: [
        ("STATE_NEW", RelayerTransactionState.new), ("STATE_EXECUTED", .executed), ("STATE_MINED", .mined),
        ("STATE_CONFIRMED", .confirmed), ("STATE_FAILED", .failed), ("STATE_INVALID", .invalid),
    ])
    func knownStatesRoundTrip(text: String, state: RelayerTransactionState) {
        #expect(RelayerTransactionState(rawValue: text) == state)
        #expect(state.rawValue == text)
    }

    @Test func terminalStates() {
        let terminal = ["STATE_CONFIRMED", "STATE_FAILED", "STATE_INVALID"]
        for text in ["STATE_NEW", "STATE_EXECUTED", "STATE_MINED", "STATE_CONFIRMED", "STATE_FAILED", "STATE_INVALID"] {
            #expect(RelayerTransactionState(rawValue: text).isTerminal == terminal.contains(text), "\(text)")
        }
        #expect(RelayerTransactionState.failed.isFailure && RelayerTransactionState.invalid.isFailure)
        #expect(!RelayerTransactionState.confirmed.isFailure && !RelayerTransactionState.mined.isFailure)
    }

    @Test func anUnknownStateIsKeptNotFatal() throws {
        struct Response: Decodable { let transactionID: String; let state: RelayerTransactionState }
        let json = #"{"transactionID":"0b1c","state":"STATE_QUEUED"}"#
        let response = try JSONDecoder().decode(Response.self, from: Data(json.utf8))
        #expect(response.state == .unknown("STATE_QUEUED"))
        #expect(!response.state.isTerminal && !response.state.isFailure)
        #expect(response.state.rawValue == "STATE_QUEUED")
        let encoded = try JSONEncoder().encode([RelayerTransactionState.confirmed])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["STATE_CONFIRMED"]"#)
    }
}

/// Digests a test signer was asked to sign.
actor DigestLog {
    private(set) var all: [[UInt8]] = []
    func append(_ digest: [UInt8]) { self.all.append(digest) }
}
