// swift-tools-version:6.1
import PackageDescription

// Benchmarks for swift-grpc-prometheus, kept out of the root package so that users of the library
// never resolve ordo-one/benchmark. Run them with `scripts/bench` from the repository root.

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let benchmarkPlugins: [Target.PluginUsage] = [
  .plugin(name: "BenchmarkPlugin", package: "benchmark")
]

let package = Package(
  name: "swift-grpc-prometheus-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "swift-grpc-prometheus", path: ".."),
    .package(
      url: "https://github.com/ordo-one/benchmark.git",
      from: "1.38.1",
      traits: ["MallocInterposer"]
    ),
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
  ],
  targets: [
    // The root package's Echo service (generated code), shared through the symlink
    // Sources/EchoFixture -> ../../Sources/EchoService: the root package does not export it as a
    // product, and module names must be unique across the package graph.
    .target(
      name: "EchoFixture",
      dependencies: [
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    // Calls the interceptors directly with a trivial handler; shared by the benchmarks and by
    // profile-interceptors, which runs the same loops under valgrind.
    .target(
      name: "InterceptorHarness",
      dependencies: [
        "EchoFixture",
        .product(name: "GRPCPrometheus", package: "swift-grpc-prometheus"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "profile-interceptors",
      dependencies: [
        "EchoFixture",
        "InterceptorHarness",
        .product(name: "GRPCPrometheus", package: "swift-grpc-prometheus"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      swiftSettings: swiftSettings
    ),
    // In-process unary RPCs outside the benchmark tool, for a profiler.
    .executableTarget(
      name: "profile-e2e",
      dependencies: [
        "EchoFixture",
        "InterceptorHarness",
        .product(name: "GRPCPrometheus", package: "swift-grpc-prometheus"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "InterceptorBenchmarks",
      dependencies: [
        "EchoFixture",
        "InterceptorHarness",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "GRPCPrometheus", package: "swift-grpc-prometheus"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "Benchmarks/InterceptorBenchmarks",
      swiftSettings: swiftSettings,
      plugins: benchmarkPlugins
    ),
    .executableTarget(
      name: "EndToEndBenchmarks",
      dependencies: [
        "EchoFixture",
        "InterceptorHarness",
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "GRPCPrometheus", package: "swift-grpc-prometheus"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      path: "Benchmarks/EndToEndBenchmarks",
      swiftSettings: swiftSettings,
      plugins: benchmarkPlugins
    ),
    .executableTarget(
      name: "ScrapeBenchmarks",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "GRPCPrometheus", package: "swift-grpc-prometheus"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Prometheus", package: "swift-prometheus"),
      ],
      path: "Benchmarks/ScrapeBenchmarks",
      swiftSettings: swiftSettings,
      plugins: benchmarkPlugins
    ),
  ]
)
