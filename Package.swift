// swift-tools-version:6.0
import PackageDescription

// The plugin (kubectl-aksnet) links libcurl, libyaml, libz (which libcurl loads anyway) and the Swift runtime only.
let package = Package(
    name: "aksnet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kubectl-aksnet", targets: ["kubectl-aksnet"]),
        .executable(name: "kubectl-aksnet-lab", targets: ["kubectl-aksnet-lab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // The lab only: the plugin links libcurl and libyaml, never NIO.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CYAML", linkerSettings: [.linkedLibrary("yaml")]),
        // zlib for the lab's SPDY/3.1 (kubectl port-forward's tunnelled SPDY) and for inspect's
        // `--bundle FILE.tar.gz` / `--from` in the plugin: libcurl already loads libz into the
        // plugin's process, so linking it adds no library the plugin did not already have.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(name: "KubeModel"),
        .target(name: "KubeWire", dependencies: ["KubeModel"]),
        .target(name: "KubeConfig", dependencies: ["KubeModel", "CYAML"]),
        .target(name: "KubeClient", dependencies: ["KubeModel", "KubeConfig", "KubeWire", "CCurl"]),
        // The domain: helper pods, their lifecycle, sniff (and later jump, inspect).
        .target(name: "AKSNet", dependencies: ["KubeModel", "KubeClient", "KubeWire", "CZlib"]),
        .target(name: "AKSNetCLI", dependencies: [
            "KubeModel", "KubeConfig", "KubeClient", "AKSNet",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "kubectl-aksnet", dependencies: ["AKSNetCLI"]),
        .target(name: "AKSNetLab", dependencies: [
            "KubeModel", "KubeWire", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "kubectl-aksnet-lab", dependencies: ["AKSNetLab"]),
        // bench/inspect-parse's program (the inspect parsers in a release build, no lab).
        .executableTarget(name: "inspect-parse-bench", dependencies: ["AKSNet"], path: "bench/InspectParse"),
        // Process running for every test target (no Foundation.Process: it hung on CI).
        .target(name: "TestSupport", dependencies: ["KubeModel"], path: "Tests/TestSupport"),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel"]),
        .testTarget(name: "KubeWireTests", dependencies: ["TestSupport", "KubeWire", "KubeModel"]),
        .testTarget(name: "KubeConfigTests", dependencies: ["TestSupport", "KubeConfig", "KubeModel"], exclude: ["Fixtures"]),
        .testTarget(name: "KubeClientTests", dependencies: ["TestSupport", "KubeClient", "KubeConfig", "KubeModel"]),
        .testTarget(name: "AKSNetTests", dependencies: ["TestSupport", "AKSNet", "KubeModel"], exclude: ["Inspect/Fixtures"]),
        .testTarget(name: "AKSNetCLITests", dependencies: ["TestSupport", "AKSNetCLI"]),
        .testTarget(name: "AKSNetLabTests", dependencies: ["TestSupport", "AKSNetLab", "KubeModel", "KubeClient", "KubeConfig"]),
    ],
    swiftLanguageModes: [.v6]
)
