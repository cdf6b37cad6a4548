import Ethereum
import Foundation
import Testing

@Suite struct AddressTests {
    /// The EIP-55 examples of spec §3.2's vectors and of EIP-55 itself.
    @Test(arguments: [
        "0xE111180000d2663C0091e4f400237545B87B996B",
        "0xe2222d279d744050d28e00520010520000310F59",
        "0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    ])
    func checksumsLikeEIP55(checksummed: String) throws {
        let address = try Address(hex: checksummed.lowercased())
        #expect(address.checksummed == checksummed)
        #expect(address.description == checksummed)
        #expect(address.lowercased == checksummed.lowercased())
        #expect(try Address(hex: checksummed.uppercased().replacingOccurrences(of: "0X", with: "0x")) == address)
        #expect(try Address(checksummedHex: checksummed) == address)
    }

    @Test func rejectsWrongLengthAndBadChecksum() {
        #expect(throws: EthereumError.invalidLength(expected: 20, actual: 19)) {
            try Address(hex: "0x" + String(repeating: "ab", count: 19))
        }
        #expect(throws: EthereumError.invalidHex) { try Address(hex: "0x" + String(repeating: "zz", count: 20)) }
        // One letter's case flipped.
        #expect(throws: EthereumError.invalidChecksum) {
            try Address(checksummedHex: "0xE111180000d2663C0091e4f400237545B87B996b")
        }
    }

    @Test func codableUsesChecksummedText() throws {
        let address = try Address(hex: "0xe111180000d2663c0091e4f400237545b87b996b")
        let json = try JSONEncoder().encode([address])
        #expect(String(decoding: json, as: UTF8.self) == #"["0xE111180000d2663C0091e4f400237545B87B996B"]"#)
        #expect(try JSONDecoder().decode([Address].self, from: json) == [address])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Address].self, from: Data(#"["0x12"]"#.utf8)) }
    }

    /// EIP-1014's own examples.
    @Test func create2MatchesEIP1014() throws {
        let zeroSalt = [UInt8](repeating: 0, count: 32)
        #expect(try CREATE2.address(deployer: .zero, salt: zeroSalt, initCode: [0x00]).checksummed
            == "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38")
        let deployer = try Address(hex: "0xdeadbeef00000000000000000000000000000000")
        #expect(try CREATE2.address(deployer: deployer, salt: zeroSalt, initCode: [0x00]).checksummed
            == "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3")
        let salt = try Hex.decode("0x00000000000000000000000000000000000000000000000000000000cafebabe")
        #expect(try CREATE2.address(deployer: try Address(hex: "0x00000000000000000000000000000000deadbeef"),
                                    salt: salt, initCode: try Hex.decode("0xdeadbeef")).checksummed
            == "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7")
        #expect(throws: EthereumError.invalidLength(expected: 32, actual: 31)) {
            try CREATE2.address(deployer: .zero, salt: [UInt8](repeating: 0, count: 31), initCode: [])
        }
    }
}
