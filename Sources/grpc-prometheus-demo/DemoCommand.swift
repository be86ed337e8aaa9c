import ArgumentParser

/// `grpc-prometheus-demo`: the Echo service instrumented with gRPC metrics, and tools around it.
@main
struct DemoCommand: AsyncParsableCommand {
  /// The package version, also the demo's `service_version` label.
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "grpc-prometheus-demo",
    abstract: "An Echo gRPC server instrumented with Prometheus metrics.",
    version: Self.version,
    subcommands: [ServeCommand.self, LoadCommand.self],
    defaultSubcommand: ServeCommand.self
  )
}
