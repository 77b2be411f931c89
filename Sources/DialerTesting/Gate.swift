import Foundation

/// A one-way gate for threads that are not Swift's cooperative ones (a store's own threads, a clock
/// called on them): `wait` blocks until `open`, which lets every waiter through for good. Never wait
/// on a cooperative thread.
public final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    /// A closed gate.
    public init() {}

    /// Opens the gate for every waiter, now and later.
    public func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks the calling thread until the gate is open.
    public func wait() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
}
