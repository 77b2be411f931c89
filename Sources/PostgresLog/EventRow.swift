import DialerCore
import Foundation
import PostgresNIO

/// How an envelope sits in a row of `dialer_ledger.events`, both ways: the columns a read selects, and the
/// arrays one INSERT takes a whole batch in.
enum EventRow {
    /// The columns of a read, in the order `envelope(_:)` decodes them; `recorded_at` as milliseconds.
    static let columns = """
        seq, id, type, version, (extract(epoch FROM recorded_at) * 1000)::bigint, stream, correlation_id,
        causation_id, idempotency_key, payload, prev_hash, hash
        """

    /// `recorded_at` from milliseconds since the epoch. A timestamptz keeps microseconds, so a
    /// millisecond instant (all `Timestamp` holds, and all that is hashed) is stored exactly.
    static func instant(_ placeholder: String) -> String {
        "('epoch'::timestamptz + \(placeholder)::bigint * interval '1 millisecond')"
    }

    /// The envelope a row selected with `columns` holds.
    static func envelope(_ row: PostgresRow) throws -> Envelope {
        let (seq, id, type, version, recordedAt, stream, correlation, causation, key, payload, prevHash, hash) =
            try row.decode(
                (Int64, UUID, String, Int32, Int64, String, UUID?, UUID?, String?, ByteBuffer, ByteBuffer, ByteBuffer)
                    .self)
        guard let prevHash = SHA256Digest(bytes: prevHash.readableBytesView),
            let hash = SHA256Digest(bytes: hash.readableBytesView)
        else { throw PostgresLogError.corruptRow(seq: UInt64(seq), reason: "a hash is not 32 bytes") }
        return Envelope(
            seq: UInt64(seq), id: id, type: type, version: UInt32(clamping: version),
            recordedAt: Timestamp(milliseconds: recordedAt), stream: stream, correlationID: correlation,
            causationID: causation, idempotencyKey: key,
            payload: CanonicalJSON(trusted: Array(payload.readableBytesView)),
            prevHash: prevHash, hash: hash)
    }

    /// One INSERT of `envelopes`: each column bound as one array and unnested, so the statement's size does
    /// not grow with the batch.
    static func insert(_ envelopes: [Envelope]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 12)
        binds.append(envelopes.map { Int64($0.seq) })
        binds.append(envelopes.map(\.id))
        binds.append(envelopes.map(\.type))
        binds.append(envelopes.map { Int32($0.version) })
        binds.append(envelopes.map(\.stream))
        // Arrays of optional values are bound as text with "" for none (no uuid or key is empty).
        binds.append(envelopes.map { $0.correlationID?.uuidString ?? "" })
        binds.append(envelopes.map { $0.causationID?.uuidString ?? "" })
        binds.append(envelopes.map { $0.idempotencyKey ?? "" })
        binds.append(envelopes.map { String(decoding: $0.payload.bytes, as: UTF8.self) })
        binds.append(envelopes.map { ByteBuffer(bytes: $0.prevHash.bytes) })
        binds.append(envelopes.map { ByteBuffer(bytes: $0.hash.bytes) })
        binds.append(envelopes.map(\.recordedAt.milliseconds))
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO dialer_ledger.events (seq, id, type, version, stream, correlation_id, causation_id,
                    idempotency_key, payload, prev_hash, hash, recorded_at)
                SELECT seq, id, type, version, stream, NULLIF(correlation_id, '')::uuid,
                    NULLIF(causation_id, '')::uuid, NULLIF(idempotency_key, ''), payload, prev_hash, hash, \(instant("recorded_at"))
                FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::text[],
                    $8::text[], $9::text[], $10::bytea[], $11::bytea[], $12::bigint[])
                    AS batch (seq, id, type, version, stream, correlation_id, causation_id, idempotency_key, payload,
                        prev_hash, hash, recorded_at)
                """, binds: binds)
    }
}
