import Kernel
@testable import PolymarketAdapter
import Testing

/// `/positions`' `curPrice` of a redeemable position is what auto-claim books per share.
@Suite struct ResolvedPriceTests {
    let wallet = try! WalletAddress("0x" + String(repeating: "ab", count: 20))

    func row(redeemable: Bool, curPrice: String) -> JSONValue {
        JSONValue.parse("""
            {"proxyWallet": "0x\(String(repeating: "ab", count: 20))", "asset": "123", "conditionId": "0xC0",
             "size": "10", "avgPrice": 0.4, "redeemable": \(redeemable), "negativeRisk": false, "curPrice": \(curPrice)}
            """)!
    }

    @Test func aRedeemablePositionCarriesItsPayoutPerShare() throws {
        let won = try DataAPI.position(self.row(redeemable: true, curPrice: "1"), wallet: self.wallet)
        let lost = try DataAPI.position(self.row(redeemable: true, curPrice: "0"), wallet: self.wallet)
        let artefact = try DataAPI.position(self.row(redeemable: true, curPrice: "0.9999999999999999"), wallet: self.wallet)
        #expect(won.resolvedPrice == Price.one)
        #expect(lost.resolvedPrice == Price.zero)
        #expect(artefact.resolvedPrice == Price.one, "a float artefact snaps to six decimals")
    }

    @Test func anOpenPositionsQuoteOrANonsensePriceIsNotAPayout() throws {
        let open = try DataAPI.position(self.row(redeemable: false, curPrice: "0.62"), wallet: self.wallet)
        let nonsense = try DataAPI.position(self.row(redeemable: true, curPrice: "7"), wallet: self.wallet)
        #expect(open.resolvedPrice == nil)
        #expect(nonsense.resolvedPrice == nil)
    }
}
