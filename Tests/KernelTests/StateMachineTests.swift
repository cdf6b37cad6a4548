import Kernel
import Testing

/// Every (state, event) pair of the three state machines of ARCHITECTURE §3, against a table
/// written out by hand: a legal move must land where the table says, every other pair must throw.
@Suite struct StateMachineTests {
    // MARK: Copy attempt

    static let attemptTable: [CopyAttempt.Status: [CopyAttempt.Event: CopyAttempt.Status]] = [
        .pending: [.deferBySystem: .deferred, .skip: .skipped, .startPlacing: .placing, .fail: .failed],
        .deferred: [.resume: .pending],
        .placing: [.complete: .done, .fail: .failed],
        .skipped: [:], .done: [:], .failed: [:],
    ]

    @Test(arguments: CopyAttempt.Status.allCases, CopyAttempt.Event.allCases)
    func attempt(_ status: CopyAttempt.Status, _ event: CopyAttempt.Event) {
        let expected = Self.attemptTable[status]?[event]
        let actual = try? status.applying(event)
        #expect(actual == expected)
        if expected == nil {
            #expect(throws: IllegalTransition(from: status, event: event)) { try status.applying(event) }
        }
    }

    @Test func attemptTerminalsAcceptNothing() {
        for status in CopyAttempt.Status.allCases where status.isTerminal {
            #expect(CopyAttempt.Event.allCases.allSatisfy { (try? status.applying($0)) == nil }, "\(status)")
        }
        #expect(Set(CopyAttempt.Status.allCases.filter(\.isTerminal)) == [.skipped, .done, .failed])
    }

    // MARK: Order

    static let orderTable: [Order.Status: [Order.Event: Order.Status]] = [
        .signed: [.send: .submitted, .cancel: .canceled],
        .submitted: [.accept: .live, .loseResponse: .unknown, .fill: .filled, .fillPartly: .partiallyFilled,
                     .kill: .killed, .reject: .rejected, .cancel: .canceled],
        .live: [.loseResponse: .unknown, .fill: .filled, .fillPartly: .partiallyFilled, .kill: .killed,
                .cancel: .canceled],
        .unknown: [.resend: .submitted, .accept: .live, .fill: .filled, .fillPartly: .partiallyFilled,
                   .kill: .killed, .reject: .rejected, .cancel: .canceled],
        .filled: [:], .partiallyFilled: [:], .killed: [:], .rejected: [:], .canceled: [:],
    ]

    @Test(arguments: Order.Status.allCases, Order.Event.allCases)
    func order(_ status: Order.Status, _ event: Order.Event) {
        let expected = Self.orderTable[status]?[event]
        let actual = try? status.applying(event)
        #expect(actual == expected)
        if expected == nil {
            #expect(throws: IllegalTransition(from: status, event: event)) { try status.applying(event) }
        }
    }

    @Test func onlyFinalOrdersLetAnAttemptSignAgain() {
        let mayResign = Set(Order.Status.allCases.filter(\.provablyCannotFill))
        #expect(mayResign == [.filled, .partiallyFilled, .killed, .rejected, .canceled])
        // An order whose response was lost may still fill: never a reason to sign another.
        #expect(!Order.Status.unknown.provablyCannotFill)
        #expect(!Order.Status.submitted.provablyCannotFill)
    }

    // MARK: Relayer transaction

    static let relayerTable: [RelayerTx.Status: [RelayerTx.Event: RelayerTx.Status]] = [
        .pending: [.submit: .submitted, .fail: .failed],
        .submitted: [.mine: .mined, .confirm: .confirmed, .fail: .failed],
        .mined: [.confirm: .confirmed, .fail: .failed],
        .confirmed: [:],
        .failed: [.operatorRetry: .pending],
    ]

    @Test(arguments: RelayerTx.Status.allCases, RelayerTx.Event.allCases)
    func relayerTx(_ status: RelayerTx.Status, _ event: RelayerTx.Event) {
        let expected = Self.relayerTable[status]?[event]
        let actual = try? status.applying(event)
        #expect(actual == expected)
        if expected == nil {
            #expect(throws: IllegalTransition(from: status, event: event)) { try status.applying(event) }
        }
    }

    @Test func failedRelayerTxIsFinalForWorkersButNotTerminal() {
        #expect(RelayerTx.Status.failed.isFinalForWorkers)
        #expect(!RelayerTx.Status.failed.isTerminal)
        #expect(RelayerTx.Status.confirmed.isTerminal)
    }

    @Test(arguments: [
        ("STATE_NEW", RelayerTx.Status.submitted), ("STATE_EXECUTED", .submitted), ("STATE_MINED", .mined),
        ("STATE_CONFIRMED", .confirmed), ("STATE_FAILED", .failed), ("STATE_INVALID", .failed),
    ])
    func relayerStateMapping(_ state: String, _ expected: RelayerTx.Status) {
        #expect(RelayerTx.Status(relayerState: state) == expected)
    }

    @Test func unknownRelayerStateIsNotGuessed() {
        #expect(RelayerTx.Status(relayerState: "STATE_SOMETHING_NEW") == nil)
        #expect(RelayerTx.Status(relayerState: "state_confirmed") == nil)
    }

    // MARK: Profile status

    @Test func profileStatusPermissions() {
        #expect(ProfileStatus.allCases.filter(\.allowsEntries) == [.enabled])
        #expect(ProfileStatus.allCases.filter(\.allowsExits) == [.enabled, .exitOnly])
    }
}
