import Ethereum
import Testing

/// EIP-712's own "Mail" example; expected values from eth-account's `encode_typed_data`.
@Suite struct EIP712Tests {
    static let domain = EIP712.Domain(
        name: "Ether Mail", version: "1", chainId: 1,
        verifyingContract: try! Address(hex: "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"))

    static func person(_ name: String, _ wallet: String) throws -> ABIValue {
        .bytes32(try EIP712.hashStruct(typeString: "Person(string name,address wallet)",
                                       fields: [.string(name), .address(try Address(hex: wallet))]))
    }

    @Test func domainSeparatorOfTheMailExample() {
        #expect(Self.domain.typeString
            == "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        #expect(Hex.encode(Self.domain.separator)
            == "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
    }

    @Test func digestOfTheMailExample() throws {
        let mail = try EIP712.hashStruct(
            typeString: "Mail(Person from,Person to,string contents)Person(string name,address wallet)",
            fields: [try Self.person("Cow", "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"),
                     try Self.person("Bob", "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"),
                     .string("Hello, Bob!")])
        #expect(Hex.encode(mail) == "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e")
        #expect(Hex.encode(EIP712.digest(domain: Self.domain, structHash: mail))
            == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
    }

    @Test func domainTypeListsOnlyPresentFields() throws {
        let safe = EIP712.Domain(chainId: 137, verifyingContract: .zero)
        #expect(safe.typeString == "EIP712Domain(uint256 chainId,address verifyingContract)")
        let clobAuth = EIP712.Domain(name: "ClobAuthDomain", version: "1", chainId: 137)
        #expect(clobAuth.typeString == "EIP712Domain(string name,string version,uint256 chainId)")
        let salted = try EIP712.Domain(name: "x", salt: [UInt8](repeating: 1, count: 32))
        #expect(salted.typeString == "EIP712Domain(string name,bytes32 salt)")
        #expect(throws: EthereumError.invalidLength(expected: 32, actual: 2)) { try EIP712.Domain(salt: [1, 2]) }
        // The separator hashes typeHash ‖ the present fields' words, nothing else.
        let expected = Keccak256.hash(EIP712.typeHash(safe.typeString) + UInt256(137).bigEndianBytes
            + Address.zero.word)
        #expect(safe.separator == expected)
    }

    @Test func arrayFieldsHashTheirElementWords() throws {
        let calls: [ABIValue] = [.bytes32([UInt8](repeating: 1, count: 32)), .bytes32([UInt8](repeating: 2, count: 32))]
        #expect(try EIP712.encodeField(.array(calls))
            == Keccak256.hash([UInt8](repeating: 1, count: 32) + [UInt8](repeating: 2, count: 32)))
        #expect(try EIP712.encodeField(.bytes([0xab])) == Keccak256.hash([0xab]))
        #expect(throws: EthereumError.self) { try EIP712.encodeField(.tuple([.bool(true)])) }
    }
}
