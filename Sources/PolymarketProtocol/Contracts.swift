public import Ethereum

/// Polymarket's contract addresses on Polygon (chain 137), spec §2.1.
///
/// Each is parsed with its EIP-55 checksum, so a mistyped digit fails the first time the value
/// is touched (the tests touch them all) rather than signing against a wrong contract.
public enum Contracts {
    /// Polygon PoS mainnet.
    public static let polygonChainID: UInt64 = 137

    /// CTF Exchange V2: `verifyingContract` of orders on markets with `negRisk = false`;
    /// spender of pUSD and operator of CTF tokens for those orders.
    public static let ctfExchangeV2 = constant("0xE111180000d2663C0091e4f400237545B87B996B")
    /// Neg Risk CTF Exchange V2: `verifyingContract` of orders on markets with `negRisk = true`.
    public static let negRiskCtfExchangeV2 = constant("0xe2222d279d744050d28e00520010520000310F59")
    /// ExchangeV3: orders on Protocol-V2 markets (position IDs), domain version "3" (spec §5.8).
    public static let exchangeV3 = constant("0xe3333700cA9d93003F00f0F71f8515005F6c00Aa")
    /// CTF Exchange V1 — historical only (orders and fills before 2026-04-28).
    public static let ctfExchangeV1 = constant("0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E")
    /// Neg Risk CTF Exchange V1 — historical only.
    public static let negRiskCtfExchangeV1 = constant("0xC5d563A36AE78145C45a50134d48A1215220f80a")
    /// Neg Risk Adapter: issues neg-risk outcome tokens; legacy neg-risk redeem target (§11.8).
    public static let negRiskAdapter = constant("0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296")
    /// Conditional Tokens (ERC-1155): holds the outcome-token balances of all CTF markets.
    public static let conditionalTokens = constant("0x4D97DCd97eC945f40cF65F87097ACe5EA0476045")
    /// pUSD, the CLOB V2 collateral (6 decimals): what BUYs spend and SELLs and redemptions pay.
    public static let pUSD = constant("0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB")
    /// USDC.e (bridged USDC): V1 collateral, still inside CTF positions; input to the onramp.
    public static let usdcE = constant("0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174")
    /// CollateralOnramp: `wrap(asset, to, amount)` turns USDC.e into pUSD.
    public static let collateralOnramp = constant("0x93070a847efEf7F70739046A929D47a521F5B8ee")
    /// CollateralOfframp: `unwrap(asset, to, amount)` pUSD → USDC.e (address UNCONFIRMED, §14).
    public static let collateralOfframp = constant("0x2957922Eb93258b93368531d39fAcCA3B4dC5854")
    /// CtfCollateralAdapter: split / merge / redeem of standard CTF markets in pUSD.
    public static let ctfCollateralAdapter = constant("0xAdA100Db00Ca00073811820692005400218FcE1f")
    /// NegRiskCtfCollateralAdapter: split / merge / redeem of neg-risk markets in pUSD.
    public static let negRiskCtfCollateralAdapter = constant("0xadA2005600Dec949baf300f4C6120000bDB6eAab")
    /// Proxy wallet factory: CREATE2 deployer of proxy wallets; `to` of PROXY relayer txs.
    public static let proxyWalletFactory = constant("0xaB45c5A4B0c941a2F231C04C3f49182e1A254052")
    /// Proxy wallet implementation, baked into the proxy init code.
    public static let proxyWalletImplementation = constant("0x44e999d5c2F66Ef0861317f9A4805AC2e90aEB4f")
    /// Safe factory ("Polymarket Contract Proxy Factory"): CREATE2 deployer of 1-of-1 Safes and
    /// the EIP-712 domain of SAFE-CREATE.
    public static let safeFactory = constant("0xaacFeEa03eb1561C4e67d661e40682Bd20E3541b")
    /// Safe MultiSend: DELEGATECALL target when a Safe transaction bundles several calls.
    public static let safeMultiSend = constant("0xA238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761")
    /// Relay hub of PROXY transactions; part of the relay hash.
    public static let relayHub = constant("0xD216153c06E857cD7f72665E0aF1d7D82172F494")
    /// Deposit wallet factory: CREATE2 deployer of deposit wallets; `to` of WALLET and
    /// WALLET-CREATE relayer txs.
    public static let depositWalletFactory = constant("0x00000000000Fb5C9ADea0298D729A0CB3823Cc07")
    /// Deposit wallet implementation (UUPS): derivation of legacy deposit wallets.
    public static let depositWalletImplementation = constant("0x58CA52ebe0DadfdF531Cde7062e76746de4Db1eB")
    /// Deposit wallet beacon: derivation of current deposit wallets.
    public static let depositWalletBeacon = constant("0x7A18EDfe055488A3128f01F563e5B479D92ffc3a")
    /// Auto-redeem operator: optional ERC-1155 operator in the SDK's standard approval set.
    public static let autoRedeemOperator = constant("0xa1200000d0002264C9a1698e001292D00E1b00af")
    /// Protocol-V2 router: redeem of Protocol-V2 markets.
    public static let protocolV2Router = constant("0x12121212006e4CD160D18e3f00711DA5c3372600")
    /// Protocol-V2 PositionManager: holds Protocol-V2 position balances.
    public static let protocolV2PositionManager = constant("0x006F54F7f9A22e0000CC2AB60031000000ae9fEF")

    /// Every address above with its name, for tests and diagnostics.
    public static let all: [(name: String, address: Address)] = [
        ("ctfExchangeV2", ctfExchangeV2), ("negRiskCtfExchangeV2", negRiskCtfExchangeV2),
        ("exchangeV3", exchangeV3), ("ctfExchangeV1", ctfExchangeV1),
        ("negRiskCtfExchangeV1", negRiskCtfExchangeV1), ("negRiskAdapter", negRiskAdapter),
        ("conditionalTokens", conditionalTokens), ("pUSD", pUSD), ("usdcE", usdcE),
        ("collateralOnramp", collateralOnramp), ("collateralOfframp", collateralOfframp),
        ("ctfCollateralAdapter", ctfCollateralAdapter), ("negRiskCtfCollateralAdapter", negRiskCtfCollateralAdapter),
        ("proxyWalletFactory", proxyWalletFactory), ("proxyWalletImplementation", proxyWalletImplementation),
        ("safeFactory", safeFactory), ("safeMultiSend", safeMultiSend), ("relayHub", relayHub),
        ("depositWalletFactory", depositWalletFactory), ("depositWalletImplementation", depositWalletImplementation),
        ("depositWalletBeacon", depositWalletBeacon), ("autoRedeemOperator", autoRedeemOperator),
        ("protocolV2Router", protocolV2Router), ("protocolV2PositionManager", protocolV2PositionManager),
    ]

    private static func constant(_ text: String) -> Address {
        do {
            return try Address(checksummedHex: text)
        } catch {
            preconditionFailure("contract address constant \(text) is not a checksummed address")
        }
    }
}
