public import Ethereum

/// One call a smart wallet makes on the user's behalf through Polymarket's gasless relayer
/// (spec §11). The SAFE, PROXY and WALLET transactions each wrap a list of these.
public struct RelayerCall: Sendable, Hashable {
    /// How the wallet invokes `to`. Deposit wallets only make plain calls.
    public enum Operation: UInt8, Sendable, Hashable {
        case call = 0
        /// Runs `to`'s code in the wallet's own context — only for trusted library contracts
        /// such as the Safe MultiSend.
        case delegateCall = 1
    }

    public let to: Address
    /// Native POL sent with the call, in wei; zero for every call this product makes.
    public let value: UInt256
    public let data: [UInt8]
    public let operation: Operation

    public init(to: Address, value: UInt256 = .zero, data: [UInt8], operation: Operation = .call) {
        self.to = to
        self.value = value
        self.data = data
        self.operation = operation
    }
}

/// Why a relayer transaction could not be built or signed.
public enum RelayerError: Error, Hashable, Sendable {
    /// A transaction needs at least one call.
    case noCalls
    /// The relayer stores at most ``RelayerSubmission/maximumMetadataLength`` characters.
    case metadataTooLong(count: Int)
    /// The digest was signed by a key other than the wallet owner's, so the wallet would reject
    /// it on chain.
    case signerMismatch(expected: Address, actual: Address)
    /// Deposit wallets execute plain calls only.
    case delegateCallNotSupported(to: Address)
    /// A condition id is a bytes32.
    case invalidConditionID(byteCount: Int)
}

/// The `type` of a relayer transaction, also the `type` query parameter of `GET /nonce`.
public enum RelayerTransactionType: String, Sendable, Hashable, CaseIterable {
    case safe = "SAFE"
    case safeCreate = "SAFE-CREATE"
    case proxy = "PROXY"
    case wallet = "WALLET"
    case walletCreate = "WALLET-CREATE"
}

/// A ready `POST /submit` request: the exact JSON bytes to send (and to cover with the builder
/// HMAC, which must be computed over the bytes actually sent — spec §11.1).
public struct RelayerSubmission: Sendable, Hashable {
    public static let method = "POST"
    public static let path = "/submit"
    /// The relayer refuses longer `metadata` labels.
    public static let maximumMetadataLength = 500

    public let type: RelayerTransactionType
    /// The EOA that signed (or, for WALLET-CREATE, requested) the transaction.
    public let from: Address
    /// Compact JSON, keys in the order of py-builder-relayer-client (the official vectors' order).
    public let body: String

    init(type: RelayerTransactionType, from: Address, body: RelayerJSON) {
        self.type = type
        self.from = from
        self.body = body.serialized
    }

    static func validate(metadata: String) throws(RelayerError) {
        let count = metadata.count
        guard count <= Self.maximumMetadataLength else { throw .metadataTooLong(count: count) }
    }
}

/// A relayer transaction's state as `POST /submit` and `GET /transaction` report it. Parsing
/// never fails: a state this code does not know becomes ``unknown(_:)``, so a new relayer state
/// cannot crash or wedge a poller.
public enum RelayerTransactionState: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Accepted, not yet sent on chain.
    case new
    /// Sent on chain, not yet mined.
    case executed
    /// Mined; the older client treats this as done, the unified SDK waits for ``confirmed``.
    case mined
    /// Mined and confirmed: the success terminal.
    case confirmed
    /// Reverted or dropped: a failure terminal.
    case failed
    /// Rejected by the relayer: a failure terminal.
    case invalid
    case unknown(String)

    public init(rawValue: String) {
        switch rawValue {
        case "STATE_NEW": self = .new
        case "STATE_EXECUTED": self = .executed
        case "STATE_MINED": self = .mined
        case "STATE_CONFIRMED": self = .confirmed
        case "STATE_FAILED": self = .failed
        case "STATE_INVALID": self = .invalid
        default: self = .unknown(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .new: "STATE_NEW"
        case .executed: "STATE_EXECUTED"
        case .mined: "STATE_MINED"
        case .confirmed: "STATE_CONFIRMED"
        case .failed: "STATE_FAILED"
        case .invalid: "STATE_INVALID"
        case .unknown(let text): text
        }
    }

    /// Whether polling can stop: confirmed, failed or invalid.
    public var isTerminal: Bool {
        self == .confirmed || self.isFailure
    }

    public var isFailure: Bool {
        self == .failed || self == .invalid
    }

    public var description: String { self.rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.rawValue)
    }
}
