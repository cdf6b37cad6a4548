package import Kernel

// The Kernel models as every SQL store reads them back: one decoder a model, over the columns the
// migrations of both stores name alike. Each throws the store's
// ``StoreError/corruptRow(table:column:value:)`` for the first column that does not decode.
// Writing rows stays with each store: binds and SQL differ by dialect.

extension User {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            externalID: try row.text("external_id"),
            loginAddress: try row.optionalAddress("login_address"),
            createdAt: try row.timestamp("created_at"),
            maxEventExposure: try row.optionalUnits(Collateral.self, "max_event_exposure_units"))
    }
}

extension TradingWallet {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            userID: try row.id("user_id"),
            type: try row.enumeration(WalletType.self, "type"),
            signerAddress: try row.address("signer_address"),
            funderAddress: try row.address("funder_address"),
            sealedKey: try row.sealed("trading_key_sealed", version: "trading_key_version"),
            onboarding: try row.enumeration(WalletOnboarding.self, "onboarding"),
            apiKey: try row.optionalText("api_key"),
            sealedAPISecret: try row.optionalSealed("api_secret_sealed", version: "api_secret_key_version"),
            sealedAPIPassphrase: try row.optionalSealed("api_passphrase_sealed", version: "api_passphrase_key_version"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension Leader {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            address: try row.address("address"),
            label: try row.optionalText("label"),
            positionsSeededAt: try row.optionalTimestamp("positions_seeded_at"),
            createdAt: try row.timestamp("created_at"))
    }
}

extension CopyProfile {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            userID: try row.id("user_id"),
            leaderID: try row.id("leader_id"),
            walletID: try row.id("wallet_id"),
            status: try row.enumeration(ProfileStatus.self, "status"),
            mode: try row.enumeration(TradingMode.self, "mode"),
            sizing: Sizing(mode: try row.enumeration(Sizing.Mode.self, "sizing_mode"),
                           baseUnits: try row.integer("sizing_units")),
            limits: CopyLimits(
                maxFillAge: try row.milliseconds("max_fill_age_ms"),
                minPrice: try row.units(Price.self, "min_price_units"),
                maxPrice: try row.units(Price.self, "max_price_units"),
                maxSlippage: try row.units(Price.self, "max_slippage_units"),
                maxSellSlippage: try row.units(Price.self, "max_sell_slippage_units"),
                minTimeToResolution: try row.milliseconds("min_time_to_resolution_ms"),
                minLeaderNotional: try row.units(Collateral.self, "min_leader_notional_units"),
                maxPerTrade: try row.optionalUnits(Collateral.self, "max_per_trade_units"),
                maxPerMarket: try row.optionalUnits(Collateral.self, "max_per_market_units"),
                totalBudget: try row.optionalUnits(Collateral.self, "total_budget_units"),
                dailySpend: try row.optionalUnits(Collateral.self, "daily_spend_units"),
                autoPause: try row.optionalInteger("auto_pause_window").map { window in
                    AutoPauseRule(maxDragPercent: try row.optionalUnits(Ratio.self, "auto_pause_max_drag_units"),
                                  maxSlippageBpsP90: try row.optionalInteger("auto_pause_max_slippage_bps").map { Int($0) },
                                  window: Int(window))
                },
                maxPerEvent: try row.optionalUnits(Collateral.self, "max_per_event_units")),
            stopBehavior: try row.enumeration(StopBehavior.self, "stop_behavior"),
            pausedByRule: try row.optionalText("paused_by_rule"),
            resumedAt: try row.optionalTimestamp("resumed_at"),
            twinOf: try row.optionalID("twin_of"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension LeaderEvent {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            leaderID: try row.id("leader_id"),
            identity: try row.text("identity"),
            fill: LeaderFill(
                leaderAddress: try row.address("leader_address"),
                transactionHash: try row.text("transaction_hash"),
                tokenID: try row.tokenID("token_id"),
                conditionID: try row.text("condition_id"),
                marketSlug: try row.text("market_slug"),
                outcome: try row.text("outcome"),
                side: try row.enumeration(Side.self, "side"),
                size: try row.decimal(Shares.self, "size"),
                price: try row.decimal(Price.self, "price"),
                occurredAt: try row.timestamp("occurred_at"),
                source: try row.enumeration(FeedSource.self, "source")),
            leaderPositionBefore: try row.optionalUnits(Shares.self, "leader_position_before_units"),
            detectedAt: try row.timestamp("detected_at"),
            createdAt: try row.timestamp("created_at"))
    }
}

