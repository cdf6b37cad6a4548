import Kernel
import KernelTesting
import Testing

/// The account-wide event cap (issue #22), pure: the same rule as a follow's event cap, applied
/// to what all the user's live follows committed in the event; and the commit's check.
@Suite struct AccountEventCapTests {
    /// A $10 fixed entry at a 0.50 limit on a deep, fee-free book, $1,000 balance, minimum 5 shares.
    func sizing(_ limits: CopyLimits = CopyLimits(), event: Collateral? = nil,
                account: EntrySizing.AccountEvent?) -> EntrySizing.Outcome {
        let limit = Price(baseUnits: 500_000)
        return EntrySizing(
            sizing: .fixedUSD(.dollars(10)), limits: limits, leaderNotional: .dollars(100), balance: .dollars(1_000),
            exposure: .init(market: .zero, total: .zero, today: .zero, event: event, account: account), limitPrice: limit,
            feePrice: limit, fee: .free, depth: .whole(10_000), minOrderSize: .whole(5)).evaluate()
    }

    @Test func theAccountEventCapReducesThenStops() {
        let cap = Collateral.dollars(15)
        #expect(self.sizing(account: nil) == .buy(shares: .whole(20), cost: .dollars(10)), "no account cap")
        #expect(self.sizing(account: .init(cap: cap, committed: .zero)) == .buy(shares: .whole(20), cost: .dollars(10)))
        // Another follow holds $10 of the event: $5 left buys 10 shares.
        #expect(self.sizing(account: .init(cap: cap, committed: .dollars(10))) == .buy(shares: .whole(10), cost: .dollars(5)))
        // $2 left is below the 5-share minimum; over the cap, nothing.
        #expect(self.sizing(account: .init(cap: cap, committed: .dollars(13))) == .skip(.eventCapReached))
        #expect(self.sizing(account: .init(cap: cap, committed: .dollars(20))) == .skip(.eventCapReached))
    }

    @Test func theTighterOfTheFollowsAndTheAccountsEventCapBinds() {
        let follow = CopyLimits(maxPerEvent: .dollars(14))
        // The follow has $6 in the event (room $8); the account $9 of $15 (room $6): the account binds.
        #expect(self.sizing(follow, event: .dollars(6), account: .init(cap: .dollars(15), committed: .dollars(9)))
                == .buy(shares: .whole(12), cost: .dollars(6)))
        // The follow's room $4 is tighter than the account's $6.
        #expect(self.sizing(follow, event: .dollars(10), account: .init(cap: .dollars(15), committed: .dollars(9)))
                == .buy(shares: .whole(8), cost: .dollars(4)))
    }

    @Test func theBatchCountsWhatTheUsersOtherFollowsAlreadyPlannedInTheEvent() throws {
        let fanOut = try FanOut.withTenDollarsPlannedInOneEvent()
        let stored = EntrySizing.Exposure(market: .zero, total: .zero, today: .zero)
        // Another follow (p-2) of the same user sees the $10 in the account, not in its own event exposure.
        let seen = fanOut.exposure(stored, profileID: ProfileID("p-2"), conditionID: "0xb", event: ("one-event", .zero),
                                   account: (UserID("u-1"), "one-event", .dollars(15), .dollars(2)))
        #expect(seen.event == .zero)
        #expect(seen.account == EntrySizing.AccountEvent(cap: .dollars(15), committed: .dollars(12)))
        let otherUser = fanOut.exposure(stored, profileID: ProfileID("p-3"), conditionID: "0xb",
                                        account: (UserID("u-2"), "one-event", .dollars(15), .zero))
        #expect(otherUser.account?.committed == .zero)
    }

    @Test func theCommitsCheckCountsTheTokensItNamesAndThoseTheStoreRecorded() throws {
        let (x, y, z) = (try TokenID("11"), try TokenID("12"), try TokenID("13"))
        let order = Order.fixture(1, tokenID: y) // 17.85 at 0.56: $9.996
        var step = AttemptStep(attempt: .fixture(), expected: .pending, newOrders: [order])
        let check = EventCapCheck(userID: UserID("u-1"), eventID: "e", cap: .dollars(15), tokens: [y])
        step.eventCap = check
        #expect(step.eventSpend == Collateral(baseUnits: 9_996_000))
        let committed: [TokenID: Collateral] = [x: .dollars(6), z: .dollars(100)]
        #expect(check.fits(step, committed: committed, recorded: []), "x and z are not known to be in the event")
        #expect(!check.fits(step, committed: committed, recorded: [x]), "recorded in it: $6 + $9.996 > $15")
        #expect(check.fits(step, committed: [x: Collateral(baseUnits: 5_004_000)], recorded: [x]), "exactly at the cap")
        // Paper and sell orders are never a cap's business.
        step.newOrders = [Order.fixture(2, tokenID: y, paper: true), Order.fixture(3, tokenID: y, side: .sell)]
        #expect(step.eventSpend == .zero)
    }
}
