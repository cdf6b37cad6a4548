import Foundation
import Testing

/// Every case of the official vectors file, rebuilt from its `input` only and compared byte for
/// byte with its `expected` (spec §0). The path comes from `POLYMARKET_VECTORS` when set, so the
/// held-out file with the same schema runs through the same code.
@Suite struct PublicVectorTests {
    @Test(arguments: try VectorFile.load().cases)
    func vector(_ vector: VectorCase) throws {
        switch vector.kind {
        case "eoa_address": try VectorChecks.eoaAddress(vector)
        case "keccak256": try VectorChecks.keccak256(vector)
        case "eip55": try VectorChecks.eip55(vector)
        case "calldata": try VectorChecks.calldata(vector)
        case "order_amounts": try VectorChecks.orderAmounts(vector)
        case "order_v2": try VectorChecks.orderV2(vector)
        case "order_v1_legacy": try VectorChecks.orderV1Legacy(vector)
        case "clob_auth_l1": try VectorChecks.clobAuthL1(vector)
        case "hmac_l2": try VectorChecks.hmacL2(vector)
        case "builder_hmac": try VectorChecks.builderHMAC(vector)
        case "wallet_derivation": try VectorChecks.walletDerivation(vector)
        case "safe_relayer_tx": try VectorChecks.safeRelayerTx(vector)
        case "proxy_relayer_tx": try VectorChecks.proxyRelayerTx(vector)
        case "safe_create_relayer_tx": try VectorChecks.safeCreateRelayerTx(vector)
        case "deposit_wallet_batch": try VectorChecks.depositWalletBatch(vector)
        default: Issue.record("unknown vector kind \(vector.kind) in case \(vector.id)")
        }
    }

    @Test func everyPublicKindIsPresent() throws {
        let kinds = Set(try VectorFile.load().cases.map(\.kind))
        #expect(kinds.count == 15, "kinds: \(kinds.sorted())")
    }
}

/// Namespace for the per-kind checks; each group lives in its own `Vectors+*.swift` file.
enum VectorChecks {}

/// A JSON value as the vectors file holds it, kept loose so that each check reads only the
/// fields its kind defines.
enum JSONValue: Sendable, Equatable, Decodable {
    case null, bool(Bool), number(String), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .number(String(value)) }
        else if let value = try? container.decode(Double.self) { self = .number(String(value)) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The field as a string; numbers are given in their JSON spelling.
    func string(_ key: String) throws -> String {
        switch self[key] {
        case .string(let value)?: return value
        case .number(let value)?: return value
        default: throw VectorError.missing(key)
        }
    }

    func int(_ key: String) throws -> Int {
        guard let value = Int(try string(key)) else { throw VectorError.malformed(key) }
        return value
    }

    func bool(_ key: String) throws -> Bool {
        guard case .bool(let value)? = self[key] else { throw VectorError.missing(key) }
        return value
    }

    func object(_ key: String) throws -> JSONValue {
        guard let value = self[key], case .object = value else { throw VectorError.missing(key) }
        return value
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard case .array(let value)? = self[key] else { throw VectorError.missing(key) }
        return value
    }
}

enum VectorError: Error, CustomStringConvertible {
    case missing(String), malformed(String)
    var description: String {
        switch self {
        case .missing(let key): "vector field \(key) is missing"
        case .malformed(let what): "vector field \(what) is malformed"
        }
    }
}

struct VectorCase: Sendable, CustomTestStringConvertible {
    let id: String
    let kind: String
    let input: JSONValue
    let expected: JSONValue
    var testDescription: String { self.id }
}

struct VectorFile: Sendable {
    let cases: [VectorCase]

    /// `POLYMARKET_VECTORS`, else the public file in `../shared` beside the repository.
    static func load() throws -> VectorFile {
        let path = ProcessInfo.processInfo.environment["POLYMARKET_VECTORS"]
            ?? URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("shared/vectors/polymarket-public.json").path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try JSONDecoder().decode(JSONValue.self, from: data)
        let cases = try root.array("cases").map { raw in
            VectorCase(id: try raw.string("id"), kind: try raw.string("kind"),
                       input: try raw.object("input"), expected: try raw.object("expected"))
        }
        return VectorFile(cases: cases)
    }
}
