import Ethereum
import Kernel
import PolymarketProtocol

// The Kernel and PolymarketProtocol both name an `Order` and an `OrderType`; inside this module
// the wire ones go by these names.
typealias ClobOrder = PolymarketProtocol.Order
typealias ClobOrderType = PolymarketProtocol.OrderType

extension SixDecimalQuantity {
    /// The value as an exact decimal (base units at scale 6).
    var exactDecimal: ExactDecimal {
        // Scale 6 is always within ExactDecimal's range.
        ExactDecimal(units: Int128(self.baseUnits), scale: 6)!
    }

    /// The quantity an exact decimal with at most six decimals stands for; nil otherwise.
    init?(exactly value: ExactDecimal) {
        guard let units = value.scaledInteger(decimals: 6), let baseUnits = Int64(exactly: units) else { return nil }
        self.init(baseUnits: baseUnits)
    }
}

extension WalletAddress {
    init(_ address: Address) {
        // An Address always prints as 0x + 40 hex digits.
        do { try self.init(address.lowercased) } catch { preconditionFailure("\(address) is not an address: \(error)") }
    }

    var ethereum: Address {
        // A WalletAddress is 0x + 40 lowercase hex digits by construction.
        do { return try Address(hex: self.lowercased) } catch { preconditionFailure("\(self) is not an address") }
    }
}

extension Side {
    var clob: OrderSide { self == .buy ? .buy : .sell }
}

extension Kernel.OrderType {
    var clob: ClobOrderType {
        switch self {
        case .fok: .fok
        case .fak: .fak
        case .gtc: .gtc
        case .gtd: .gtd
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
