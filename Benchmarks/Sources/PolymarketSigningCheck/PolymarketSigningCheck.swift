import PolymarketSigningSupport

/// Prints the check order's inputs and the body the adapter signs for them (one JSON line), which
/// `python/clob_signing.py` compares byte for byte with py-clob-client-v2's body for the same order.
@main
struct PolymarketSigningCheck {
    static func main() async throws {
        print(try await PolymarketSigningBench.checkJSON())
    }
}
