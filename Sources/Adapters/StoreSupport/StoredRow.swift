package import Kernel

/// One row as a SQL store returned it, read column by column into Kernel values. Each store
/// supplies the primitives over its own driver (how a TEXT, an integer, a time or a blob is
/// stored, and how a bad value is shown); the decoders in this target are written once over them.
/// A value that does not decode throws ``StoreError/corruptRow(table:column:value:)``; it never traps.
package protocol StoredRow {
    /// The table the row came from, named in a ``StoreError/corruptRow(table:column:value:)``.
    var table: String { get }
    func optionalText(_ column: String) throws(StoreError) -> String?
    func text(_ column: String) throws(StoreError) -> String
    func optionalInteger(_ column: String) throws(StoreError) -> Int64?
    func integer(_ column: String) throws(StoreError) -> Int64
    func bool(_ column: String) throws(StoreError) -> Bool
    func optionalTimestamp(_ column: String) throws(StoreError) -> Timestamp?
    func timestamp(_ column: String) throws(StoreError) -> Timestamp
    func optionalEnum<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws(StoreError) -> Value?
    func enumeration<Value: RawRepresentable<String>>(_ type: Value.Type, _ column: String) throws(StoreError) -> Value
    func optionalAddress(_ column: String) throws(StoreError) -> WalletAddress?
    func address(_ column: String) throws(StoreError) -> WalletAddress
    func tokenID(_ column: String) throws(StoreError) -> TokenID
    /// A canonical decimal (`'0.53'`) as the store keeps it.
    func decimal<Quantity: SixDecimalQuantity>(_ type: Quantity.Type, _ column: String) throws(StoreError) -> Quantity
    func optionalBytes(_ column: String) throws(StoreError) -> [UInt8]?
}

// Values built from the primitives alone; a bad one here is an integer or NULL, which every store shows alike.
extension StoredRow {
    package func optionalID<Entity>(_ column: String) throws(StoreError) -> Identifier<Entity>? {
        try self.optionalText(column).map { Identifier($0) }
    }

    package func id<Entity>(_ column: String) throws(StoreError) -> Identifier<Entity> {
        Identifier(try self.text(column))
    }

    /// An integer column of millionths.
    package func optionalUnits<Quantity: SixDecimalQuantity>(_: Quantity.Type, _ column: String) throws(StoreError) -> Quantity? {
        try self.optionalInteger(column).map(Quantity.init(baseUnits:))
    }

    package func units<Quantity: SixDecimalQuantity>(_: Quantity.Type, _ column: String) throws(StoreError) -> Quantity {
        Quantity(baseUnits: try self.integer(column))
    }

    /// An integer column of milliseconds.
    package func milliseconds(_ column: String) throws(StoreError) -> Duration {
        .milliseconds(try self.integer(column))
    }

    package func int(_ column: String) throws(StoreError) -> Int {
        let number = try self.integer(column)
        guard let int = Int(exactly: number) else { throw self.corrupt(column, String(number)) }
        return int
    }

    /// A sealed value from its bytes column and its key-version column; both or neither.
    package func optionalSealed(_ column: String, version versionColumn: String) throws(StoreError) -> SealedSecret? {
        let bytes = try self.optionalBytes(column)
        let version = try self.optionalInteger(versionColumn)
        switch (bytes, version) {
        case (nil, nil): return nil
        case (let bytes?, let version?):
            guard let keyVersion = Int(exactly: version) else { throw self.corrupt(versionColumn, String(version)) }
            return SealedSecret(keyVersion: keyVersion, ciphertext: bytes)
        case (nil, _?): throw self.corrupt(column, "NULL")
        case (_?, nil): throw self.corrupt(versionColumn, "NULL")
        }
    }

    package func sealed(_ column: String, version versionColumn: String) throws(StoreError) -> SealedSecret {
        guard let sealed = try self.optionalSealed(column, version: versionColumn) else {
            throw self.corrupt(column, "NULL")
        }
        return sealed
    }

    /// Only integers and NULL are shown through here: a store shows its other values its own way.
    private func corrupt(_ column: String, _ shown: String) -> StoreError {
        StoreError.corruptRow(table: self.table, column: column, value: shown)
    }
}
