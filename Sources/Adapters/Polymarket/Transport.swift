public import PolymarketProtocol

/// One HTTP request as the adapter builds it. Kept as plain values so tests can compare exactly
/// what would go on the wire — method, path, query, headers and body bytes — without a socket.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    /// Scheme and host (and any base path), e.g. `https://clob.polymarket.com`.
    public var baseURL: String
    /// The path, starting with `/`; what L2 signs.
    public var path: String
    /// Query parameters in the order sent; never signed (spec §6.3).
    public var query: [QueryItem]
    public var headers: [HTTPHeader]
    /// The exact body bytes, if any.
    public var body: String?
    public var timeout: Duration

    public struct QueryItem: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, baseURL: String, path: String, query: [QueryItem] = [], headers: [HTTPHeader] = [],
                body: String? = nil, timeout: Duration) {
        self.method = method
        self.baseURL = baseURL
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The full URL with the query percent-encoded.
    public var url: String {
        let base = self.baseURL.hasSuffix("/") ? String(self.baseURL.dropLast()) : self.baseURL
        guard !self.query.isEmpty else { return base + self.path }
        let query = self.query.map { Self.percentEncoded($0.name) + "=" + Self.percentEncoded($0.value) }
        return base + self.path + "?" + query.joined(separator: "&")
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
            if unreserved {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return output
    }
}

/// What came back: status, headers and the body bytes.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, headers: [HTTPHeader] = [], json: String) {
        self.init(status: status, headers: headers, body: Array(json.utf8))
    }

    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Sends one request. Production uses ``AsyncHTTPClientTransport``; tests inject a recording
/// fake. Conformers throw `VenueError.timeout` when `request.timeout` elapses and
/// `VenueError.unavailable` when the connection fails, and return every HTTP status as a value.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
