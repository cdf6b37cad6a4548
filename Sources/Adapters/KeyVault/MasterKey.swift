import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 32-byte master key that seals every trading key and API secret
/// (`TRADING_KEY_ENCRYPTION_KEY`). Its `version` is a 32-bit fingerprint derived from the key
/// itself, so a ciphertext names the key that sealed it without any extra configuration, and a
/// rotation can tell old seals from new ones.
public struct MasterKey: Sendable, CustomStringConvertible {
    let key: SymmetricKey
    public let version: Int

    /// Exactly 64 hex characters. The error names `variable` and never echoes the value.
    public init(hex text: String, variable: String = "TRADING_KEY_ENCRYPTION_KEY") throws(MasterKeyError) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 64 else { throw MasterKeyError(variable: variable, problem: "must be exactly 64 hex characters, got \(utf8.count)") }
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else {
                throw MasterKeyError(variable: variable, problem: "must contain only hex characters 0-9 a-f")
            }
            bytes.append(high << 4 | low)
        }
        self.init(bytes: bytes)
        bytes.wipe()
    }

    init(bytes: [UInt8]) {
        self.key = SymmetricKey(data: bytes)
        let fingerprint = HMAC<SHA256>.authenticationCode(for: Array("mirror/master-key-id/v1".utf8), using: self.key)
        let prefix = Array(fingerprint.prefix(4))
        self.version = Int(UInt32(prefix[0]) << 24 | UInt32(prefix[1]) << 16 | UInt32(prefix[2]) << 8 | UInt32(prefix[3]))
    }

    /// A new random key, as 64 lowercase hex characters (for `MIRROR_MODE=local` only).
    public static func generateHex() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in
            bytes.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
        }
    }

    /// Reads the key file at `path`, or creates it with a new random key. Local mode only:
    /// production must supply the key from its secret store.
    ///
    /// The folder is made (or tightened to) 0700. The key is private from its first byte: written
    /// to an exclusively created temporary file of mode 0600, fsynced, then hard-linked into
    /// place — which fails rather than replace a key another process just wrote, whose key is
    /// then the one used.
    public static func loadOrCreate(at path: String) throws -> (key: MasterKey, created: Bool) {
        let directory = (path as NSString).deletingLastPathComponent
        try PrivateFiles.ensureFolder(directory.isEmpty ? "." : directory)
        if FileManager.default.fileExists(atPath: path) { return (try Self.read(path), false) }
        let hex = Self.generateHex()
        let temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max))"
        try PrivateFiles.writeExclusively(Array((hex + "\n").utf8), to: temporary)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { return (try Self.read(path), false) }
            throw MasterKeyError(variable: "key file \(path)", problem: "could not be created (errno \(errno))")
        }
        PrivateFiles.syncFolder(directory.isEmpty ? "." : directory)
        return (try MasterKey(hex: hex), true)
    }

    private static func read(_ path: String) throws -> MasterKey {
        // An older build wrote the key 0644 for a moment; keep it private from now on.
        chmod(path, 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try MasterKey(hex: text, variable: "key file \(path)")
    }

    public var description: String { "MasterKey(v\(self.version), <redacted>)" }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case 0x30...0x39: character - 0x30
        case 0x61...0x66: character - 0x61 + 10
        case 0x41...0x46: character - 0x41 + 10
        default: nil
        }
    }
}

/// A master key that cannot be used; names the variable, never the value.
public struct MasterKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    public let variable: String
    public let problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }
    public var description: String { "\(self.variable) \(self.problem)" }
}
