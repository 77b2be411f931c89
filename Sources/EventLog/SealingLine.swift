import DialerCore
import Foundation

/// Seals a large batch's chunks in order on a thread of its own while the writer stores the chunks sealed
/// before, so the hash chain's serial work overlaps with the write transaction's copies instead of adding
/// to them. The writer takes chunk after chunk with `sealed(_:)` and ends with `finish()` (the sealer and
/// its results) or, when storing fails, `stop()`; either waits for the sealing thread to end, so nothing
/// outlives the write transaction.
final class SealingLine: @unchecked Sendable {
    /// Looks idempotency keys up in the log as the write transaction began, for the length of `body`.
    typealias Lookup = @Sendable (_ body: ((String) throws -> UInt64?) throws -> Void) throws -> Void

    private let board: PackingBoard
    private let condition = NSCondition()
    private var sealer: ChainSealer
    private var sealedCount = 0
    private var failure: (any Error)?
    private var stopping = false
    private var ended = false

    /// Starts sealing `board`'s chunks with `sealer` at once, looking keys up with `lookup`.
    init(_ board: PackingBoard, sealer: ChainSealer, lookup: @escaping Lookup) {
        self.board = board
        self.sealer = sealer
        let work: @Sendable () -> Void = { [self] in run(lookup) }
        DispatchQueue.global(qos: .userInitiated).async(execute: work)
    }

    /// Chunk `index` once sealed; throws what stopped the sealing before it.
    func sealed(_ index: Int) throws -> PackedChunk {
        condition.lock()
        while sealedCount <= index && failure == nil && !ended { condition.wait() }
        let (sealed, failure) = (sealedCount > index, failure)
        condition.unlock()
        guard sealed else { throw failure ?? CancellationError() }
        return try board.chunk(index)
    }

    /// The sealer after the last chunk, once the sealing thread has ended.
    func finish() throws -> ChainSealer {
        condition.lock()
        defer { condition.unlock() }
        while !ended { condition.wait() }
        if let failure { throw failure }
        return sealer
    }

    /// Stops sealing after the chunk in hand and waits for the sealing thread to end.
    func stop() {
        condition.lock()
        stopping = true
        while !ended { condition.wait() }
        condition.unlock()
    }

    private func run(_ lookup: Lookup) {
        var sealer = self.sealer
        var failure: (any Error)?
        do {
            try lookup { existingSeq in
                for index in 0..<board.count where !isStopping {
                    try board.chunk(index).seal(&sealer, existingSeq: existingSeq)
                    condition.lock()
                    sealedCount = index + 1
                    condition.broadcast()
                    condition.unlock()
                }
            }
        } catch {
            failure = error
        }
        condition.lock()
        self.sealer = sealer
        self.failure = failure
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }
}
