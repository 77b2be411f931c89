@preconcurrency import Glibc

/// Writes to standard output; in this target it stands in for `Swift.print`, so every command ends quietly
/// when its reader has gone (`dialer-ledger events list | head -1`): see `writeOrEnd`.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    writeOrEnd(items.map { "\($0)" }.joined(separator: separator) + terminator, to: stdout)
}

/// Writes a line to standard error (the same closed-pipe rule).
func printError(_ line: String) {
    writeOrEnd(line + "\n", to: stderr)
}

/// Writes `text`; when the stream is a pipe whose reader has gone, ends the process as SIGPIPE would
/// (status 141 in a shell), quietly. SwiftNIO ignores SIGPIPE once a socket is open, so without this a
/// write to a closed pipe would fail silently (`print`) or trap (`FileHandle.write`).
func writeOrEnd(_ text: String, to stream: UnsafeMutablePointer<FILE>) {
    guard fputs(text, stream) == EOF, errno == EPIPE else { return }
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    exit(141)
}

/// Makes standard output line-buffered (it is block-buffered into a pipe or a file), so each printed line
/// reaches a watcher when it is printed.
func writeStandardOutputLineByLine() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
