import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes `bytes` to `path` (creating its folder), or to standard output for `-` (with a newline after
/// them unless they end with one). A regular file or a new
/// path is replaced whole: a temporary file renamed over it, so a reader never sees half a report. Any
/// other path (a symlink, a FIFO, a device, a socket) is opened and written through, never renamed over:
/// the link stays a link and its target gets the bytes, and a special file stays what it is (renaming
/// over `/dev/null` as root would replace the device with a regular file).
func write(_ bytes: [UInt8], to path: String) throws {
    if path == "-" {
        print(String(decoding: bytes, as: UTF8.self), terminator: bytes.last == 0x0A ? "" : "\n")
        return
    }
    var status = stat()
    if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
        try writeThrough(bytes, to: path)
        return
    }
    let url = URL(fileURLWithPath: path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url, options: .atomic)
}

/// Opens `path` as it is (following a symlink, truncating a regular target) and writes every byte.
private func writeThrough(_ bytes: [UInt8], to path: String) throws {
    func failure(_ doing: String) -> ValidationError {
        ValidationError("--out: cannot \(doing) \(path): \(String(cString: strerror(errno)))")
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { throw failure("open") }
    defer { close(descriptor) }
    var written = 0
    try bytes.withUnsafeBytes { buffer in
        while written < buffer.count {
            let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("write to")
            }
            written += count
        }
    }
}
