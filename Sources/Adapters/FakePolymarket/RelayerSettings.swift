public import Ethereum
public import Kernel
public import PolymarketProtocol

/// Who may use the facade's relayer (spec §11.1) and the relay it hands out. Polymarket issues
/// builder keys and relayer API keys elsewhere; the facade accepts exactly the ones set here.
/// ``testDefaults`` holds fixed, public test credentials — never real ones.
public struct FakeRelayerSettings: Sendable {
    /// Builder keys accepted in the `POLY_BUILDER_*` headers, HMAC over the exact body.
    public var builderKeys: [APICredentials]
    /// Relayer API keys accepted in `RELAYER_API_KEY`, each with the address that owns it
    /// (`RELAYER_API_KEY_ADDRESS`).
    public var relayerAPIKeys: [String: WalletAddress]
    /// How far `POLY_BUILDER_TIMESTAMP` may stray from the venue's clock either way; Polymarket's
    /// window is undocumented (spec §14.3).
    public var timestampTolerance: Duration
    /// The relay `GET /relay-payload` names; PROXY transactions sign it, so others are refused.
    public var relayAddress: Address

    public init(builderKeys: [APICredentials], relayerAPIKeys: [String: WalletAddress],
                timestampTolerance: Duration = .seconds(30), relayAddress: Address = FakeRelayerSettings.testRelayAddress) {
        self.builderKeys = builderKeys
        self.relayerAPIKeys = relayerAPIKeys
        self.timestampTolerance = timestampTolerance
        self.relayAddress = relayAddress
    }

    /// The builder key of ``testDefaults``.
    public static let testBuilderCredentials: APICredentials = {
        do {
            return try APICredentials(
                apiKey: "fake-builder-key", secret: "ZmFrZS1wb2x5bWFya2V0LWJ1aWxkZXItc2VjcmV0LTAx",
                passphrase: "fake-builder-passphrase")
        } catch {
            preconditionFailure("the test builder secret is base64")
        }
    }()

    /// The relayer API key of ``testDefaults`` and the address owning it.
    public static let testRelayerAPIKey = "fake-relayer-api-key"
    public static let testRelayerAPIKeyAddress: WalletAddress = {
        do { return try WalletAddress("0x00000000000000000000000000000000000fa4e1") } catch {
            preconditionFailure("the test relayer key address is an address")
        }
    }()

    /// The relay of ``testDefaults``.
    public static let testRelayAddress: Address = {
        do { return try Address(hex: "0x00000000000000000000000000000000000fa4e2") } catch {
            preconditionFailure("the test relay is an address")
        }
    }()

    /// Accepts the test builder key and the test relayer API key.
    public static let testDefaults = FakeRelayerSettings(
        builderKeys: [Self.testBuilderCredentials],
        relayerAPIKeys: [Self.testRelayerAPIKey: Self.testRelayerAPIKeyAddress])
}
