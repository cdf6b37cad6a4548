/// Where the Redis server is and how patiently to talk to it.
///
/// Built from `REDIS_URL` (`redis://[user:password@]host[:port][/db]`). The password is kept only
/// for `AUTH`: ``description`` and every error show the endpoint without it.
public struct RedisConfiguration: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    public var host: String
    public var port: Int
    /// Sent with the password as `AUTH user password` (Redis 6 ACLs); `nil` sends `AUTH password`.
    public var username: String?
    public var password: String?
    /// Chosen with `SELECT` on every new connection.
    public var database: Int

    /// Bounds opening a connection (TCP connect); a server that is down fails within it.
    public var connectTimeout: Duration
    /// Bounds each command's send and reply; also the longest a call waits for a free connection.
    public var commandTimeout: Duration
    /// Threads, each with its own blocking connection.
    public var poolSize: Int
    /// After a connection failure calls fail at once for this long, doubling per further failure
    /// up to ``maximumBackoff``; then one call tries to reconnect.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// `CLIENT SETNAME` of each connection, so operators can tell Mirror's connections apart.
    public var clientName: String

    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil,
                database: Int = 0, connectTimeout: Duration = .seconds(1), commandTimeout: Duration = .seconds(1),
                poolSize: Int = 4, initialBackoff: Duration = .milliseconds(100),
                maximumBackoff: Duration = .seconds(5), clientName: String = "mirror") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.poolSize = poolSize
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.clientName = clientName
    }

    /// Parses `redis://[user:password@]host[:port][/db]`; user and password may be percent-encoded.
    /// Errors describe what is wrong without quoting the URL, which may hold the password.
    public init(url: String) throws(RedisCacheError) {
        let scheme = "redis://"
        guard url.hasPrefix(scheme) else {
            throw .invalidURL(reason: "REDIS_URL must start with redis:// (TLS rediss:// is not supported)")
        }
        var rest = Substring(url.dropFirst(scheme.count))
        if rest.contains("?") || rest.contains("#") {
            throw .invalidURL(reason: "REDIS_URL takes no query or fragment")
        }

        var username: String?
        var password: String?
        // The last "@" ends the credentials, so an unencoded "@" in a password still parses.
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            // `user:password`, `:password`, or a bare `user` (no AUTH without a password).
            let colon = credentials.firstIndex(of: ":")
            let user = credentials[..<(colon ?? credentials.endIndex)]
            let secret = colon.map { credentials[credentials.index(after: $0)...] } ?? ""
            guard let decodedUser = Self.percentDecoded(user), let decodedSecret = Self.percentDecoded(secret) else {
                throw .invalidURL(reason: "REDIS_URL credentials have a malformed percent-escape")
            }
            username = decodedUser.isEmpty ? nil : decodedUser
            password = decodedSecret.isEmpty ? nil : decodedSecret
        }

        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else {
                    throw .invalidURL(reason: "REDIS_URL database must be a non-negative number")
                }
                database = number
            }
        }

        let host: Substring
        var port = 6379
        let portText: Substring?
        if rest.hasPrefix("[") {
            // IPv6 literal: [::1]:6379
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalidURL(reason: "REDIS_URL has an unclosed IPv6 bracket")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else {
                throw .invalidURL(reason: "REDIS_URL has text after the IPv6 host")
            }
            portText = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        } else {
            host = rest
            portText = nil
        }
        if let portText {
            guard let number = Int(portText), (1...65_535).contains(number) else {
                throw .invalidURL(reason: "REDIS_URL port must be a number from 1 to 65535")
            }
            port = number
        }
        guard !host.isEmpty else { throw .invalidURL(reason: "REDIS_URL has no host") }

        self.init(host: String(host), port: port, username: username, password: password, database: database)
    }

    /// `host:port`, as logs and errors name the server.
    public var endpoint: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    /// The URL with the password masked.
    public var description: String {
        let credentials: String
        switch (self.username, self.password) {
        case (nil, nil): credentials = ""
        case (let user?, nil): credentials = "\(user)@"
        case (let user, _?): credentials = "\(user ?? ""):***@"
        }
        return "redis://\(credentials)\(self.endpoint)/\(self.database)"
    }

    /// `dump` and debuggers see the masked URL, never the password field.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "url": self.description, "connectTimeout": self.connectTimeout, "commandTimeout": self.commandTimeout,
            "poolSize": self.poolSize, "clientName": self.clientName,
        ])
    }

    /// Decodes `%XX` escapes; `nil` for a malformed one.
    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
