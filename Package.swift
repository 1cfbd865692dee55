// swift-tools-version:6.2
import PackageDescription

// Targets follow ../shared/design/ARCHITECTURE.md §2: the simulators never import the clients they test,
// the Reconciler imports no I/O, and only PullKeeperCommands reads the environment.
let package = Package(
    name: "pullkeeper",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pullkeeper", targets: ["pullkeeper"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.9.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    ],
    targets: [
        // MARK: What every layer shares: injected time, RFC 3339, retry policy, token bucket, Retry-After
        .target(name: "PullKeeperCore"),

        // MARK: YAML through the system libyaml
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAML", dependencies: ["CLibYAML"]),

        // MARK: Operator configuration: value types (no YAML, so the Reconciler links no C) and their loader
        .target(name: "PullKeeperConfig"),
        .target(name: "PullKeeperConfigLoader", dependencies: ["PullKeeperConfig", "YAML"]),

        // MARK: Pure decisions (no I/O, no clock)
        .target(
            name: "Reconciler",
            dependencies: ["PullKeeperConfig", "PullKeeperCore", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // MARK: The controller runtime
        .target(
            name: "Controller",
            dependencies: [
                "Reconciler", "PullKeeperConfig", "PullKeeperCore", "KubernetesModel", "KubernetesClient", "AzureAuth",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // MARK: Test PKI shared by the simulators (never by the clients they test)
        .target(
            name: "SimulatorPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),

        // MARK: Kubernetes
        .target(name: "KubernetesModel", dependencies: ["PullKeeperCore"]),
        .target(
            name: "KubernetesClient",
            dependencies: [
                "KubernetesModel", "YAML", "PullKeeperCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "KubernetesSimulator",
            dependencies: [
                "PullKeeperCore", "SimulatorPKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Install manifests (deploy/ and `pullkeeper render`)
        .target(name: "Manifests", dependencies: ["KubernetesModel", "PullKeeperConfig", "YAML"]),

        // MARK: Azure
        .target(
            name: "AzureAuth",
            dependencies: [
                "PullKeeperCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AzureSimulator",
            dependencies: [
                "SimulatorPKI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: The lab: simulated worlds, demo, bench and chaos (not needed to run the operator)
        .target(
            name: "PullKeeperLab",
            dependencies: [
                "Controller", "Reconciler", "PullKeeperConfig", "PullKeeperConfigLoader", "PullKeeperCore",
                "KubernetesModel", "KubernetesClient", "KubernetesSimulator", "AzureSimulator", "SimulatorPKI",
                "AzureAuth", "PullKeeperTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Commands and the executable
        .target(
            name: "PullKeeperCommands",
            dependencies: [
                "YAML", "PullKeeperConfig", "PullKeeperConfigLoader", "PullKeeperCore", "Reconciler", "Controller",
                "KubernetesModel", "KubernetesClient", "KubernetesSimulator", "SimulatorPKI",
                "AzureAuth", "AzureSimulator", "Manifests", "PullKeeperLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        // The Swift runtime and Foundation linked in statically, in every configuration: the release build that
        // scripts/test makes is the very binary scripts/build-image puts into the image (no second compile).
        .executableTarget(
            name: "pullkeeper", dependencies: ["PullKeeperCommands"],
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib",
                    // What the static Foundation archive needs: modules compiled against the shared Foundation
                    // (as the tests must be) do not autolink these; a -static-stdlib compile would.
                    "-lFoundationEssentials", "-lFoundationInternationalization", "-lCoreFoundation",
                    "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization",
                    "-lswiftDispatch", "-ldispatch", "-lBlocksRuntime", "-lswiftGlibc", "-lstdc++", "-lm",
                ])
            ]),

        // MARK: libFuzzer harnesses (FUZZING.md): scripts/fuzz builds them with -sanitize=fuzzer into
        // .build-fuzz; a plain build compiles them as replayers that run files through the same code.
        .target(name: "CFuzzerDriver", path: "Sources/Fuzz/CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"], path: "Sources/Fuzz/FuzzSupport"),
        .executableTarget(name: "FuzzYAML", dependencies: ["FuzzSupport", "YAML"], path: "Sources/Fuzz/FuzzYAML"),
        .executableTarget(
            name: "FuzzConfig", dependencies: ["FuzzSupport", "PullKeeperConfigLoader"], path: "Sources/Fuzz/FuzzConfig"
        ),
        .executableTarget(
            name: "FuzzAnnotations",
            dependencies: ["FuzzSupport", "Reconciler", "PullKeeperConfig", "PullKeeperConfigLoader"],
            path: "Sources/Fuzz/FuzzAnnotations"),
        .executableTarget(name: "FuzzJWT", dependencies: ["FuzzSupport", "AzureAuth"], path: "Sources/Fuzz/FuzzJWT"),
        .executableTarget(
            name: "FuzzDockerConfig", dependencies: ["FuzzSupport", "Reconciler", "PullKeeperConfig"],
            path: "Sources/Fuzz/FuzzDockerConfig"),

        // MARK: What tests share: an in-memory Kubernetes, a manual clock, fakes with fault injection
        .target(
            name: "PullKeeperTesting",
            dependencies: [
                "PullKeeperCore", "KubernetesClient", "KubernetesSimulator", "AzureAuth", "AzureSimulator",
                "Controller", "Reconciler",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // MARK: Tests
        .testTarget(name: "PullKeeperCoreTests", dependencies: ["PullKeeperCore", "PullKeeperTesting"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "PullKeeperCore"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PullKeeperConfigTests", dependencies: ["PullKeeperConfig", "PullKeeperConfigLoader", "YAML"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ControllerTests",
            dependencies: [
                "Controller", "AzureAuth", "PullKeeperConfig", "PullKeeperConfigLoader", "PullKeeperCore",
                "PullKeeperTesting", "PullKeeperLab", "KubernetesClient", "KubernetesModel", "KubernetesSimulator",
                "AzureSimulator", "Reconciler", "Manifests",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "ReconcilerTests", dependencies: ["Reconciler", "PullKeeperConfig"]),
        .testTarget(name: "PullKeeperCommandsTests", dependencies: ["PullKeeperCommands"]),
        .testTarget(name: "KubernetesModelTests", dependencies: ["KubernetesModel", "PullKeeperCore"]),
        .testTarget(
            name: "KubernetesClientTests",
            dependencies: [
                "KubernetesClient", "KubernetesSimulator", "KubernetesModel", "PullKeeperCore", "SimulatorPKI",
            ]
        ),
        .testTarget(
            name: "KubernetesSimulatorTests",
            dependencies: [
                "KubernetesSimulator", "SimulatorPKI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "AzureAuthTests", dependencies: ["AzureAuth", "AzureSimulator", "SimulatorPKI", "PullKeeperTesting"]),
        .testTarget(
            name: "AzureSimulatorTests",
            dependencies: [
                "AzureSimulator", "SimulatorPKI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .testTarget(name: "SimulatorPKITests", dependencies: ["SimulatorPKI"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "PullKeeperCommands", "PullKeeperLab", "Controller", "Reconciler", "PullKeeperConfig",
                "PullKeeperConfigLoader",
                "KubernetesClient",
                "KubernetesModel", "KubernetesSimulator", "AzureSimulator", "AzureAuth", "YAML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "ManifestsTests",
            dependencies: [
                "Manifests", "KubernetesModel", "YAML", "PullKeeperConfig", "PullKeeperConfigLoader",
                "PullKeeperCommands",
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
