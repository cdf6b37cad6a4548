import Ethereum
import Testing

/// Expected encodings were produced with eth-abi 5 and checked by hand against the head/tail rules.
@Suite struct ABITests {
    static func words(_ words: String...) -> String { "0x" + words.joined() }
    static func word(_ value: UInt64) -> String { Hex.encode(UInt256(value).bigEndianBytes, prefix: false) }

    @Test func selectorsOfKnownFunctions() {
        #expect(Hex.encode(ABI.selector("transfer(address,uint256)")) == "0xa9059cbb")
        #expect(Hex.encode(ABI.selector("multiSend(bytes)")) == "0x8d80ff0a")
        #expect(Hex.encode(ABI.selector("redeemPositions(bytes32,uint256[])")) == "0xdbeccb23")
    }

    @Test func dynamicBytesAreLengthPrefixedAndPadded() throws {
        #expect(Hex.encode(try ABI.encode([.bytes([1, 2, 3])])) == Self.words(
            Self.word(0x20), Self.word(3), "0102030000000000000000000000000000000000000000000000000000000000"))
    }

    @Test func stringTailFollowsTheStaticHead() throws {
        #expect(Hex.encode(try ABI.encode([.string("hello"), .uint256(5)])) == Self.words(
            Self.word(0x40), Self.word(5), Self.word(5),
            "68656c6c6f000000000000000000000000000000000000000000000000000000"))
    }

    @Test func arraysAndMultiWordBytesGetOffsetsInOrder() throws {
        let encoded = try ABI.encode([.array([.uint256(1), .uint256(2), .uint256(3)]),
                                      .bytes([UInt8](repeating: 0xaa, count: 33))])
        #expect(Hex.encode(encoded) == Self.words(
            Self.word(0x40), Self.word(0xc0),
            Self.word(3), Self.word(1), Self.word(2), Self.word(3),
            Self.word(33), String(repeating: "aa", count: 32), "aa" + String(repeating: "00", count: 31)))
    }

    @Test func arrayOfStringsUsesOffsetsRelativeToItsElements() throws {
        #expect(Hex.encode(try ABI.encode([.array([.string("a"), .string("bc")])])) == Self.words(
            Self.word(0x20), Self.word(2), Self.word(0x40), Self.word(0x80),
            Self.word(1), "61" + String(repeating: "00", count: 31),
            Self.word(2), "6263" + String(repeating: "00", count: 30)))
    }

    /// The PROXY relayer call shape `proxy((uint8,address,uint256,bytes)[])`.
    @Test func arrayOfDynamicTuples() throws {
        let first = try Address(hex: "0x" + String(repeating: "11", count: 20))
        let second = try Address(hex: "0x" + String(repeating: "22", count: 20))
        let encoded = try ABI.encode([.array([
            .tuple([.uint8(1), .address(first), .uint256(7), .bytes([0xbe, 0xef])]),
            .tuple([.uint8(1), .address(second), .uint256(0), .bytes([])]),
        ])])
        #expect(Hex.encode(encoded) == Self.words(
            Self.word(0x20), Self.word(2), Self.word(0x40), Self.word(0x100),
            Self.word(1), Hex.encode(first.word, prefix: false), Self.word(7), Self.word(0x80),
            Self.word(2), "beef" + String(repeating: "00", count: 30),
            Self.word(1), Hex.encode(second.word, prefix: false), Self.word(0), Self.word(0x80),
            Self.word(0)))
    }

    @Test func staticTupleIsInlined() throws {
        let inline = try ABI.encode([.tuple([.uint256(1), .bool(true)]), .string("")])
        #expect(Hex.encode(inline) == Self.words(Self.word(1), Self.word(1), Self.word(0x60), Self.word(0)))
    }

    /// The Safe MultiSend layout: uint8 ‖ address ‖ uint256 ‖ uint256 ‖ bytes, no padding.
    @Test func packedEncodingUsesNaturalWidths() throws {
        let to = try Address(hex: "0x" + String(repeating: "ab", count: 20))
        let packed = try ABI.encodePacked([.uint8(0), .address(to), .uint256(5), .uint256(2), .bytes([0xca, 0xfe])])
        #expect(packed.count == 1 + 20 + 32 + 32 + 2)
        #expect(Hex.encode(packed) == "0x00" + String(repeating: "ab", count: 20) + Self.word(5) + Self.word(2) + "cafe")
        #expect(try ABI.encodePacked([.string("rlx:"), .bool(true), .fixedBytes([9, 9]), .uint(258, bits: 16)])
            == Array("rlx:".utf8) + [1, 9, 9, 1, 2])
        #expect(try ABI.encodePacked([.array([.uint8(1), .uint8(2)])]).count == 64)
    }

    @Test func rejectsValuesThatDoNotFitTheirType() {
        #expect(throws: EthereumError.self) { try ABI.encode([.uint(256, bits: 8)]) }
        #expect(throws: EthereumError.self) { try ABI.encode([.uint(1, bits: 7)]) }
        #expect(throws: EthereumError.self) { try ABI.encode([.fixedBytes([UInt8](repeating: 0, count: 33))]) }
        #expect(throws: EthereumError.self) { try ABI.encode([.fixedBytes([])]) }
        #expect(throws: EthereumError.self) { try ABI.encodePacked([.uint(70_000, bits: 16)]) }
    }

    @Test func encodeCallPrefixesTheSelector() throws {
        let recipient = try Address(hex: "0x90F79bf6EB2c4f870365E785982E1f101E93b906")
        let data = try ABI.encodeCall(signature: "transfer(address,uint256)",
                                      arguments: [.address(recipient), .uint256(12_345_678)])
        #expect(Hex.encode(data) == "0xa9059cbb" + Hex.encode(recipient.word, prefix: false) + Self.word(12_345_678))
    }
}
