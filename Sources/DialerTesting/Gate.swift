import Foundation

/// A one-way gate for threads that are not Swift's cooperative ones (a store's own threads, a clock
/// called on them): `wait` blocks until `open`, which lets every waiter through for good. Never wait
/// on a cooperative thread; a task asks `isOpen` instead (with `eventually`).
public final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var opened = false

    /// A closed gate.
    public init() {}

    /// Opens the gate for every waiter, now and later.
    public func open() {
        condition.lock()
        opened = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks the calling thread until the gate is open.
    public func wait() {
        condition.lock()
        while !opened { condition.wait() }
        condition.unlock()
    }

    /// Whether the gate has been opened.
    public var isOpen: Bool {
        condition.lock()
        defer { condition.unlock() }
        return opened
    }
}
