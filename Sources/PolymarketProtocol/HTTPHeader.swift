/// One request header a protocol value asks the transport to send.
public struct HTTPHeader: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
