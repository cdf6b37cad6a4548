import Foundation
import Kernel
import Testing

@Suite struct IdentifierTests {
    @Test func identifiersAreTrimmedAndLowercase() {
        let pasted = UserID("  User-3F2A\t\n")
        #expect(pasted.rawValue == "user-3f2a")
        #expect(pasted == UserID("user-3f2a"))
        #expect(pasted.description == "user-3f2a")
        #expect(UserID(" Über-é\r\n").rawValue == "über-é", "a multi-byte last character is kept whole")
        #expect(UserID(" \t ").rawValue.isEmpty)
        let literal: OrderID = "0xABCDEF"
        #expect(literal.rawValue == "0xabcdef")
    }

    @Test func decodingAlsoCanonicalises() throws {
        let decoded = try JSONDecoder().decode([ProfileID].self, from: Data(#"[" Profile-A ","profile-b"]"#.utf8))
        #expect(decoded == [ProfileID("profile-a"), ProfileID("profile-b")])
        let encoded = String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self)
        #expect(encoded == #"["profile-a","profile-b"]"#)
    }

    @Test func identifiersCompareByText() {
        #expect(AttemptID("attempt-0002") < AttemptID("attempt-0010"))
        #expect(AttemptID("attempt-b") > AttemptID("ATTEMPT-A"))
    }

    @Test func walletAddressesAreKeptLowercase() throws {
        let checksummed = try WalletAddress(" 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ")
        #expect(checksummed.lowercased == "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
        #expect(checksummed.description == checksummed.lowercased)
        #expect(checksummed == (try WalletAddress("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")))
    }

    @Test(arguments: [
        "", "0x", "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",  // no prefix
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",  // 39 digits
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0",  // 41 digits
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",  // not hex
        "0x5aaeb6053f3e94c9b9a09f33669435e7ef1be ed",
        "1x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
    ])
    func malformedAddressesThrowAnErrorNamingThem(_ text: String) {
        let error = #expect(throws: AddressParseError.self) { try WalletAddress(text) }
        #expect(error?.text == text)
    }

    @Test(arguments: [
        ("000123", "123"), ("0", "0"), ("0000", "0"), (" 42\n", "42"), ("7", "7"),
        ("0071321045679252212594626385532706912750332728571942532289631379312455583992",
         "71321045679252212594626385532706912750332728571942532289631379312455583992"),
    ])
    func tokenIDsDropLeadingZeros(_ text: String, _ canonical: String) throws {
        let token = try TokenID(text)
        #expect(token.decimal == canonical)
        #expect(token == (try TokenID(canonical)))
    }

    @Test(arguments: ["", " ", "-1", "+1", "1.0", "12a", "0x1f", "1 2", String(repeating: "9", count: 79)])
    func malformedTokenIDsThrowAnErrorNamingThem(_ text: String) {
        let error = #expect(throws: TokenIDParseError.self) { try TokenID(text) }
        #expect(error?.text == text)
    }

    @Test func tokenIDsCompareNumerically() throws {
        let tokens = try ["100", "9", "10", "0", String(repeating: "9", count: 78), "11"].map { try TokenID($0) }
        let sorted = tokens.sorted().map(\.decimal)
        #expect(sorted == ["0", "9", "10", "11", "100", String(repeating: "9", count: 78)])
    }
}
