/// Which way an order trades. The signed struct carries it as a `uint8` (BUY 0, SELL 1); the
/// JSON body as the strings `"BUY"` / `"SELL"`.
public enum OrderSide: String, Sendable, Hashable, CaseIterable {
    case buy = "BUY"
    case sell = "SELL"

    /// The `uint8 side` of the EIP-712 order struct.
    public var code: UInt8 {
        switch self {
        case .buy: 0
        case .sell: 1
        }
    }
}
