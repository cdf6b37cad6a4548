import Kernel
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        (0, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1_764_379_800_123, "2025-11-29T01:30:00.123Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),  // leap day of a year divisible by 400
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (-58_017_599_211, "1968-02-29T12:00:00.789Z"),  // leap day before 1970
        (-2_203_891_200_000, "1900-03-01T00:00:00.000Z"),  // 1900 had no leap day
        (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ] as [(Int64, String)])
    func formatsAndParsesISO8601(_ milliseconds: Int64, _ text: String) throws {
        let timestamp = Timestamp(epochMilliseconds: milliseconds)
        #expect(timestamp.description == text)
        let parsed = try Timestamp(iso8601: text)
        #expect(parsed == timestamp)
    }

    @Test func everyFormattedTimestampParsesBackExactly() throws {
        // About 1,150 instants from 1811 to 2128 with ever-changing milliseconds of day.
        for milliseconds in stride(from: Int64(-5_000_000_000_000), through: 5_000_000_000_000, by: 8_699_999_937) {
            let timestamp = Timestamp(epochMilliseconds: milliseconds)
            let parsed = try Timestamp(iso8601: timestamp.description)
            #expect(parsed == timestamp, "\(timestamp) (\(milliseconds) ms)")
        }
    }

    @Test func theDayAfterALeapDayIsTheFirstOfMarch() throws {
        let leapDay = try Timestamp(iso8601: "2024-02-29T00:00:00.000Z")
        let commonFebruary = try Timestamp(iso8601: "2023-02-28T00:00:00.000Z")
        let centuryFebruary = try Timestamp(iso8601: "2100-02-28T00:00:00.000Z")
        #expect((leapDay + .seconds(86_400)).description == "2024-03-01T00:00:00.000Z")
        #expect((commonFebruary + .seconds(86_400)).description == "2023-03-01T00:00:00.000Z")
        #expect((centuryFebruary + .seconds(86_400)).description == "2100-03-01T00:00:00.000Z")
    }

    @Test func millisecondsAreOptionalWhenParsing() throws {
        let parsed = try Timestamp(iso8601: "2026-11-29T01:30:00Z")
        #expect(parsed.description == "2026-11-29T01:30:00.000Z")
    }

    @Test(arguments: [
        "", "2024", "2024-01-01", "2024-01-01T00:00:00.000", "2024-01-01 00:00:00.000Z", "2024-01-01T00:00:00.000+01:00",
        "2024-13-01T00:00:00.000Z", "2024-00-10T00:00:00.000Z", "2024-01-00T00:00:00.000Z", "2024-01-32T00:00:00.000Z",
        "2024-01-01T24:00:00.000Z", "2024-01-01T00:60:00.000Z", "2024-01-01T00:00:60.000Z", "2024-01-01T00:00:00.12Z",
        "2024-01-01T00:00:00.1234Z", "2024-01-01T00:00:00.000Zx", "2024-1-01T00:00:00.000Z", "-024-01-01T00:00:00.000Z",
        "2024-01-01t00:00:00.000z",
    ])
    func invalidTextThrowsAnErrorNamingIt(_ text: String) {
        let error = #expect(throws: TimestampParseError.self) { try Timestamp(iso8601: text) }
        #expect(error?.text == text)
    }

    @Test(arguments: ["2023-02-29T00:00:00.000Z", "2024-04-31T00:00:00.000Z", "2100-02-29T00:00:00.000Z"])
    func daysPastTheEndOfTheirMonthAreRejected(_ text: String) {
        let error = #expect(throws: TimestampParseError.self) { try Timestamp(iso8601: text) }
        #expect(error?.text == text)
    }

    @Test func textOrderIsTimeOrder() {
        let instants = [Int64(-1), 0, 1, 999, 1_000, 59_999, 86_399_999, 1_764_379_800_123, 4_102_444_800_000]
            .map(Timestamp.init(epochMilliseconds:))
        let byText = instants.shuffled().sorted { $0.description < $1.description }
        #expect(byText == instants.sorted())
    }

    @Test func arithmeticWithDurations() {
        let start = Timestamp(epochMilliseconds: 1_000_001)
        #expect(start + .milliseconds(1_999) == Timestamp(epochMilliseconds: 1_002_000))
        #expect(start - .seconds(2) == Timestamp(epochMilliseconds: 998_001))
        #expect((start + .seconds(90)).since(start) == .seconds(90))
        #expect(start.since(start + .milliseconds(5)) == .milliseconds(-5))
        // Sub-millisecond parts are dropped towards zero, in both directions.
        #expect(start + .microseconds(1_999) == Timestamp(epochMilliseconds: 1_000_002))
        #expect(Duration.microseconds(1_500).wholeMilliseconds == 1)
        #expect(Duration.microseconds(-1_500).wholeMilliseconds == -1)
        #expect(Duration.milliseconds(-1_500).wholeMilliseconds == -1_500)
    }
}
