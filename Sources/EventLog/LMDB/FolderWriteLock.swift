#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on the log folder itself, held around every write transaction. LMDB's writer
/// mutex lives in `lock.mdb`: once that file is deleted, a process opening the log creates a new one and
/// its writer is no longer excluded by writers still using the old one. The folder cannot be deleted
/// from under a writer as a file can. Threads of one process take an in-process mutex first, since a
/// `flock` belongs to the open file, which they share.
final class FolderWriteLock: @unchecked Sendable {
    private let fd: Int32
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// Opens the folder at `path` for locking.
    init(path: String) throws(LMDBStatus) {
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw LMDBStatus(code: errno, operation: "open(\(path)) for its write lock") }
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        close(fd)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding the lock against every other writer of the folder, in this process or another.
    func withLock<R>(_ body: () throws -> R) throws -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw LMDBStatus(code: errno, operation: "flock(log folder)") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
