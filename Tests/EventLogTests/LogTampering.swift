import CLMDB
import DialerCore
import Foundation
import Testing

@testable import EventLog

/// Writes straight through LMDB, past the log's API, to simulate corruption and foreign files.
struct LogTampering {
    let store: LMDBEventStore

    /// Flips one bit of byte `offset` (counted from the end when negative) of event `seq`'s record.
    func flipByte(ofEvent seq: UInt64, at offset: Int) throws {
        let dbs = store.databases
        try store.environment.write { txn in
            var record = try txn.withValue(dbs.events, key: IndexKey.seq(seq)) { Array($0!) }
            let index = offset >= 0 ? offset : record.count + offset
            record[index] ^= 0x01
            try txn.put(dbs.events, key: IndexKey.seq(seq), value: record)
        }
    }

    /// Removes event `seq` from the events database, leaving its index entries.
    func deleteEvent(_ seq: UInt64) throws {
        let dbs = store.databases
        try store.environment.write { txn in _ = try txn.delete(dbs.events, key: IndexKey.seq(seq)) }
    }

    /// Removes event `seq`'s entry from the stream index.
    func deleteStreamEntry(of envelope: Envelope) throws {
        let dbs = store.databases
        try store.environment.write { txn in
            _ = try txn.delete(dbs.byStream, key: IndexKey.named(envelope.stream, seq: envelope.seq))
        }
    }

    /// Adds a type-index entry pointing past the end of the log.
    func addStrayTypeEntry(seq: UInt64) throws {
        let dbs = store.databases
        try store.environment.write { txn in try txn.put(dbs.byType, key: IndexKey.named("Ghost", seq: seq), value: [])
        }
    }

    /// Gives event `seq`'s stream-index entry a value, where the store writes none.
    func putValueInStreamEntry(of envelope: Envelope, _ value: [UInt8]) throws {
        let dbs = store.databases
        try store.environment.write { txn in
            try txn.put(dbs.byStream, key: IndexKey.named(envelope.stream, seq: envelope.seq), value: value)
        }
    }

    /// Stores `value` as the seq an idempotency key points to.
    func putIdempotencyValue(key: String, _ value: [UInt8]) throws {
        let dbs = store.databases
        try store.environment.write { txn in try txn.put(dbs.byIdempotencyKey, key: Array(key.utf8), value: value) }
    }

    /// Rewrites the stored format version.
    func setFormatVersion(_ version: UInt64) throws {
        let dbs = store.databases
        try store.environment.write { txn in
            try txn.put(dbs.meta, key: LogFormat.versionKey, value: IndexKey.seq(version))
        }
    }

    /// Makes a bare LMDB environment (no DialerLedger marker) with one named database in `path`.
    static func makeForeignEnvironment(at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let env = try LMDBEnvironment(path: path, mapSize: 1 << 20, readOnly: false, noLock: false, maxDatabases: 4)
        let handles = try #require(try env.openDatabases(["something_else"], create: true))
        try env.write { txn in try txn.put(handles[0], key: [1], value: [2]) }
    }
}

/// SHA-256 of a file's bytes, to prove a refused open wrote nothing.
func fileDigest(_ path: String) throws -> SHA256Digest {
    SHA256Digest.of(try Data(contentsOf: URL(fileURLWithPath: path)))
}
