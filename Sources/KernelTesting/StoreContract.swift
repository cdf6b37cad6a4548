public import Kernel
public import Testing

/// One named case of a store port's specification. Every store adapter runs every case of every
/// port on an empty store (`XStoreContract.cases`, one parameterised test per port); the cases,
/// not the ports' doc comments, are the specification.
public struct StoreContract<Port>: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (any Store) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any Store) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { self.name }

    /// Runs this case against `store`, which must be empty. Cases take the whole `Store` because
    /// they insert parent rows through the ports first, so adapters with foreign keys pass.
    public func run(on store: some Store) async throws { try await self.body(store) }
}

/// The ports, as tags that tell the contracts apart.
public enum UserStorePort {}
public enum ProfileStorePort {}
public enum CopyEventStorePort {}
public enum OrderStorePort {}
public enum RelayerTxStorePort {}
public enum AuditStorePort {}
public enum FundsStorePort {}
public enum AddressBookStorePort {}
public enum WatchListStorePort {}

/// The specification of ``UserStore``.
public typealias UserStoreContract = StoreContract<UserStorePort>
/// The specification of ``ProfileStore``.
public typealias ProfileStoreContract = StoreContract<ProfileStorePort>
/// The specification of ``CopyEventStore``.
public typealias CopyEventStoreContract = StoreContract<CopyEventStorePort>
/// The specification of ``OrderStore``.
public typealias OrderStoreContract = StoreContract<OrderStorePort>
/// The specification of ``RelayerTxStore``.
public typealias RelayerTxStoreContract = StoreContract<RelayerTxStorePort>
/// The specification of ``AuditStore``.
public typealias AuditStoreContract = StoreContract<AuditStorePort>
/// The specification of ``FundsStore``.
public typealias FundsStoreContract = StoreContract<FundsStorePort>
/// The specification of ``AddressBookStore``.
public typealias AddressBookStoreContract = StoreContract<AddressBookStorePort>
/// The specification of ``WatchListStore``.
public typealias WatchListStoreContract = StoreContract<WatchListStorePort>

/// Tag of ``NotificationStoreContract`` (issue #23).
public enum NotificationStorePort {}
/// The notification outbox, webhook endpoints and deliveries (``NotificationStore``).
public typealias NotificationStoreContract = StoreContract<NotificationStorePort>
