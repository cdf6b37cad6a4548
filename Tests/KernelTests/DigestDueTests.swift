import Kernel
import Testing

/// The one rule every store asks whether a user's copy digest is due (``DeliveryPolicy/digestDue``).
@Suite struct DigestDueTests {
    let now = Timestamp(epochMilliseconds: 1_000_000_000)

    @Test func aUserNeverDigestedIsDueAndCountsBackOneInterval() {
        #expect(DeliveryPolicy.digestDue(lastDigestAt: nil, interval: nil, defaultInterval: .seconds(60), now: self.now)
            == self.now - .seconds(60))
        #expect(DeliveryPolicy.digestDue(lastDigestAt: nil, interval: .seconds(300), defaultInterval: .seconds(60), now: self.now)
            == self.now - .seconds(300))
    }

    @Test func aDigestIsDueOnceItsIntervalHasPassedAndCountsFromTheLastOne() {
        let last = self.now - .seconds(60)
        #expect(DeliveryPolicy.digestDue(lastDigestAt: last, interval: nil, defaultInterval: .seconds(60), now: self.now) == last)
        #expect(DeliveryPolicy.digestDue(lastDigestAt: last + .milliseconds(1), interval: nil, defaultInterval: .seconds(60),
                                         now: self.now) == nil)
    }

    @Test func theUsersOwnIntervalWinsOverTheDefault() {
        let last = self.now - .seconds(120)
        #expect(DeliveryPolicy.digestDue(lastDigestAt: last, interval: .seconds(300), defaultInterval: .seconds(60),
                                         now: self.now) == nil)
        #expect(DeliveryPolicy.digestDue(lastDigestAt: last, interval: .seconds(90), defaultInterval: .seconds(600),
                                         now: self.now) == last)
    }
}
