/// This build of dialer-ledger: the one version string, printed by `dialer-ledger --version`.
public enum BuildInfo {
    /// The release version (semantic versioning).
    public static let version = "0.1.0"
}
