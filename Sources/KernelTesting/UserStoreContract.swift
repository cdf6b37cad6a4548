import Kernel
import Testing


extension StoreContract where Port == UserStorePort {
    public static var cases: [UserStoreContract] { [
        .init("a user round-trips, with and without a login address") { store async throws in
            let withAddress = User.fixture(1)
            let withoutAddress = User.fixture(2, loginAddress: nil, createdAt: Timestamp(epochMilliseconds: -86_399_999))
            try await store.insertUser(withAddress)
            try await store.insertUser(withoutAddress)
            let first = try await store.user(id: withAddress.id)
            let second = try await store.user(id: withoutAddress.id)
            #expect(first == withAddress)
            #expect(second == withoutAddress)
        },
        .init("user(externalID:) finds the user; unknown ids read nil") { store async throws in
            let user = User.fixture(1, externalID: "Dynamic|Case-Sensitive-Subject")
            try await store.insertUser(user)
            let found = try await store.user(externalID: "Dynamic|Case-Sensitive-Subject")
            let unknownExternal = try await store.user(externalID: "dynamic|nobody")
            let unknownID = try await store.user(id: UserID("user-9999"))
            #expect(found == user)
            #expect(unknownExternal == nil)
            #expect(unknownID == nil)
        },
        .init("a second user with a taken id throws duplicate and changes nothing") { store async throws in
            let user = User.fixture(1)
            try await store.insertUser(user)
            await expectDuplicate("same id") {
                try await store.insertUser(User.fixture(2, id: user.id))
            }
            let stored = try await store.user(id: user.id)
            let byOtherExternalID = try await store.user(externalID: User.fixture(2).externalID)
            #expect(stored == user)
            #expect(byOtherExternalID == nil)
        },
        .init("a second user with a taken external id throws duplicate") { store async throws in
            let user = User.fixture(1)
            try await store.insertUser(user)
            let clash = User.fixture(2, externalID: user.externalID)
            await expectDuplicate("same external id") { try await store.insertUser(clash) }
            let second = try await store.user(id: clash.id)
            #expect(second == nil)
        },
        .init("master-key versions keep all 32 bits (the vault's fingerprints run to 2^32 - 1)") { store async throws in
            let user = try await Seed.user(1, in: store)
            let top = Int(UInt32.max)
            let wallet = TradingWallet.fixture(
                1, userID: user.id, sealedKey: .fixture(keyVersion: top, seed: 1), apiKey: "k",
                sealedAPISecret: .fixture(keyVersion: top - 1, seed: 2), sealedAPIPassphrase: .fixture(keyVersion: 1 << 31, seed: 3))
            try await store.insertWallet(wallet)
            let stored = try await store.wallet(id: wallet.id)
            let toRotate = try await store.wallets(sealedUnderOtherThan: top, limit: 10)
            #expect(stored == wallet)
            #expect(toRotate.map(\.id) == [wallet.id], "its API values are under other versions")
        },
        .init("a wallet round-trips with every field, for every wallet type") { store async throws in
            let user = try await Seed.user(1, in: store)
            var wallets: [TradingWallet] = []
            for (index, type) in WalletType.allCases.enumerated() {
                let ready = index.isMultiple(of: 2)
                wallets.append(TradingWallet.fixture(
                    index + 1, userID: user.id, type: type,
                    sealedKey: .fixture(keyVersion: index + 1, seed: index),
                    onboarding: WalletOnboarding.allCases[index % WalletOnboarding.allCases.count],
                    apiKey: ready ? "0b6c5e2a-\(index)" : nil,
                    sealedAPISecret: ready ? .fixture(keyVersion: 3, seed: 100 + index) : nil,
                    sealedAPIPassphrase: ready ? .fixture(keyVersion: 4, seed: 200 + index) : nil,
                    createdAt: .fixture + .milliseconds(index), updatedAt: .fixture + .milliseconds(1_000 + index)))
            }
            for wallet in wallets { try await store.insertWallet(wallet) }
            for wallet in wallets {
                let stored = try await store.wallet(id: wallet.id)
                #expect(stored == wallet)
            }
            let unknown = try await store.wallet(id: WalletID("wallet-9999"))
            #expect(unknown == nil)
        },
        .init("a wallet with a taken id throws duplicate") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            await expectDuplicate("same wallet id") {
                try await store.insertWallet(TradingWallet.fixture(2, id: wallet.id, userID: user.id))
            }
            let stored = try await store.wallet(id: wallet.id)
            #expect(stored == wallet)
        },
        .init("a wallet with a taken signer address throws duplicate") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let clash = TradingWallet.fixture(2, userID: user.id, signerAddress: wallet.signerAddress)
            await expectDuplicate("same signer address") { try await store.insertWallet(clash) }
            let second = try await store.wallet(id: clash.id)
            #expect(second == nil)
        },
        .init("wallets(userID:) lists one user's wallets oldest first, ties by id") { store async throws in
            let alice = try await Seed.user(1, in: store)
            let bob = try await Seed.user(2, in: store)
            let late = TradingWallet.fixture(1, userID: alice.id, createdAt: .fixture + .seconds(2))
            let tiedHigh = TradingWallet.fixture(3, userID: alice.id, createdAt: .fixture + .seconds(1))
            let tiedLow = TradingWallet.fixture(2, userID: alice.id, createdAt: .fixture + .seconds(1))
            let bobs = TradingWallet.fixture(4, userID: bob.id, createdAt: .fixture)
            for wallet in [late, tiedHigh, bobs, tiedLow] { try await store.insertWallet(wallet) }
            let listed = try await store.wallets(userID: alice.id)
            #expect(listed == [tiedLow, tiedHigh, late])
        },
        .init("walletsToOnboard is the wallets not READY, oldest first, ties by id, up to the limit") { store async throws in
            let alice = try await Seed.user(1, in: store)
            let ready = TradingWallet.fixture(1, userID: alice.id, onboarding: .ready, createdAt: .fixture)
            let late = TradingWallet.fixture(2, userID: alice.id, onboarding: .approved, createdAt: .fixture + .seconds(2))
            let tiedHigh = TradingWallet.fixture(4, userID: alice.id, onboarding: .deployed, createdAt: .fixture + .seconds(1))
            let tiedLow = TradingWallet.fixture(3, userID: alice.id, createdAt: .fixture + .seconds(1))
            for wallet in [ready, late, tiedHigh, tiedLow] { try await store.insertWallet(wallet) }
            #expect(try await store.walletsToOnboard(limit: 10) == [tiedLow, tiedHigh, late])
            #expect(try await store.walletsToOnboard(limit: 2) == [tiedLow, tiedHigh])
        },
        .init("advanceOnboarding moves the step and updatedAt only from the expected step") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let later = Timestamp.fixture + .milliseconds(60_001)
            let moved = try await store.advanceOnboarding(
                walletID: wallet.id, from: .keyCreated, to: .deployed, at: later)
            var expected = wallet
            expected.onboarding = .deployed
            expected.updatedAt = later
            let afterMove = try await store.wallet(id: wallet.id)
            #expect(moved)
            #expect(afterMove == expected)