extension CopyAttempt {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            profileID: try row.id("profile_id"),
            userID: try row.id("user_id"),
            leaderEventID: try row.optionalID("leader_event_id"),
            kind: try row.enumeration(Kind.self, "kind"),
            tokenID: try row.tokenID("token_id"),
            conditionID: try row.optionalText("condition_id"),
            fanoutPlace: try row.optionalInteger("fanout_place").map { Int($0) },
            targetShares: try row.optionalUnits(Shares.self, "target_shares_units"),
            status: try row.enumeration(Status.self, "status"),
            skipReason: try row.optionalEnum(SkipReason.self, "skip_reason"),
            note: try row.optionalText("note"),
            dueAt: try row.timestamp("due_at"),
            leaseOwner: try row.optionalText("lease_owner"),
            leaseExpiresAt: try row.optionalTimestamp("lease_expires_at"),
            fencingToken: try row.integer("fencing_token"),
            detectedAt: try row.timestamp("detected_at"),
            sentAt: try row.optionalTimestamp("sent_at"),
            acceptedAt: try row.optionalTimestamp("accepted_at"),
            filledShares: try row.units(Shares.self, "filled_shares_units"),
            fillPrice: try row.optionalUnits(Price.self, "fill_price_units"),
            leaderPrice: try row.optionalUnits(Price.self, "leader_price_units"),
            idealShares: try row.optionalUnits(Shares.self, "ideal_shares_units"),
            decisionPrice: try row.optionalUnits(Price.self, "decision_price_units"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension Order {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            attemptID: try row.id("attempt_id"),
            profileID: try row.id("profile_id"),
            walletID: try row.id("wallet_id"),
            tokenID: try row.tokenID("token_id"),
            side: try row.enumeration(Side.self, "side"),
            type: try row.enumeration(OrderType.self, "type"),
            limitPrice: try row.units(Price.self, "limit_price_units"),
            shares: try row.units(Shares.self, "shares_units"),
            makerAmount: try row.integer("maker_amount"),
            takerAmount: try row.integer("taker_amount"),
            status: try row.enumeration(Status.self, "status"),
            signedPayload: try row.text("signed_payload"),
            filledShares: try row.units(Shares.self, "filled_shares_units"),
            filledNotional: try row.units(Collateral.self, "filled_notional_units"),
            fee: try row.units(Collateral.self, "fee_units"),
            paper: try row.bool("paper"),
            note: try row.optionalText("note"),
            submittedAt: try row.optionalTimestamp("submitted_at"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension Position {
    package init(row: some StoredRow) throws {
        self.init(
            profileID: try row.id("profile_id"),
            tokenID: try row.tokenID("token_id"),
            conditionID: try row.text("condition_id"),
            shares: try row.units(Shares.self, "shares_units"),
            costBasis: try row.units(Collateral.self, "cost_basis_units"),
            realizedPnL: try row.units(Collateral.self, "realized_pnl_units"),
            redeemable: try row.bool("redeemable"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension RelayerTx {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            userID: try row.id("user_id"),
            walletID: try row.id("wallet_id"),
            kind: try row.enumeration(Kind.self, "kind"),
            idempotencyKey: try row.text("idempotency_key"),
            status: try row.enumeration(Status.self, "status"),
            payload: try row.text("payload"),
            relayerReference: try row.optionalText("relayer_reference"),
            transactionHash: try row.optionalText("transaction_hash"),
            amount: try row.optionalUnits(Collateral.self, "amount_units"),
            destination: try row.optionalAddress("destination"),
            submitCount: try row.int("submit_count"),
            lastError: try row.optionalText("last_error"),
            createdAt: try row.timestamp("created_at"),
            updatedAt: try row.timestamp("updated_at"))
    }
}

extension AuditEntry {
    package init(row: some StoredRow) throws {
        self.init(
            id: try row.id("id"),
            actor: try row.text("actor"),
            action: try row.text("action"),
            subjectType: try row.optionalText("subject_type"),
            subjectID: try row.optionalText("subject_id"),
            details: try row.text("details"),
            createdAt: try row.timestamp("created_at"))
    }
}

extension EquitySnapshot {
    package init(row: some StoredRow) throws {
        self.init(
            walletID: try row.id("wallet_id"),
            collateral: try row.units(Collateral.self, "collateral_units"),
            positionsValue: try row.units(Collateral.self, "positions_units"),
            takenAt: try row.timestamp("taken_at"))
    }
}
