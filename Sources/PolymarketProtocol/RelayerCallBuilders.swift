public import Ethereum

/// The wallet calls the product makes: withdrawals (§11.7), trading approvals (§2.1) and
/// redemptions through the collateral adapters (§11.8).
extension RelayerCall {
    /// ERC-20 `transfer(to, amount)`; a withdrawal is this on pUSD from the funder wallet.
    /// `amount` is in the token's base units (pUSD: 6 decimals).
    public static func erc20Transfer(token: Address = Contracts.pUSD, to recipient: Address, amount: UInt256) -> RelayerCall {
        RelayerCall(to: token, data: ABI.selector("transfer(address,uint256)") + recipient.word + amount.bigEndianBytes)
    }

    /// ERC-20 `approve(spender, amount)`; the SDKs approve the maximum once per spender.
    public static func erc20Approve(token: Address = Contracts.pUSD, spender: Address, amount: UInt256 = .max) -> RelayerCall {
        RelayerCall(to: token, data: ABI.selector("approve(address,uint256)") + spender.word + amount.bigEndianBytes)
    }

    /// ERC-1155 `setApprovalForAll(operator, approved)` on the outcome-token contract.
    public static func erc1155SetApprovalForAll(
        token: Address = Contracts.conditionalTokens, operator operatorAddress: Address, approved: Bool = true
    ) -> RelayerCall {
        RelayerCall(
            to: token,
            data: ABI.selector("setApprovalForAll(address,bool)") + operatorAddress.word
                + UInt256(approved ? 1 : 0).bigEndianBytes)
    }

    /// Redeems a resolved market's positions for pUSD through its collateral adapter:
    /// `redeemPositions(pUSD, 0x0, conditionId, [1, 2])` sent to the CtfCollateralAdapter, or to
    /// the NegRiskCtfCollateralAdapter for a neg-risk market. The adapter burns the wallet's whole
    /// balance of both outcomes (no amount argument) and needs ERC-1155 approval (see
    /// ``tradingApprovals``). Never send this to ConditionalTokens with pUSD: it would succeed and
    /// pay nothing.
    public static func redeemPositions(conditionID: [UInt8], negRisk: Bool) throws(RelayerError) -> RelayerCall {
        guard conditionID.count == 32 else { throw .invalidConditionID(byteCount: conditionID.count) }
        let adapter = negRisk ? Contracts.negRiskCtfCollateralAdapter : Contracts.ctfCollateralAdapter
        let arguments = RelayerSigning.encode([
            .address(Contracts.pUSD), .bytes32([UInt8](repeating: 0, count: 32)), .bytes32(conditionID),
            .array([.uint256(UInt256(1)), .uint256(UInt256(2))]),
        ])
        return RelayerCall(
            to: adapter, data: ABI.selector("redeemPositions(address,bytes32,bytes32,uint256[])") + arguments)
    }

    /// The approvals a trading wallet needs, as the unified SDK installs them: pUSD allowance
    /// (maximum) and ERC-1155 operator rights on Conditional Tokens for both V2 exchanges and
    /// both collateral adapters. The SDK's optional auto-redeem operator is left out: this
    /// product redeems by itself and grants no third party rights over the tokens.
    public static var tradingApprovals: [RelayerCall] {
        let spenders = [
            Contracts.ctfExchangeV2, Contracts.negRiskCtfExchangeV2,
            Contracts.ctfCollateralAdapter, Contracts.negRiskCtfCollateralAdapter,
        ]
        return spenders.map { RelayerCall.erc20Approve(spender: $0) }
            + spenders.map { RelayerCall.erc1155SetApprovalForAll(operator: $0) }
    }
}
