import Foundation

/// Maps `0..<count` in contiguous chunks, one per core when `count` reaches `threshold`, and joins the
/// results in order. An error is the first chunk's error, so it names the first bad element, as a
/// serial pass would. Used where per-element work dominates: preparing a batch, reading a page's rows.
public func chunkedMap<T, Failure: Error>(
    count: Int, threshold: Int, _ body: (Range<Int>) throws(Failure) -> [T]
) throws(Failure) -> [T] {
    let workers = count >= threshold ? min(ProcessInfo.processInfo.activeProcessorCount, 8) : 1
    guard workers > 1 else { return try body(0..<count) }
    let chunk = (count + workers - 1) / workers
    let slots = UnsafeMutableBufferPointer<Result<[T], Failure>>.allocate(capacity: workers)
    defer { slots.deinitialize().deallocate() }
    nonisolated(unsafe) let shared = slots  // each worker writes only its own slot
    nonisolated(unsafe) let work = body
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let range = min(worker * chunk, count)..<min((worker + 1) * chunk, count)
        let result: Result<[T], Failure>
        do throws(Failure) {
            result = .success(try work(range))
        } catch {
            result = .failure(error)
        }
        (shared.baseAddress! + worker).initialize(to: result)
    }
    var joined: [T] = []
    joined.reserveCapacity(count)
    for slot in slots { joined.append(contentsOf: try slot.get()) }
    return joined
}