            let stale = try await store.advanceOnboarding(
                walletID: wallet.id, from: .keyCreated, to: .approved, at: later + .seconds(1))
            let afterStale = try await store.wallet(id: wallet.id)
            #expect(!stale)
            #expect(afterStale == expected)

            let unknown = try await store.advanceOnboarding(
                walletID: WalletID("wallet-9999"), from: .keyCreated, to: .deployed, at: later)
            #expect(!unknown)
        },
        .init("16 racing onboarding advances: exactly one wins") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let winners = try await race { index in
                try await store.advanceOnboarding(
                    walletID: wallet.id, from: .keyCreated, to: .deployed, at: .fixture + .milliseconds(index + 1))
            }
            let stored = try #require(try await store.wallet(id: wallet.id))
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            #expect(stored.onboarding == .deployed)
            #expect(stored.updatedAt == .fixture + .milliseconds(winner + 1))
        },
        .init("setAPICredentials stores the key, both seals and updatedAt") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let secret = SealedSecret.fixture(keyVersion: 1, seed: 77)
            let passphrase = SealedSecret.fixture(keyVersion: 1, seed: 78)
            let time = Timestamp.fixture + .milliseconds(5_555)
            try await store.setAPICredentials(
                walletID: wallet.id, apiKey: "7f6d3c1e-api-key", sealedSecret: secret, sealedPassphrase: passphrase,
                at: time)
            var expected = wallet
            expected.apiKey = "7f6d3c1e-api-key"
            expected.sealedAPISecret = secret
            expected.sealedAPIPassphrase = passphrase
            expected.updatedAt = time
            let stored = try await store.wallet(id: wallet.id)
            #expect(stored == expected)
        },
        .init("setAPICredentials for an unknown wallet throws notFound") { store async throws in
            await expectNotFound("unknown wallet") {
                try await store.setAPICredentials(
                    walletID: WalletID("wallet-9999"), apiKey: "k", sealedSecret: .fixture(),
                    sealedPassphrase: .fixture(), at: .fixture)
            }
        },
        .init("wallets(sealedUnderOtherThan:) finds any value under another key version, oldest first") { store async throws in
            let user = try await Seed.user(1, in: store)
            let current = 2
            func wallet(_ n: Int, key: Int, secret: Int?, passphrase: Int?) -> TradingWallet {
                TradingWallet.fixture(
                    n, userID: user.id, sealedKey: .fixture(keyVersion: key, seed: n),
                    apiKey: secret == nil ? nil : "key-\(n)",
                    sealedAPISecret: secret.map { .fixture(keyVersion: $0, seed: 10 + n) },
                    sealedAPIPassphrase: passphrase.map { .fixture(keyVersion: $0, seed: 20 + n) },
                    createdAt: .fixture + .seconds(Int64(n)))
            }
            let allCurrent = wallet(1, key: current, secret: current, passphrase: current)
            let oldKey = wallet(2, key: 1, secret: nil, passphrase: nil)
            let oldSecret = wallet(3, key: current, secret: 1, passphrase: current)
            let oldPassphrase = wallet(4, key: current, secret: current, passphrase: 1)
            let newerKey = wallet(5, key: 3, secret: nil, passphrase: nil)
            let currentNoCredentials = wallet(6, key: current, secret: nil, passphrase: nil)
            for w in [newerKey, allCurrent, oldPassphrase, oldKey, currentNoCredentials, oldSecret] {
                try await store.insertWallet(w)
            }
            let stale = try await store.wallets(sealedUnderOtherThan: current, limit: 10)
            let firstTwo = try await store.wallets(sealedUnderOtherThan: current, limit: 2)
            #expect(stale == [oldKey, oldSecret, oldPassphrase, newerKey])
            #expect(firstTwo == [oldKey, oldSecret])
        },
        .init("resealWallet replaces every sealed value when the key is as expected") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = TradingWallet.fixture(
                1, userID: user.id, sealedKey: .fixture(keyVersion: 1, seed: 1), apiKey: "key",
                sealedAPISecret: .fixture(keyVersion: 1, seed: 2), sealedAPIPassphrase: .fixture(keyVersion: 1, seed: 3))
            try await store.insertWallet(wallet)
            let time = Timestamp.fixture + .milliseconds(9_999)
            let resealed = try await store.resealWallet(
                walletID: wallet.id, expected: wallet.sealedKey, sealedKey: .fixture(keyVersion: 2, seed: 11),
                sealedAPISecret: .fixture(keyVersion: 2, seed: 12), sealedAPIPassphrase: .fixture(keyVersion: 2, seed: 13),
                at: time)
            var expected = wallet
            expected.sealedKey = .fixture(keyVersion: 2, seed: 11)
            expected.sealedAPISecret = .fixture(keyVersion: 2, seed: 12)
            expected.sealedAPIPassphrase = .fixture(keyVersion: 2, seed: 13)
            expected.updatedAt = time
            let stored = try await store.wallet(id: wallet.id)
            #expect(resealed)
            #expect(stored == expected)
        },
        .init("resealWallet with nil API values leaves the stored ones alone") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = TradingWallet.fixture(
                1, userID: user.id, sealedKey: .fixture(keyVersion: 1, seed: 1), apiKey: "key",
                sealedAPISecret: .fixture(keyVersion: 2, seed: 2), sealedAPIPassphrase: .fixture(keyVersion: 2, seed: 3))
            try await store.insertWallet(wallet)
            let resealed = try await store.resealWallet(
                walletID: wallet.id, expected: wallet.sealedKey, sealedKey: .fixture(keyVersion: 2, seed: 11),
                sealedAPISecret: nil, sealedAPIPassphrase: nil, at: .fixture + .seconds(1))
            var expected = wallet
            expected.sealedKey = .fixture(keyVersion: 2, seed: 11)
            expected.updatedAt = .fixture + .seconds(1)
            let stored = try await store.wallet(id: wallet.id)
            #expect(resealed)
            #expect(stored == expected)
        },
        .init("resealWallet with a stale expected key changes nothing") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            // Same version, different bytes: the whole seal is compared, not just its version.
            let staleSameVersion = SealedSecret.fixture(keyVersion: wallet.sealedKey.keyVersion, seed: 999)
            let resealed = try await store.resealWallet(
                walletID: wallet.id, expected: staleSameVersion, sealedKey: .fixture(keyVersion: 2, seed: 11),
                sealedAPISecret: .fixture(keyVersion: 2, seed: 12), sealedAPIPassphrase: nil, at: .fixture + .seconds(1))
            let stored = try await store.wallet(id: wallet.id)
            let unknown = try await store.resealWallet(
                walletID: WalletID("wallet-9999"), expected: wallet.sealedKey, sealedKey: .fixture(keyVersion: 2),
                sealedAPISecret: nil, sealedAPIPassphrase: nil, at: .fixture)
            #expect(!resealed)
            #expect(stored == wallet)
            #expect(!unknown)
        },
        .init("16 racing reseals: exactly one wins") { store async throws in
            let user = try await Seed.user(1, in: store)
            let wallet = try await Seed.wallet(1, of: user, in: store)
            let winners = try await race { index in
                try await store.resealWallet(
                    walletID: wallet.id, expected: wallet.sealedKey, sealedKey: .fixture(keyVersion: 2, seed: 100 + index),
                    sealedAPISecret: nil, sealedAPIPassphrase: nil, at: .fixture + .seconds(1))
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            let stored = try await store.wallet(id: wallet.id)
            #expect(stored?.sealedKey == .fixture(keyVersion: 2, seed: 100 + winner))
        },
        .init("wallets(after:limit:) pages every wallet by id, strictly after the cursor") { store async throws in
            var inserted: [TradingWallet] = []
            for n in [3, 1, 12, 2] {
                let user = try await Seed.user(n, in: store)
                inserted.append(try await Seed.wallet(n, of: user, in: store))
            }
            let byID = inserted.sorted { $0.id.rawValue < $1.id.rawValue }
            let first = try await store.wallets(after: nil, limit: 3)
            #expect(first == Array(byID.prefix(3)))
            let rest = try await store.wallets(after: first.last?.id, limit: 3)
            #expect(rest == Array(byID.suffix(1)))
            let none = try await store.wallets(after: byID.last?.id, limit: 3)
            #expect(none.isEmpty)
            let zero = try await store.wallets(after: nil, limit: 0)
            #expect(zero.isEmpty)
        },
    ] }
}
