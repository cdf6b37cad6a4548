import Ethereum
import Testing

@Suite struct SigningTests {
    /// Hardhat's first default account (public test key; never fund it).
    static let hardhatKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    static let hardhatAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    /// Half the secp256k1 group order: a low-s signature has s ≤ this.
    static let halfOrder = try! UInt256(hex: "0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0")

    @Test func derivesTheAddressOfAKnownKey() throws {
        let key = try PrivateKey(hex: Self.hardhatKey)
        #expect(key.address.checksummed == Self.hardhatAddress)
        #expect(key.publicKey.count == 64)
    }

    /// Expected bytes from eth-account's `unsafe_sign_hash` over keccak256("mirror").
    @Test func signsLikeEthAccount() throws {
        let key = try PrivateKey(hex: Self.hardhatKey)
        let digest = Keccak256.hash(utf8: "mirror")
        let signature = try key.sign(digest: digest)
        #expect(signature.hex == "0x639cc0423e2d1e5925b43d7bad01cbc5383b0172ba5c214a2e7a49583b019be7"
            + "42b0a7b596a393576c55f5a791d550145896e35ace44df3e056eeed609ec6f401b")
        #expect(signature.v == 27 && signature.recoveryID == 0)
    }

    @Test func signaturesAreDeterministicLowSAndRecoverTheSigner() throws {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<16 {
            let key = PrivateKey.generate(using: &generator)
            let digest = Keccak256.hash(utf8: "message \(round)")
            let first = try key.sign(digest: digest)
            let second = try key.sign(digest: digest)
            #expect(first == second, "RFC 6979 nonces make signing deterministic")
            #expect(try UInt256(bigEndianBytes: first.s) <= Self.halfOrder)
            #expect(first.hasLowS)
            #expect([27, 28].contains(first.v))
            #expect(try first.recoverAddress(digest: digest) == key.address)
            #expect(try first.recoverPublicKey(digest: digest) == key.publicKey)
            // A different digest recovers someone else.
            #expect(try first.recoverAddress(digest: Keccak256.hash(utf8: "other")) != key.address)
        }
    }

    /// s' = n − s is the malleated twin of a signature: it still recovers, but is not low-s.
    @Test func detectsHighS() throws {
        let order = try UInt256(hex: "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let digest = Keccak256.hash(utf8: "malleable")
        let signature = try PrivateKey(hex: Self.hardhatKey).sign(digest: digest)
        let highS = order - (try UInt256(bigEndianBytes: signature.s))
        let twin = try Signature(r: signature.r, s: highS.bigEndianBytes, v: signature.v == 27 ? 28 : 27)
        #expect(signature.hasLowS)
        #expect(!twin.hasLowS)
        #expect(try twin.recoverAddress(digest: digest) == signature.recoverAddress(digest: digest))
        #expect(try Signature(r: signature.r, s: Self.halfOrder.bigEndianBytes, v: 27).hasLowS)
        #expect(!(try Signature(r: signature.r, s: (Self.halfOrder + 1).bigEndianBytes, v: 27).hasLowS))
    }

    @Test func signatureBytesParseBothVForms() throws {
        #expect(try Signature(hex: "0x" + String(repeating: "11", count: 64) + "1c").v == 28)
        let signature = try PrivateKey(hex: Self.hardhatKey).sign(digest: Keccak256.hash(utf8: "x"))
        #expect(try Signature(bytes: signature.bytes) == signature)
        var withRecoveryID = signature.bytes
        withRecoveryID[64] -= 27
        #expect(try Signature(bytes: withRecoveryID) == signature)
        var badV = signature.bytes
        badV[64] = 29
        #expect(throws: EthereumError.invalidSignature) { try Signature(bytes: badV) }
        #expect(throws: EthereumError.invalidLength(expected: 65, actual: 64)) {
            try Signature(bytes: signature.bytes.prefix(64))
        }
        #expect(throws: EthereumError.invalidLength(expected: 32, actual: 31)) {
            try PrivateKey(hex: Self.hardhatKey).sign(digest: [UInt8](repeating: 1, count: 31))
        }
    }

    @Test(arguments: [
        "0x0000000000000000000000000000000000000000000000000000000000000000",
        // The group order n, and n + 1: both out of range.
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
        "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "0x0102",
        "0xnothex",
    ])
    func rejectsInvalidKeysWithoutEchoingThem(hex: String) {
        let error = #expect(throws: EthereumError.self) { try PrivateKey(hex: hex) }
        #expect(error == .invalidPrivateKey)
        let digits = String(hex.dropFirst(2))
        #expect(!String(describing: error).contains(digits))
        #expect(!String(reflecting: error).contains(digits))
    }

    @Test func acceptsTheLargestValidKey() throws {
        // n − 1
        let key = try PrivateKey(hex: "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
        #expect(try key.sign(digest: Keccak256.hash(utf8: "edge")).recoverAddress(digest: Keccak256.hash(utf8: "edge"))
            == key.address)
    }

    @Test func descriptionsAreRedacted() throws {
        let key = try PrivateKey(hex: Self.hardhatKey)
        for text in [String(describing: key), String(reflecting: key), "\(key)", "\([key])"] {
            #expect(text.contains("redacted"))
            #expect(!text.contains("ac0974be"))
        }
    }

    @Test func wipingInitZeroesTheCallersBytes() throws {
        var bytes = try Hex.decode(Self.hardhatKey)
        let key = try PrivateKey(wiping: &bytes)
        #expect(bytes == [UInt8](repeating: 0, count: 32))
        #expect(key.address.checksummed == Self.hardhatAddress)
        #expect(key.withUnsafeSecretBytes { Array($0) } == (try Hex.decode(Self.hardhatKey)))

        var invalid = [UInt8](repeating: 0xff, count: 32)
        #expect(throws: EthereumError.invalidPrivateKey) { try PrivateKey(wiping: &invalid) }
        #expect(invalid == [UInt8](repeating: 0, count: 32))
    }

    /// A generator that repeats one word: all-ones draws are ≥ n and must be retried.
    @Test func generationRetriesOutOfRangeDraws() {
        struct Scripted: RandomNumberGenerator {
            var words: [UInt64]
            mutating func next() -> UInt64 { self.words.isEmpty ? 7 : self.words.removeFirst() }
        }
        var generator = Scripted(words: [.max, .max, .max, .max])
        let key = PrivateKey.generate(using: &generator)
        let expected = [UInt8](repeating: 0, count: 32).enumerated().map { $0.offset % 8 == 0 ? UInt8(7) : 0 }
        #expect(key.withUnsafeSecretBytes { Array($0) } == expected)
    }

    /// Expected from eth-account `encode_defunct`.
    @Test func personalMessageHashPrefixesTheDecimalLength() throws {
        #expect(Hex.encode(EIP191.personalMessageHash(Array("hello".utf8)))
            == "0x50b2c43fd39106bafbba0da34fc430e1f91e3c96ea2acee2bc34119f92b37750")
        let digest = Keccak256.hash(utf8: "mirror")
        let wrapped = EIP191.personalMessageHash(digest)
        #expect(Hex.encode(wrapped) == "0xbeb7cbadc82cc55323cffecb322872eaedced7554e86993b9dda894efbc57e43")
        #expect(try PrivateKey(hex: Self.hardhatKey).sign(digest: wrapped).hex
            == "0x282b5c35378a2deb87322f7672a87963120f6582e0c4e44cabd771c409c088da"
            + "2a28ec3a5520df225b1e99736e6dee97c413a1f8e64dc7847f6d02c2e7707c9e1b")
    }
}
