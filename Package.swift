// swift-tools-version:6.0
import PackageDescription

// The plugin (kubectl-aksnet) links libcurl, libyaml and the Swift runtime only.
let package = Package(
    name: "aksnet",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kubectl-aksnet", targets: ["kubectl-aksnet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CYAML", linkerSettings: [.linkedLibrary("yaml")]),
        .target(name: "KubeModel"),
        .target(name: "KubeWire", dependencies: ["KubeModel"]),
        .target(name: "KubeConfig", dependencies: ["KubeModel", "CYAML"]),
        .target(name: "KubeClient", dependencies: ["KubeModel", "KubeConfig", "KubeWire", "CCurl"]),
        .target(name: "AKSNetCLI", dependencies: [
            "KubeModel", "KubeConfig", "KubeClient",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "kubectl-aksnet", dependencies: ["AKSNetCLI"]),
        .testTarget(name: "KubeModelTests", dependencies: ["KubeModel"]),
        .testTarget(name: "KubeWireTests", dependencies: ["KubeWire", "KubeModel"]),
        .testTarget(name: "KubeConfigTests", dependencies: ["KubeConfig", "KubeModel"], exclude: ["Fixtures"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeConfig", "KubeModel"]),
        .testTarget(name: "AKSNetCLITests", dependencies: ["AKSNetCLI"]),
    ],
    swiftLanguageModes: [.v6]
)
