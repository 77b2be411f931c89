#if canImport(Glibc)
    @preconcurrency import Glibc  // alone in this file: Glibc's `stdout` is a C global Swift 6 flags otherwise
#endif

/// Makes standard output line-buffered (it is block-buffered into a pipe or a file), so each printed line
/// reaches a watcher when it is printed.
func writeStandardOutputLineByLine() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
