import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a webhook may be sent (SSRF safety): checked when an endpoint is registered and again at
/// every delivery, against the address actually connected to.
///
/// Production: `https` only, and no loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
/// link-local (169.254/16, fe80::/10, which holds the cloud metadata service), carrier-grade NAT,
/// unspecified, multicast or reserved address. Local mode also allows `http` and loopback, so a
/// receiver on the developer's machine works; every other refusal holds there too.
struct WebhookDestination: Hashable, Sendable {
    let url: URL
    let host: String
    let port: Int

    enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case notAURL
        case scheme(String)
        case credentialsInURL
        case unresolvable(String)
        case forbiddenAddress(host: String, address: String, kind: String)

        var description: String {
            switch self {
            case .notAURL: "url must be an absolute http(s) URL with a host"
            case .scheme(let scheme): "url must use https (got \(scheme))"
            case .credentialsInURL: "url must not carry a user name or password"
            case .unresolvable(let host): "url host \(host) does not resolve"
            case .forbiddenAddress(let host, let address, let kind):
                "url host \(host) resolves to \(address), a \(kind) address, which webhooks may not reach"
            }
        }
    }

    /// Parses and checks the URL's form (not its addresses).
    static func parse(_ text: String, allowLocal: Bool) throws(Refusal) -> WebhookDestination {
        guard text.count <= 2_000, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              let host = url.host(percentEncoded: false)?.lowercased(), !host.isEmpty
        else { throw .notAURL }
        guard scheme == "https" || (allowLocal && scheme == "http") else { throw .scheme(scheme) }
        guard url.user == nil, url.password == nil else { throw .credentialsInURL }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return WebhookDestination(url: url, host: bare, port: url.port ?? (scheme == "https" ? 443 : 80))
    }

    /// Resolves the host and returns the first address that may be connected to; throws when
    /// any address is forbidden (a name answering both a public and a private address is refused:
    /// the connection could land on either).
    func resolveAllowed(allowLocal: Bool, resolve: (String) -> [String] = Self.resolve) throws(Refusal) -> String {
        let addresses = Self.ipv4(self.host) != nil || Self.ipv6(self.host) != nil ? [self.host] : resolve(self.host)
        guard let first = addresses.first else { throw .unresolvable(self.host) }
        for address in addresses {
            if let kind = Self.forbiddenKind(address, allowLoopback: allowLocal) {
                throw .forbiddenAddress(host: self.host, address: address, kind: kind)
            }
        }
        return first
    }

    /// Why `address` (numeric IPv4 or IPv6 text) may not be reached, or `nil` when it may.
    static func forbiddenKind(_ address: String, allowLoopback: Bool) -> String? {
        if let v4 = Self.ipv4(address) { return Self.forbiddenKind(v4: v4, allowLoopback: allowLoopback) }
        guard let v6 = Self.ipv6(address) else { return "unparseable" }
        // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms are judged as the IPv4 address.
        if v6[0..<10].allSatisfy({ $0 == 0 }) && ((v6[10] == 0xff && v6[11] == 0xff) || (v6[10] == 0 && v6[11] == 0))
            && !(v6[0..<15].allSatisfy { $0 == 0 }) {
            return Self.forbiddenKind(v4: Array(v6[12..<16]), allowLoopback: allowLoopback)
        }
        if v6[0..<15].allSatisfy({ $0 == 0 }) {
            if v6[15] == 1 { return allowLoopback ? nil : "loopback" }
            if v6[15] == 0 { return "unspecified" }
        }
        if v6[0] & 0xfe == 0xfc { return "private" }
        if v6[0] == 0xfe && v6[1] & 0xc0 == 0x80 { return "link-local" }
        if v6[0] == 0xff { return "multicast" }
        // 64:ff9b::/96 (NAT64) embeds an IPv4 address: judge that one.
        if v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b {
            return Self.forbiddenKind(v4: Array(v6[12..<16]), allowLoopback: allowLoopback)
        }
        return nil
    }

    private static func forbiddenKind(v4 b: [UInt8], allowLoopback: Bool) -> String? {
        switch (b[0], b[1]) {
        case (127, _): return allowLoopback ? nil : "loopback"
        case (0, _): return "unspecified"
        case (10, _), (172, 16...31), (192, 168): return "private"
        case (169, 254): return "link-local (cloud metadata)"
        case (100, 64...127): return "carrier-grade NAT"
        case (192, 0) where b[2] == 0 || b[2] == 2: return "reserved"
        case (198, 18...19): return "benchmarking"
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return "documentation"
        case (224...255, _): return "multicast or reserved"
        default: return nil
        }
    }

    static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// Every address `host` resolves to (a numeric host is itself), as numeric text.
    static func resolve(_ host: String) -> [String] {
        if Self.ipv4(host) != nil || Self.ipv6(host) != nil { return [host] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                           NI_NUMERICHOST) == 0 {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
