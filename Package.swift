// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DialerLedger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dialer-ledger", targets: ["DialerLedgerCLI"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "DialerCore", targets: ["DialerCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(
            name: "DialerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "EventLog",
            dependencies: ["CLMDB", "DialerCore"]
        ),
        .executableTarget(
            name: "DialerLedgerCLI",
            dependencies: [
                "DialerCore",
                "EventLog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "EventLogBench",
            dependencies: ["DialerCore", "EventLog"],
            path: "Benchmarks/EventLogBench"
        ),
        .target(name: "DialerTesting", dependencies: ["DialerCore"]),
        .testTarget(name: "DialerCoreTests", dependencies: ["DialerCore", "DialerTesting"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "DialerCore", "DialerTesting"]),
        .testTarget(
            name: "DialerLedgerCLITests",
            dependencies: ["DialerLedgerCLI", "EventLog", "DialerCore", "DialerTesting"]
        ),
    ]
)
