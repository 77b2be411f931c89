import DialerCore
import Foundation

/// Packs a batch's drafts chunk by chunk on every core while the writer stores the chunks in order, so
/// preparing the batch overlaps with storing it. The writer takes the chunks in order; when the next one
/// is not ready it packs an unclaimed one itself, and waits only for a chunk a helper is packing.
final class PackingBoard: @unchecked Sendable {
    /// Drafts per chunk.
    static let chunkSize = 512
    /// Batches at least this long get helper threads.
    static let parallelThreshold = 1024

    /// How many chunks the batch has.
    let count: Int
    /// Whether any draft carries an idempotency key.
    let hasIdempotencyKeys: Bool
    private let drafts: [EventDraft]
    private let condition = NSCondition()
    private var nextUnclaimed = 0
    private var packed: [Result<PackedChunk, any Error>?]

    /// A board for `drafts`; large batches start packing on helper threads at once.
    init(_ drafts: [EventDraft]) {
        self.drafts = drafts
        count = (drafts.count + Self.chunkSize - 1) / Self.chunkSize
        hasIdempotencyKeys = drafts.contains { $0.idempotencyKey != nil }
        packed = Array(repeating: nil, count: count)
        guard drafts.count >= Self.parallelThreshold else { return }
        let helpers = min(ProcessInfo.processInfo.activeProcessorCount - 1, count - 1, 7)
        for _ in 0..<max(helpers, 0) {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                while let index = claim() { pack(index) }
            }
        }
    }

    /// Chunk `index`, packed by a helper or by the caller; throws the chunk's validation error.
    func chunk(_ index: Int) throws -> PackedChunk {
        condition.lock()
        while true {
            if let result = packed[index] {
                condition.unlock()
                return try result.get()
            }
            if nextUnclaimed < count {
                let mine = nextUnclaimed
                nextUnclaimed += 1
                condition.unlock()
                pack(mine)
                condition.lock()
            } else {
                condition.wait()
            }
        }
    }

    /// Stops helpers from claiming more chunks: called when the append is over, whatever its outcome.
    func close() {
        condition.lock()
        nextUnclaimed = count
        condition.unlock()
    }

    private func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        guard nextUnclaimed < count else { return nil }
        nextUnclaimed += 1
        return nextUnclaimed - 1
    }

    private func pack(_ index: Int) {
        let range = index * Self.chunkSize..<min((index + 1) * Self.chunkSize, drafts.count)
        let result = Result { try PackedChunk(drafts[range]) }
        condition.lock()
        packed[index] = result
        condition.broadcast()
        condition.unlock()
    }
}
