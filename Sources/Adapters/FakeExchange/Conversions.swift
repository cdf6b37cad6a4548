import Ethereum
import Kernel
import PolymarketProtocol

// The Kernel and PolymarketProtocol both name an `Order`, an `OrderType` and a
// `RelayerSubmission`; inside this module the wire ones go by these names.
typealias ClobOrder = PolymarketProtocol.Order
typealias ClobOrderType = PolymarketProtocol.OrderType
typealias KernelOrderType = Kernel.OrderType

extension SixDecimalQuantity {
    /// The value as an exact decimal (base units at scale 6).
    var exact: ExactDecimal {
        // Scale 6 is always within ExactDecimal's range.
        ExactDecimal(units: Int128(self.baseUnits), scale: 6)!
    }

    /// The quantity an exact decimal with at most six decimals stands for; nil otherwise.
    init?(exact value: ExactDecimal) {
        guard let units = value.scaledInteger(decimals: 6), let baseUnits = Int64(exactly: units) else { return nil }
        self.init(baseUnits: baseUnits)
    }
}

extension TickSize {
    /// The tick whose value equals `price`; nil for any other price.
    init?(price: Price) {
        self.init(price.exact)
    }

    var price: Price {
        // A tick has at most four decimals.
        Price(exact: self.value)!
    }

    /// Base units of the smallest step of the derived amount (pUSD of a BUY, …).
    var amountStep: Int64 {
        var step: Int64 = 1
        for _ in 0..<(6 - self.amountDecimals) { step *= 10 }
        return step
    }

    /// Base units of the smallest step of a size in shares (0.01 share).
    var sizeStep: Int64 { 10_000 }
}

extension WalletAddress {
    init(_ address: Address) {
        // An Address always prints as 0x + 40 hex digits.
        do { try self.init(address.lowercased) } catch { preconditionFailure("\(address) is not an address: \(error)") }
    }

    var address: Address {
        // A WalletAddress is 0x + 40 lowercase hex digits by construction.
        do { return try Address(hex: self.lowercased) } catch { preconditionFailure("\(self) is not an address") }
    }
}

extension TokenID {
    var uint256: UInt256? { try? UInt256(decimal: self.decimal) }
}

extension Side {
    var clob: OrderSide { self == .buy ? .buy : .sell }

    init(_ side: OrderSide) {
        self = side == .buy ? .buy : .sell
    }
}

extension KernelOrderType {
    var clob: ClobOrderType {
        switch self {
        case .fok: .fok
        case .fak: .fak
        case .gtc: .gtc
        case .gtd: .gtd
        }
    }

    init(_ type: ClobOrderType) {
        switch type {
        case .fok: self = .fok
        case .fak: self = .fak
        case .gtc: self = .gtc
        case .gtd: self = .gtd
        }
    }
}

extension WalletType {
    var clob: SignatureType {
        switch self {
        case .eoa: .eoa
        case .proxy: .polyProxy
        case .safe: .polyGnosisSafe
        case .depositWallet: .poly1271
        }
    }
}

/// `0x` + lowercase hex of keccak-256 over `label`: the fake's ids for conditions, transactions
/// and references, stable for a seed.
func fakeHash(_ label: String) -> String {
    Hex.encode(Keccak256.hash(utf8: label))
}
