import EchoService
import GRPCCore
import GRPCInProcessTransport
import GRPCPrometheus
import GRPCProtobuf
import Prometheus
import Testing

@Suite("Server metrics with the in-process transport")
struct ServerMetricsInProcessTests {
  /// Runs an Echo server and client over the in-process transport.
  static func withEcho(
    interceptor: ServerMetricsInterceptor,
    _ body: (GRPCClient<InProcessTransport.Client>) async throws -> Void
  ) async throws {
    try await withInProcessEcho(serverInterceptors: [interceptor], body)
  }

  /// Calls `Get` with a descriptor that carries no RPC type, as a hand-written client might.
  static func getWithoutType(_ client: GRPCClient<InProcessTransport.Client>) async throws {
    let descriptor = MethodDescriptor(fullyQualifiedService: "echo.v1.Echo", method: "Get")
    #expect(descriptor.type == nil)
    _ = try await client.unary(
      request: ClientRequest(message: Echo_V1_EchoRequest("hi")),
      descriptor: descriptor,
      serializer: ProtobufSerializer<Echo_V1_EchoRequest>(),
      deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>(),
      options: .defaults
    ) { try $0.message }
  }

  @Test("A descriptor without a type is typed from the services the interceptor was given")
  func typeIsLearntFromServices() async throws {
    let registry = PrometheusCollectorRegistry()
    let interceptor = try ServerMetricsInterceptor(registry: registry, services: [EchoService()])
    try await Self.withEcho(interceptor: interceptor) { try await Self.getWithoutType($0) }
    let exposition = try Exposition(registry.emitToString())
    #expect(exposition.value("grpc_server_started_total", echoLabels("Get")) == 1)
    #expect(exposition.samples(named: "grpc_server_started_total").count == 4)
  }

