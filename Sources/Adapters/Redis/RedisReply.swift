/// One Redis reply as a Swift value, copied out of hiredis's reply tree before it is freed.
public enum RedisReply: Hashable, Sendable, CustomStringConvertible {
    /// A bulk string, decoded as UTF-8 (the cache only stores text).
    case string(String)
    /// A status reply such as `OK`.
    case status(String)
    case integer(Int64)
    case null
    case array([RedisReply])
    /// An error reply; at the top level the connection turns it into ``RedisCacheError/serverError(_:)``.
    case error(String)

    public var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .status(let text): text
        case .integer(let number): "(integer) \(number)"
        case .null: "(nil)"
        case .array(let elements): "[\(elements.map(\.description).joined(separator: ", "))]"
        case .error(let message): "(error) \(message)"
        }
    }
}
