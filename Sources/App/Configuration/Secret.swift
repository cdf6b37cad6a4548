/// A value that must never be printed: descriptions, debug descriptions and reflection (so
/// `dump`, string interpolation and derived descriptions of enclosing types) show `<redacted>`.
struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The plain value, for the one adapter that must use it. Named so every use stands out.
    let revealed: String

    init(_ revealed: String) {
        self.revealed = revealed
    }

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .struct) }
}
