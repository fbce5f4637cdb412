import CSQLite

extension Database {
    /// Registers a scalar SQL function on this connection (register it on every connection of a
    /// pool through `DatabaseConfiguration.prepareConnection`).
    ///
    /// `body` runs on whatever thread runs the statement; `argumentCount` -1 means variadic.
    public func registerFunction(
        _ name: String, argumentCount: Int32, deterministic: Bool = true,
        _ body: @escaping @Sendable ([SQLValue]) -> SQLValue
    ) throws(SQLiteError) {
        let handle = try openConnection(sql: nil)
        let flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0)
        // Released by SQLite through the destructor below, also when registration fails.
        let box = Unmanaged.passRetained(SQLFunctionBox(body)).toOpaque()
        let result = sqlite3_create_function_v2(
            handle, name, argumentCount, flags, box,
            { context, count, arguments in
                guard let context, let data = sqlite3_user_data(context) else { return }
                let function = Unmanaged<SQLFunctionBox>.fromOpaque(data).takeUnretainedValue()
                var values: [SQLValue] = []
                values.reserveCapacity(Int(count))
                for index in 0..<Int(count) {
                    values.append(SQLValue(functionArgument: arguments?[index]))
                }
                function.body(values).setResult(of: context)
            },
            nil, nil,
            { data in
                guard let data else { return }
                Unmanaged<SQLFunctionBox>.fromOpaque(data).release()
            })
        guard result == SQLITE_OK else { throw SQLiteError(connection: handle, sql: nil) }
    }
}

/// The Swift body of a registered SQL function, kept alive by SQLite's user-data pointer.
///
/// Immutable, so it may be called from any connection's thread.
final class SQLFunctionBox: Sendable {
    let body: @Sendable ([SQLValue]) -> SQLValue

    init(_ body: @escaping @Sendable ([SQLValue]) -> SQLValue) {
        self.body = body
    }
}

extension SQLValue {
    fileprivate init(functionArgument value: OpaquePointer?) {
        guard let value else {
            self = .null
            return
        }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            self = .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT:
            self = .real(sqlite3_value_double(value))
        case SQLITE3_TEXT:
            guard let text = sqlite3_value_text(value) else {
                self = .text("")
                return
            }
            let count = Int(sqlite3_value_bytes(value))
            self = .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_value_blob(value) else {
                self = .blob([])
                return
            }
            self = .blob(Array(UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_value_bytes(value)))))
        default:
            self = .null
        }
    }

    fileprivate func setResult(of context: OpaquePointer) {
        switch self {
        case .null:
            sqlite3_result_null(context)
        case .integer(let number):
            sqlite3_result_int64(context, number)
        case .real(let number):
            sqlite3_result_double(context, number)
        case .text(var text):
            text.withUTF8 { utf8 in
                guard let base = utf8.baseAddress, !utf8.isEmpty else {
                    sqlite3_result_text(context, "", 0, crmd_sqlite_transient())
                    return
                }
                UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_result_text64(
                        context, $0, UInt64(utf8.count), crmd_sqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress, !raw.isEmpty else {
                    sqlite3_result_zeroblob(context, 0)
                    return
                }
                sqlite3_result_blob64(context, base, UInt64(raw.count), crmd_sqlite_transient())
            }
        }
    }
}
