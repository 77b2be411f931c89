import PostgresNIO

/// The log's tables in the `dialer_ledger` schema of a PostgreSQL database, created and migrated by
/// `dialer-ledger log init` and versioned like the LMDB log's format marker: a program refuses a schema
/// newer than it knows, and asks for `log init` on an older one.
public enum PostgresLogSchema {
    /// The schema version this program writes and reads.
    public static let version: Int32 = 2
    /// The format marker's name, as the LMDB log's.
    static let formatName = "dialer-ledger"

    /// The statements that take a database from version `index` to `index + 1`, each run once, in order,
    /// in `log init`'s transaction.
    static let migrations: [[String]] = [
        [
            "CREATE SCHEMA IF NOT EXISTS dialer_ledger",
            """
            CREATE TABLE dialer_ledger.format (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                name text NOT NULL, version integer NOT NULL)
            """,
            // The head row every append locks (SELECT … FOR UPDATE): appends are serialised on it, so the
            // sequence is gap-free and the chain single whatever the number of writers.
            """
            CREATE TABLE dialer_ledger.head (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                seq bigint NOT NULL, hash bytea NOT NULL, recorded_at timestamptz NOT NULL)
            """,
            "INSERT INTO dialer_ledger.head (seq, hash, recorded_at) VALUES (0, '\\x\(String(repeating: "0", count: 64))', 'epoch')",
            // The payload is the canonical JSON text exactly as hashed (jsonb would re-serialise it).
            """
            CREATE TABLE dialer_ledger.events (
                seq bigint PRIMARY KEY CHECK (seq > 0), id uuid NOT NULL, type text NOT NULL,
                version integer NOT NULL, recorded_at timestamptz NOT NULL, stream text NOT NULL,
                correlation_id uuid, causation_id uuid, idempotency_key text UNIQUE, payload text NOT NULL,
                prev_hash bytea NOT NULL, hash bytea NOT NULL)
            """,
            "CREATE INDEX events_by_stream ON dialer_ledger.events (stream, seq)",
            "CREATE INDEX events_by_type ON dialer_ledger.events (type, seq)",
            "CREATE INDEX events_by_recorded_at ON dialer_ledger.events (recorded_at, seq)",
            """
            CREATE FUNCTION dialer_ledger.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'dialer_ledger.events is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END $$
            """,
            """
            CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON dialer_ledger.events
                FOR EACH STATEMENT EXECUTE FUNCTION dialer_ledger.refuse_change()
            """,
        ],
        // 2: the maintained views, kept by the appends. Unlike the events, their rows change: updated,
        // deleted, and swapped between two slots by `views rebuild`. A view without a state row is folded
        // from seq 1 by the next append.
        [
            """
            CREATE TABLE dialer_ledger.view_state (
                name text PRIMARY KEY, slot integer NOT NULL CHECK (slot IN (0, 1)), version bigint NOT NULL,
                checkpoint bigint NOT NULL)
            """,
            """
            CREATE TABLE dialer_ledger.view_rows (
                view text NOT NULL, slot integer NOT NULL CHECK (slot IN (0, 1)), key bytea NOT NULL,
                value bytea NOT NULL, PRIMARY KEY (view, slot, key))
            """,
        ],
    ]

    /// Creates the schema or migrates it to `version` inside `connection`'s open transaction, serialised
    /// across processes by an advisory lock; returns the version found (0 for none).
    static func migrate(on connection: PostgresConnection, store: String, logger: Logger) async throws -> Int32 {
        try await connection.rows("SELECT pg_advisory_xact_lock(\(advisoryLockKey))", logger: logger)
        let exists = try await connection.rows(
            "SELECT to_regclass('dialer_ledger.format') IS NOT NULL", logger: logger
        ).decodeFirst(Bool.self)
        let found = exists == true ? try await foundVersion(on: connection, store: store, logger: logger) : 0
        guard found < version else { return found }
        for step in migrations[Int(found)..<Int(version)] {
            for statement in step { try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger) }
        }
        try await connection.rows(
            """
            INSERT INTO dialer_ledger.format (name, version) VALUES (\(formatName), \(version))
            ON CONFLICT (singleton) DO UPDATE SET name = excluded.name, version = excluded.version
            """, logger: logger)
        return found
    }

    /// The version of the schema found (an older one is what `migrate` migrates), refused when foreign or
    /// newer than this program's.
    static func foundVersion(on connection: PostgresConnection, store: String, logger: Logger) async throws -> Int32 {
        let row = try await connection.rows("SELECT name, version FROM dialer_ledger.format", logger: logger)
            .decodeFirst((String, Int32).self)
        guard let (name, found) = row, name == formatName else { throw PostgresLogError.noLog(store: store) }
        guard found <= version else {
            throw PostgresLogError.newerSchema(store: store, found: found, supported: version)
        }
        return found
    }

    /// `found` if this program reads that version, else the error saying why not.
    static func checked(_ found: Int32, store: String) throws -> Int32 {
        guard found <= version else {
            throw PostgresLogError.newerSchema(store: store, found: found, supported: version)
        }
        guard found == version else {
            throw PostgresLogError.olderSchema(store: store, found: found, supported: version)
        }
        return found
    }

    /// The advisory lock that serialises `log init` across processes ("DLGR").
    private static let advisoryLockKey: Int64 = 0x444C_4752
}
