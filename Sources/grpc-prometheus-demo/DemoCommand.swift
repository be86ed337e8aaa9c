import ArgumentParser

/// `grpc-prometheus-demo`: the Echo service instrumented with gRPC metrics, and tools around it.
@main
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grpc-prometheus-demo",
    abstract: "An Echo gRPC server instrumented with Prometheus metrics.",
    subcommands: [ServeCommand.self],
    defaultSubcommand: ServeCommand.self
  )
}