  @Test("A method whose type nobody knows is labelled grpc_type=\"unknown\"")
  func unknownTypeIsLabelledUnknown() async throws {
    let registry = PrometheusCollectorRegistry()
    let interceptor = try ServerMetricsInterceptor(registry: registry)
    try await Self.withEcho(interceptor: interceptor) { try await Self.getWithoutType($0) }
    let exposition = try Exposition(registry.emitToString())
    let labels = ["grpc_service": "echo.v1.Echo", "grpc_method": "Get", "grpc_type": "unknown"]
    #expect(exposition.value("grpc_server_started_total", labels) == 1)
    #expect(exposition.value("grpc_server_msg_received_total", labels) == 1)
    #expect(exposition.value("grpc_server_msg_sent_total", labels) == 1)
    #expect(
      exposition.value("grpc_server_handled_total", labels.merging(["grpc_code": "OK"]) { $1 }) == 1
    )
    // Without services nothing is known in advance: the method's series (all 17 codes, since
    // pre-initialisation is on) appear with its first RPC, and no other method's do.
    #expect(exposition.samples(named: "grpc_server_started_total").count == 1)
    #expect(exposition.samples(named: "grpc_server_handled_total").count == 17)
    #expect(exposition.sum("grpc_server_handled_total") == 1)
  }

  @Test("Services given: every method starts with zero series for started, messages and 17 codes")
  func seriesArePreinitialised() throws {
    let registry = PrometheusCollectorRegistry()
    var options = ServerMetricsOptions()
    options.handlingTimeHistogram = .grpcDefault
    _ = try ServerMetricsInterceptor(
      registry: registry,
      services: [EchoService()],
      options: options
    )
    let exposition = try Exposition(registry.emitToString())
    for method in ["Get", "Collect", "Expand", "Update"] {
      #expect(exposition.value("grpc_server_started_total", echoLabels(method)) == 0)
      #expect(exposition.value("grpc_server_msg_received_total", echoLabels(method)) == 0)
      #expect(exposition.value("grpc_server_msg_sent_total", echoLabels(method)) == 0)
      #expect(exposition.value("grpc_server_handling_seconds_count", echoLabels(method)) == 0)
      for code in goCodeNames {
        #expect(
          exposition.value("grpc_server_handled_total", echoLabels(method, ["grpc_code": code]))
            == 0
        )
      }
    }
    #expect(exposition.samples(named: "grpc_server_handled_total").count == 4 * 17)
    // 11 finite buckets and +Inf per method.
    #expect(exposition.samples(named: "grpc_server_handling_seconds_bucket").count == 4 * 12)
  }

  @Test("Pre-initialisation off: nothing is registered until a method is called")
  func preinitialisationCanBeTurnedOff() async throws {
    let registry = PrometheusCollectorRegistry()
    var options = ServerMetricsOptions()
    options.preinitializesSeries = false
    let interceptor = try ServerMetricsInterceptor(
      registry: registry,
      services: [EchoService()],
      options: options
    )
    #expect(try Exposition(registry.emitToString()).samples.isEmpty)
    try await Self.withEcho(interceptor: interceptor) { client in
      _ = try await Echo_V1_Echo.Client(wrapping: client).get(Echo_V1_EchoRequest("hi"))
    }
    let exposition = try Exposition(registry.emitToString())
    #expect(exposition.samples(named: "grpc_server_started_total").count == 1)
    #expect(exposition.value("grpc_server_started_total", echoLabels("Get")) == 1)
    #expect(exposition.samples(named: "grpc_server_handled_total").count == 1)
    #expect(exposition.samples(named: "grpc_server_handling_seconds_count").isEmpty)
  }

  @Test("Python spelling and legacy names: CANCELLED-style codes, UNARY types, label code")
  func pythonSpellingWithLegacyNames() async throws {
    let registry = PrometheusCollectorRegistry()
    var options = ServerMetricsOptions()
    options.labelSpelling = .python
    options.usesLegacyNames = true
    options.handlingTimeHistogram = .grpcDefault
    let interceptor = try ServerMetricsInterceptor(
      registry: registry,
      services: [EchoService()],
      options: options
    )
    try await Self.withEcho(interceptor: interceptor) { client in
      let echo = Echo_V1_Echo.Client(wrapping: client)
      try await expectCode(.notFound) { try await echo.get(Echo_V1_EchoRequest("error:NOT_FOUND")) }
    }
    let exposition = try Exposition(registry.emitToString())
    let labels = ["grpc_service": "echo.v1.Echo", "grpc_method": "Get", "grpc_type": "UNARY"]
    #expect(
      exposition.value("grpc_server_handled_total", labels.merging(["code": "NOT_FOUND"]) { $1 })
        == 1
    )
    #expect(
      exposition.value("grpc_server_handled_total", labels.merging(["code": "CANCELLED"]) { $1 })
        == 0
    )
    #expect(exposition.value("grpc_server_handled_latency_seconds_count", labels) == 1)
    #expect(exposition.samples(named: "grpc_server_handling_seconds_count").isEmpty)
    #expect(
      exposition.help["grpc_server_handled_latency_seconds"]
        == "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server"
    )
    let types = Set(
      exposition.samples(named: "grpc_server_started_total").map { $0.labels["grpc_type"] }
    )
    #expect(types == ["UNARY", "CLIENT_STREAMING", "SERVER_STREAMING", "BIDI_STREAMING"])
  }

  @Test("Namespace, subsystem and constant labels shape every series")
  func namespaceSubsystemAndConstantLabels() throws {
    let registry = PrometheusCollectorRegistry()
    var options = ServerMetricsOptions()
    options.namespace = "shop"
    options.subsystem = "api"
    options.constantLabels = ["region": "eu-1"]
    _ = try ServerMetricsInterceptor(
      registry: registry,
      services: [EchoService()],
      options: options
    )
    let text = registry.emitToString()
    #expect(
      text.contains(
        #"shop_api_grpc_server_started_total{grpc_method="Get",grpc_service="echo.v1.Echo",grpc_type="unary",region="eu-1"} 0"#
      )
    )
    #expect(!text.contains("\ngrpc_server_started_total"))
  }

  /// Option mistakes, each with the field its error must name.
  enum InvalidOption: String, CaseIterable, Sendable {
    case namespaceWithDash, subsystemStartingWithDigit, constantLabelWithDash
    case constantLabelReserved, constantLabelClashing

    var field: String {
      switch self {
      case .namespaceWithDash: return "namespace"
      case .subsystemStartingWithDigit: return "subsystem"
      default: return "constantLabels"
      }
    }

    func apply(to options: inout ServerMetricsOptions) {
      switch self {
      case .namespaceWithDash: options.namespace = "my-app"
      case .subsystemStartingWithDigit: options.subsystem = "1st"
      case .constantLabelWithDash: options.constantLabels = ["bad-name": "x"]
      case .constantLabelReserved: options.constantLabels = ["__reserved": "x"]
      case .constantLabelClashing: options.constantLabels = ["grpc_method": "x"]
      }
    }
  }

  @Test(
    "Invalid options fail at construction with a message naming the field",
    arguments: InvalidOption.allCases
  )
  func invalidOptionsAreRejected(mistake: InvalidOption) throws {
    var options = ServerMetricsOptions()
    mistake.apply(to: &options)
    let error = #expect(throws: MetricsConfigurationError.self) {
      try ServerMetricsInterceptor(registry: PrometheusCollectorRegistry(), options: options)
    }
    #expect(error?.field == mistake.field)
    #expect(
      error?.description.hasPrefix("invalid metrics configuration: \(mistake.field): ") == true
    )
  }
}
