import Foundation

/// Threads of the log's own that run its blocking LMDB work in arrival order, so that work never holds one
/// of Swift's cooperative threads. A caller waits for its job without blocking; a cancellable job still
/// queued when its task is cancelled is dropped (the caller gets `CancellationError`); a started job
/// always finishes, and its caller waits for it, so a job never outlives the call that handed it over.
final class StoreThreads: @unchecked Sendable {
    /// The threads' name (each thread is `name-N`, at most 15 bytes in all on Linux), visible in debuggers
    /// and to tests.
    let name: String
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var queue: [any StoreJob] = []
    /// Guarded by `condition`: set when the owner is gone, so idle threads end.
    private var stopping = false

    /// Starts `count` threads named `name-1`, `name-2`, ….
    init(name: String, count: Int) {
        self.name = name
        for index in 1...max(count, 1) {
            let threadName = "\(name)-\(index)"
            Thread.detachNewThread { [self] in
                // Named by the thread itself (a new Linux thread otherwise keeps its creator's name), and
                // marked as the store's in a thread-specific slot that `currentThreadName` reads.
                Thread.current.name = threadName
                pthread_setspecific(Self.nameKey, Unmanaged.passRetained(threadName as NSString).toOpaque())
                serve()
            }
        }
    }

    /// The name of the store thread that calls this (`log-writer-1`, …), or nil on any other thread.
    static var currentThreadName: String? {
        pthread_getspecific(nameKey).map { Unmanaged<NSString>.fromOpaque($0).takeUnretainedValue() as String }
    }

    /// The thread-specific slot holding a store thread's name, released when the thread ends.
    private static let nameKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { Unmanaged<NSString>.fromOpaque($0!).release() }
        return key
    }()

    /// How many jobs wait for a thread.
    var queuedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count
    }

    /// Lets the threads end once the queue is empty; called by the owner's `deinit`.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body` on one of the threads and returns its outcome. With `cancellable`, a task cancelled
    /// before the job starts gets `CancellationError` and `body` never runs; without, the job is handed
    /// over whatever happens to the task and its outcome is returned.
    func run<R: Sendable>(cancellable: Bool, _ body: @Sendable () throws -> R) async throws -> R {
        try await withoutActuallyEscaping(body) { body in
            let job = Job(body)
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in enqueue(job, continuation) }
            } onCancel: {
                if cancellable { withdraw(job) }
            }
        }
    }

    private func enqueue<R>(_ job: Job<R>, _ continuation: CheckedContinuation<R, any Error>) {
        condition.lock()
        job.continuation = continuation
        guard !job.withdrawn else {
            condition.unlock()
            job.drop()
            return
        }
        job.queued = true
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Takes `job` off the queue if it has not started; marks it so it is never queued if not yet queued.
    private func withdraw<R>(_ job: Job<R>) {
        condition.lock()
        job.withdrawn = true
        let wasQueued = job.queued
        if wasQueued {
            job.queued = false
            queue.removeAll { $0 === job }
        }
        condition.unlock()
        if wasQueued { job.drop() }
    }

    private func serve() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            guard !queue.isEmpty else {
                condition.unlock()
                return
            }
            let job = queue.removeFirst()
            job.queued = false
            condition.unlock()
            job.execute()
        }
    }
}

/// A queued job as the threads see it.
private protocol StoreJob: AnyObject {
    var queued: Bool { get set }
    func execute()
}

/// One call's work and the continuation waiting for it. `queued` and `withdrawn` are guarded by the
/// threads' condition; the rest belongs to whoever took the job off the queue (or never queued it).
private final class Job<R: Sendable>: StoreJob, @unchecked Sendable {
    private var body: (@Sendable () throws -> R)?
    var continuation: CheckedContinuation<R, any Error>?
    var queued = false
    var withdrawn = false

    init(_ body: @escaping @Sendable () throws -> R) { self.body = body }

    func execute() {
        let outcome = runBody()
        continuation?.resume(with: outcome)
    }

    /// Ends the job unrun: the waiting task gets `CancellationError`.
    func drop() {
        body = nil
        continuation?.resume(throwing: CancellationError())
    }

    /// Runs and releases the body before the caller is resumed: `withoutActuallyEscaping` checks that
    /// nothing holds the body once the call returns.
    @inline(never)
    private func runBody() -> Result<R, any Error> {
        let body = self.body
        self.body = nil
        return Result { try body!() }
    }
}
