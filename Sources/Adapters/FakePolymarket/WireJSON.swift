import Foundation
import HTTPTypes
import Hummingbird
import Kernel

/// A JSON value written exactly as Polymarket writes it: strings stay strings, numbers keep the
/// text they were given (`0.01`, `5`), keys keep their order. The facade builds every reply with
/// it, because which fields are strings and which numbers is part of the protocol (spec §13a.8).
indirect enum WireJSON: Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    case string(String)
    case number(String)
    case bool(Bool)
    case null
    case array([WireJSON])
    case object([(String, WireJSON)])

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: WireJSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, WireJSON)...) { self = .object(elements) }

    /// A six-decimal quantity as a JSON number (`0.5`, `10`).
    static func number(_ quantity: some SixDecimalQuantity) -> WireJSON { .number(quantity.description) }
    static func integer(_ value: some BinaryInteger) -> WireJSON { .number(String(value)) }

    /// Compact JSON text, as the SDKs send and the CLOB answers.
    var text: String {
        var output = ""
        self.write(into: &output)
        return output
    }

    private func write(into output: inout String) {
        switch self {
        case .string(let value): Self.quote(value, into: &output)
        case .number(let value): output += value
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output += "," }
                Self.quote(key, into: &output)
                output += ":"
                value.write(into: &output)
            }
            output += "}"
        }
    }

    private static func quote(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// A JSON array written into a string, as Gamma sends `outcomes` and `clobTokenIds` (§13a.2).
    static func embedded(_ items: [String]) -> WireJSON {
        .string(WireJSON.array(items.map { .string($0) }).text)
    }

    /// The reply with this body.
    func response(_ status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: self.text)))
    }
}

/// Reading request bodies and parameters.
enum WireRequest {
    /// The largest body any route reads (an order is about 1 kB).
    static let maximumBodyBytes = 1 << 20

    static func body(_ request: Request) async throws -> String {
        let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    /// Decodes a JSON body, refusing anything else with a 400.
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw WireError(.badRequest, "invalid request body: expected \(T.self)")
        }
    }

    /// A required query parameter.
    static func query(_ request: Request, _ name: String) throws -> String {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else {
            throw WireError(.badRequest, "missing query parameter \(name)")
        }
        return value
    }

    static func tokenID(_ text: String) throws -> TokenID {
        do { return try TokenID(text) } catch { throw WireError(.badRequest, "invalid token id \(text)") }
    }

    static func wallet(_ text: String) throws -> WalletAddress {
        do { return try WalletAddress(text) } catch { throw WireError(.badRequest, "invalid address \(text)") }
    }
}
