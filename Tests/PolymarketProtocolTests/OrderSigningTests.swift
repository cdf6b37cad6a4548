import Ethereum
import PolymarketProtocol
import Testing

/// Signing rules beyond the vectors: which domain, who may sign, the two-phase vault flow.
@Suite struct OrderSigningTests {
    // Hardhat's first two public test keys; never funded.
    let owner = try! PrivateKey(hex: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
    let stranger = try! PrivateKey(hex: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")
    let depositWallet = try! Address(hex: "0x14F98545Ef18b322e030c8dE5C6A3d9b951EA40c")
    let tokenID = try! UInt256(decimal: "52114319501245915516055106046884209969926127482827954674443846427813813222426")

    private func order(_ type: SignatureType, funder: Address? = nil) throws -> Order {
        try Order(
            salt: 42, eoa: self.owner.address, funder: funder ?? self.owner.address, signatureType: type,
            tokenID: self.tokenID, side: .buy, amounts: OrderAmounts(makerAmount: 5_000_000, takerAmount: 10_000_000),
            timestamp: 1_760_000_000_000)
    }

    @Test func makerAndSignerFollowTheSignatureType() throws {
        let proxy = try self.order(.polyProxy, funder: self.depositWallet)
        #expect(proxy.maker == self.depositWallet)
        #expect(proxy.signer == self.owner.address)
        let deposit = try self.order(.poly1271, funder: self.depositWallet)
        #expect(deposit.maker == self.depositWallet)
        #expect(deposit.signer == self.depositWallet)
        #expect(throws: OrderError.funderIsNotTheEOA) { try self.order(.eoa, funder: self.depositWallet) }
    }

    @Test func saltsAndBytes32FieldsAreChecked() throws {
        #expect(throws: OrderError.saltTooLarge) {
            try Order(salt: 1 << 53, maker: .zero, signer: .zero, tokenID: .zero, makerAmount: 1, takerAmount: 1,
                      side: .buy, signatureType: .eoa, timestamp: 0)
        }
        #expect(throws: OrderError.notBytes32("builder")) {
            try Order(salt: 1, maker: .zero, signer: .zero, tokenID: .zero, makerAmount: 1, takerAmount: 1,
                      side: .buy, signatureType: .eoa, timestamp: 0, builder: [1, 2, 3])
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 { #expect(Order.randomSalt(using: &generator) < Order.saltLimit) }
    }

    @Test func aSignatureFromTheWrongKeyIsRefusedBeforeItReachesTheExchange() throws {
        let order = try self.order(.eoa)
        let domain = OrderDomain.exchangeV2(negRisk: false)
        let foreign = try self.stranger.sign(digest: order.signingDigest(in: domain))
        #expect(throws: OrderSigningError.signatureNotFromSigner) { try order.signed(in: domain, with: foreign) }
        // Signed for the other exchange: also the wrong digest.
        let wrongDomain = try self.owner.sign(digest: order.signingDigest(in: .exchangeV2(negRisk: true)))
        #expect(throws: OrderSigningError.signatureNotFromSigner) { try order.signed(in: domain, with: wrongDomain) }
    }

    @Test func vaultStyleSigningMatchesDirectSigning() async throws {
        let order = try self.order(.polyGnosisSafe, funder: self.depositWallet)
        let domain = OrderDomain.exchangeV2(negRisk: true)
        let key = self.owner
        let vault = ClosureDigestSigner { digest in try key.sign(digest: digest) }
        let viaVault = try await order.signed(in: domain, by: vault)
        let direct = try order.signed(in: domain, with: key.sign(digest: order.signingDigest(in: domain)))
        #expect(viaVault == direct)
        #expect(viaVault.orderID == Hex.encode(order.hash(in: domain)))
        #expect(try Signature(bytes: viaVault.signature).recoverAddress(digest: order.hash(in: domain)) == key.address)
    }

    @Test func depositWalletSignaturesAreTheWrapped317Bytes() async throws {
        let order = try self.order(.poly1271, funder: self.depositWallet)
        let domain = OrderDomain.exchangeV2(negRisk: false)
        let signed = try await order.signed(in: domain, by: self.owner)
        #expect(signed.signature.count == 317)
        #expect(Array(signed.signature.suffix(2)) == [0x00, 0xba])
        #expect(Array(signed.signature[65..<97]) == domain.separator)
        #expect(Array(signed.signature[97..<129]) == order.structHash)
        // The inner signature is over the TypedDataSign digest, not over the order hash.
        let inner = try Signature(bytes: signed.signature.prefix(65))
        #expect(try inner.recoverAddress(digest: order.signingDigest(in: domain)) == self.owner.address)
        #expect(order.signingDigest(in: domain) != order.hash(in: domain))
    }

    @Test func protocolV2PositionIDsAreSignedForExchangeV3() throws {
        // Bits 40…103 clear: a Protocol-V2 position ID (spec §5.8).
        let positionID = try UInt256(hex: "0x0100000000000000000000000000000000000000000000000000001234567801")
        #expect(OrderDomain.isProtocolV2PositionID(positionID))
        #expect(OrderDomain.forOrder(tokenID: positionID, negRisk: true) == .exchangeV3())
        #expect(OrderDomain.exchangeV3().version == "3")
        #expect(!OrderDomain.isProtocolV2PositionID(self.tokenID))
        #expect(OrderDomain.forOrder(tokenID: self.tokenID, negRisk: true).verifyingContract == Contracts.negRiskCtfExchangeV2)
        #expect(OrderDomain.forOrder(tokenID: self.tokenID, negRisk: false).verifyingContract == Contracts.ctfExchangeV2)
    }

    @Test func everyContractConstantCarriesAValidChecksum() {
        #expect(Contracts.all.count == 24)
        #expect(Set(Contracts.all.map(\.address)).count == Contracts.all.count)
        #expect(Contracts.pUSD.checksummed == "0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB")
    }
}
