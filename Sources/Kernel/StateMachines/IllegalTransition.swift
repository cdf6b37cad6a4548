/// A transition a state machine does not allow; carries both ends so logs and errors name them.
public struct IllegalTransition<Status: Sendable & Hashable, Event: Sendable & Hashable>: Error, Hashable, Sendable,
    CustomStringConvertible
{
    public let from: Status
    public let event: Event

    public init(from: Status, event: Event) {
        self.from = from
        self.event = event
    }
    public var description: String { "illegal transition: \(self.event) from \(self.from)" }
}
