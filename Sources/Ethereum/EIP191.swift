/// EIP-191 version 0x45 ("personal_sign") message hashing.
public enum EIP191 {
    /// keccak256("\u{19}Ethereum Signed Message:\n" ‖ decimal byte length ‖ message). For a
    /// 32-byte digest this is the wrapped hash PROXY and SAFE relayer signatures sign (spec §3.4).
    public static func personalMessageHash(_ message: some Collection<UInt8>) -> [UInt8] {
        let prefix = Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8)
        return Keccak256.hash(prefix + Array(message))
    }
}
