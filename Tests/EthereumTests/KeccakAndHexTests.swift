import Ethereum
import Testing

@Suite struct KeccakAndHexTests {
    @Test(arguments: [
        ("", "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        ("abc", "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        ("The quick brown fox jumps over the lazy dog",
         "0x4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
    ])
    func hashesKnownStrings(text: String, expected: String) {
        #expect(Hex.encode(Keccak256.hash(Array(text.utf8))) == expected)
        #expect(Hex.encode(Keccak256.hash(utf8: text)) == expected)
    }

    /// Lengths around the 136-byte rate exercise the block loop and the padding edge cases
    /// (reference values from pycryptodome's Keccak).
    @Test(arguments: [
        (135, "0xcbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"),
        (136, "0x7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"),
        (137, "0xac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"),
        (272, "0xfdf2ec49e749960d3c8521a0219af8d03e30e2b3bf19bd16150ee0eaf133d66e"),
        (300, "0xa679e749a6af300c36e7ff2255d220864eab27b382f9cfdc5aa4d13563ba36ff"),
    ])
    func hashesAcrossBlockBoundaries(length: Int, expected: String) {
        let input = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        #expect(Hex.encode(Keccak256.hash(input)) == expected)
        // A non-contiguous sequence takes the copying path and must agree.
        #expect(Hex.encode(Keccak256.hash(input.lazy.map { $0 })) == expected)
    }

    @Test func hexRoundTripsAndAcceptsAnyCaseAndPrefix() throws {
        #expect(try Hex.decode("0xDEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(try Hex.decode("0Xff00") == [0xff, 0x00])
        #expect(try Hex.decode("0102") == [0x01, 0x02])
        #expect(try Hex.decode("0x") == [])
        #expect(Hex.encode([0xab, 0x01]) == "0xab01")
        #expect(Hex.encode([0xab, 0x01], prefix: false) == "ab01")
    }

    @Test(arguments: ["0x123", "0xzz", "0x0g", "xx00"])
    func rejectsMalformedHex(text: String) {
        #expect(throws: EthereumError.invalidHex) { try Hex.decode(text) }
    }
}
