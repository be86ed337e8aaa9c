import EchoService
import GRPCCore
import GRPCPrometheus
import Prometheus
import Testing

extension RealNetworkTests {
  @Suite("API-server metrics in BentoML's shape", .serialized)
  struct APIServerMetricsTests {
    static func options(
      _ configure: (inout APIServerMetricsOptions) -> Void = { _ in }
    ) -> ServerMetricsOptions {
      var api = APIServerMetricsOptions(serviceName: "echo", serviceVersion: "1.2.3")
      configure(&api)
      var options = ServerMetricsOptions()
      options.apiServerMetrics = api
      return options
    }

    static func apiLabels(_ api: String, _ code: String? = nil) -> [String: String] {
      var labels = ["api_name": api, "service_name": "echo", "service_version": "1.2.3"]
      if let code {
        labels["http_response_code"] = code
      }
      return labels
    }

    @Test("OK, error and streaming RPCs: exact totals, codes and in-progress back to 0")
    func exactLinesOverHTTP2() async throws {
      try await EchoTestEnvironment.run(options: Self.options()) { env in
        _ = try await env.client.get(Echo_V1_EchoRequest("hi"))
        _ = try await env.client.get(Echo_V1_EchoRequest("hi"))
        try await expectCode(.invalidArgument) {
          try await env.client.get(Echo_V1_EchoRequest("error:INVALID_ARGUMENT"))
        }
        try await expectCode(.notFound) {
          try await env.client.get(Echo_V1_EchoRequest("error:NOT_FOUND"))
        }
        try await expectCode(.unavailable) {
          try await env.client.get(Echo_V1_EchoRequest("error:UNAVAILABLE"))
        }
        try await env.client.expand(Echo_V1_EchoRequest("3")) { for try await _ in $0.messages {} }
        _ = try await env.client.collect { try await $0.write(Echo_V1_EchoRequest("a")) }
        try await expectCode(.failedPrecondition) {
          try await env.client.update {
            try await $0.write(Echo_V1_EchoRequest("error:FAILED_PRECONDITION"))
          } onResponse: {
            for try await _ in $0.messages {}
          }
        }
        let exposition = try await env.scrape()
        let total = "bentoml_api_server_request_total"
        #expect(exposition.value(total, Self.apiLabels("Get", "200")) == 2)
        #expect(exposition.value(total, Self.apiLabels("Get", "400")) == 1)
        // BentoML maps NOT_FOUND to 500 (only the codes it lists get their own status).
        #expect(exposition.value(total, Self.apiLabels("Get", "500")) == 1)
        #expect(exposition.value(total, Self.apiLabels("Get", "503")) == 1)
        #expect(exposition.value(total, Self.apiLabels("Expand", "200")) == 1)
        #expect(exposition.value(total, Self.apiLabels("Collect", "200")) == 1)
        #expect(exposition.value(total, Self.apiLabels("Update", "422")) == 1)
        #expect(exposition.samples(named: total).count == 7)
        let duration = "bentoml_api_server_request_duration_seconds"
        #expect(exposition.value("\(duration)_count", Self.apiLabels("Get", "200")) == 2)
        for api in ["Get", "Collect", "Expand", "Update"] {
          #expect(
            exposition.value("bentoml_api_server_request_in_progress", Self.apiLabels(api)) == 0
          )
        }
        #expect(exposition.type[duration] == "histogram")
        #expect(exposition.type[total] == "counter")
        #expect(exposition.type["bentoml_api_server_request_in_progress"] == "gauge")
        // go-grpc-prometheus families are still recorded from the same observation.
        #expect(exposition.value("grpc_server_started_total", echoLabels("Get")) == 5)
        let promtool = try await Promtool.checkMetrics(exposition.text)
        #expect(promtool.status == 0, "\(promtool.output)")
      }
    }

    @Test("In progress is 1 while a slow RPC runs and 0 after; sleep:200 lands in the 0.25 bucket")
    func inProgressAndDurationBucket() async throws {
      try await EchoTestEnvironment.run(options: Self.options()) { env in
        let slow = Task { try await env.client.get(Echo_V1_EchoRequest("sleep:200")) }
        let during = try await env.scrape {
          $0.value("bentoml_api_server_request_in_progress", Self.apiLabels("Get")) == 1
        }
        #expect(during.value("bentoml_api_server_request_in_progress", Self.apiLabels("Get")) == 1)
        _ = try await slow.value
        let after = try await env.scrape()
        #expect(after.value("bentoml_api_server_request_in_progress", Self.apiLabels("Get")) == 0)
        let bucket = "bentoml_api_server_request_duration_seconds_bucket"
        let labels = Self.apiLabels("Get", "200")
        #expect(after.value(bucket, labels.merging(["le": "0.1"]) { $1 }) == 0)
        #expect(after.value(bucket, labels.merging(["le": "0.25"]) { $1 }) == 1)
        #expect(after.value(bucket, labels.merging(["le": "+Inf"]) { $1 }) == 1)
      }
    }

    @Test("A cancelled RPC leaves in-progress at 0")
    func cancelledRPCLeavesNothingInProgress() async throws {
      try await EchoTestEnvironment.run(options: Self.options()) { env in
        let call = Task { try await env.client.get(Echo_V1_EchoRequest("sleep:10000")) }
        _ = try await env.scrape {
          $0.value("bentoml_api_server_request_in_progress", Self.apiLabels("Get")) == 1
        }
        call.cancel()
        _ = await call.result
        let after = try await env.scrape {
          $0.value("bentoml_api_server_request_in_progress", Self.apiLabels("Get")) == 0
        }
        // CANCELLED is not in BentoML's table: 500.
        #expect(after.value("bentoml_api_server_request_total", Self.apiLabels("Get", "500")) == 1)
      }
    }

    @Test("Streaming RPCs pass through untouched when asked, as BentoML does")
    func streamingPassThrough() async throws {
      let registry = PrometheusCollectorRegistry()
      let options = Self.options { $0.instrumentsStreamingRPCs = false }
      let interceptor = try ServerMetricsInterceptor(
        registry: registry,
        services: [EchoService()],
        options: options
      )
      try await ServerMetricsInProcessTests.withEcho(interceptor: interceptor) { client in
        let echo = Echo_V1_Echo.Client(wrapping: client)
        _ = try await echo.get(Echo_V1_EchoRequest("x"))
        try await echo.expand(Echo_V1_EchoRequest("2")) { for try await _ in $0.messages {} }
      }
      let exposition = try Exposition(registry.emitToString())
      let apis = Set(
        exposition.samples(named: "bentoml_api_server_request_total").map { $0.labels["api_name"] }
      )
      #expect(apis == ["Get"])
      #expect(exposition.value("grpc_server_started_total", echoLabels("Expand")) == 1)
    }

    @Test("The gRPC-gateway table maps NOT_FOUND to 404 and CANCELLED to 499")
    func grpcGatewayTable() {
      let table = HTTPStatusMapping.grpcGateway
      #expect(table.status(for: .notFound) == 404)
      #expect(table.status(for: .cancelled) == 499)
      #expect(table.status(for: .alreadyExists) == 409)
      #expect(table.status(for: .aborted) == 409)
      #expect(table.status(for: .resourceExhausted) == 429)
      #expect(HTTPStatusMapping.bentoML.status(for: .notFound) == 500)
      #expect(HTTPStatusMapping.bentoML.status(for: .failedPrecondition) == 422)
      let custom = HTTPStatusMapping([.ok: 204], default: 418)
      #expect(custom.status(for: .ok) == 204)
      #expect(custom.status(for: .internalError) == 418)
    }

    @Test("10,000 RPCs with random request-derived api names stay within the bound")
    func requestDerivedNamesAreBounded() async throws {
      let registry = PrometheusCollectorRegistry()
      let options = Self.options {
        $0.apiName = .fromRequest(maximumCount: 10) { ($0 as? Echo_V1_EchoRequest)?.text }
      }
      let interceptor = try ServerMetricsInterceptor(
        registry: registry,
        services: [EchoService()],
        options: options
      )
      try await ServerMetricsInProcessTests.withEcho(interceptor: interceptor) { client in
        let echo = Echo_V1_Echo.Client(wrapping: client)
        try await withThrowingTaskGroup(of: Void.self) { group in
          for worker in 0 ..< 8 {
            group.addTask {
              for index in 0 ..< 1250 {
                _ = try await echo.get(
                  Echo_V1_EchoRequest("name-\(worker)-\(index)-\(UInt64.random(in: 0 ... .max))")
                )
              }
            }
          }
          try await group.waitForAll()
        }
      }
      let exposition = try Exposition(registry.emitToString())
      let names = Set(
        exposition.samples(named: "bentoml_api_server_request_total").map { $0.labels["api_name"]! }
      )
      // 10 admitted names and the overflow: no more series, however many names clients send.
      #expect(names.count == 11)
      #expect(names.contains("other"))
      #expect(exposition.sum("bentoml_api_server_request_total") == 10_000)
      #expect(
        exposition.value("bentoml_api_server_request_total", Self.apiLabels("other", "200"))
          == 9_990
      )
      let gauges = exposition.samples(named: "bentoml_api_server_request_in_progress")
      // One per method (pre-initialised under the method name), the 10 admitted names, the overflow.
      #expect(gauges.count == 4 + 10 + 1)
      #expect(gauges.allSatisfy { $0.value == 0 })
    }

    @Test("Request-derived names from a declared set; others count as other")
    func declaredNames() async throws {
      let registry = PrometheusCollectorRegistry()
      let options = Self.options {
        $0.apiName = .fromRequest(allowing: ["alpha", "beta"]) {
          ($0 as? Echo_V1_EchoRequest)?.text
        }
      }
      let interceptor = try ServerMetricsInterceptor(
        registry: registry,
        services: [EchoService()],
        options: options
      )
      try await ServerMetricsInProcessTests.withEcho(interceptor: interceptor) { client in
        let echo = Echo_V1_Echo.Client(wrapping: client)
        for text in ["alpha", "beta", "beta", "gamma", "delta"] {
          _ = try await echo.get(Echo_V1_EchoRequest(text))
        }
      }
      let exposition = try Exposition(registry.emitToString())
      let total = "bentoml_api_server_request_total"
      #expect(exposition.value(total, Self.apiLabels("alpha", "200")) == 1)
      #expect(exposition.value(total, Self.apiLabels("beta", "200")) == 2)
      #expect(exposition.value(total, Self.apiLabels("other", "200")) == 2)
      #expect(exposition.value(total, Self.apiLabels("gamma", "200")) == nil)
    }

    @Test("BentoML's YAML keys configure namespace and min/max/factor buckets")
    func yamlConfiguration() throws {
      let yaml = """
        api_server:
          metrics:
            namespace: iris
            duration:
              min: 0.1
              max: 5.0
              factor: 2.0
        """
      let options = try APIServerMetricsOptions(
        bentoMLConfiguration: yaml,
        serviceName: "iris_classifier",
        serviceVersion: "1"
      )
      #expect(options.namespace == "iris")
      #expect(options.durationHistogram.upperBounds == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5])
    }

    @Test("JSON with an explicit bucket list ending in inf")
    func jsonConfiguration() throws {
      let json = #"{"api_server": {"metrics": {"duration": {"buckets": [0.5, 1, 2, ".inf"]}}}}"#
      let options = try APIServerMetricsOptions(
        bentoMLConfiguration: json,
        serviceName: "s",
        serviceVersion: "1"
      )
      #expect(options.namespace == "bentoml_api_server")
      #expect(options.durationHistogram.upperBounds == [0.5, 1, 2])
    }

    @Test(
      "Invalid BentoML configurations name the field",
      arguments: [
        (
          "api_server: {metrics: {duration: {buckets: [1, 2], min: 0.1, max: 5, factor: 2}}}",
          "api_server.metrics.duration: give either buckets or min/max/factor, not both"
        ),
        (
          "api_server: {metrics: {duration: {min: 0.1, max: 5}}}",
          "api_server.metrics.duration: min, max and factor must be given together"
        ),
        (
          "api_server: {metrics: {duration: {min: 0.1, max: 5, factor: 1}}}",
          "factor: must be greater than 1, got 1.0"
        ),
        (
          "api_server: {metrics: {duration: {min: 0, max: 5, factor: 2}}}",
          "min: must be greater than 0, got 0.0"
        ),
        (
          "api_server: {metrics: {duration: {min: 2, max: 1, factor: 2}}}",
          "max: must be greater than min (2.0), got 1.0"
        ),
        (
          "api_server: {metrics: {duration: {buckets: [2, 1]}}}",
          "buckets: bound 1.0 follows 2.0; bounds must be sorted in increasing order"
        ),
        (
          "api_server: {metrics: {duration: {buckets: [1, 1]}}}",
          "buckets: bound 1.0 appears twice; bounds must be strictly increasing"
        ),
        (
          "api_server: {metrics: {duration: {min: fast, max: 5, factor: 2}}}",
          "api_server.metrics.duration.min: must be a number"
        ),
        ("api_server: {metrics: {namespace: 3}}", "api_server.metrics.namespace: must be a string"),
        ("api_server: [1, 2]", "api_server: must be a mapping"),
      ]
    )
    func invalidConfiguration(document: String, message: String) {
      let error = #expect(throws: MetricsConfigurationError.self) {
        try APIServerMetricsOptions(
          bentoMLConfiguration: document,
          serviceName: "s",
          serviceVersion: "1"
        )
      }
      #expect(error?.description == "invalid metrics configuration: \(message)")
    }

    @Test("An invalid namespace fails when the interceptor is built")
    func invalidNamespace() {
      let options = Self.options { $0.namespace = "bento-ml" }
      let error = #expect(throws: MetricsConfigurationError.self) {
        try ServerMetricsInterceptor(registry: PrometheusCollectorRegistry(), options: options)
      }
      #expect(error?.field == "namespace")
    }

    @Test(
      "Runner families on the client: endpoint and runner_name labels, namespace bentoml_runner"
    )
    func runnerFamiliesOnTheClient() async throws {
      let registry = PrometheusCollectorRegistry()
      var options = ClientMetricsOptions()
      options.recordsGRPCFamilies = false
      options.runnerMetrics = RunnerMetricsOptions(
        runnerName: "echo_runner",
        serviceName: "gateway",
        serviceVersion: "2.0"
      )
      let client = try ClientMetricsInterceptor(
        registry: registry,
        methods: Echo_V1_Echo.Method.descriptors,
        options: options
      )
      try await withInProcessEcho(clientInterceptors: [client]) { grpc in
        let echo = Echo_V1_Echo.Client(wrapping: grpc)
        _ = try await echo.get(Echo_V1_EchoRequest("x"))
        try await expectCode(.unavailable) {
          try await echo.get(Echo_V1_EchoRequest("error:UNAVAILABLE"))
        }
      }
      let exposition = try Exposition(registry.emitToString())
      func labels(_ code: String? = nil) -> [String: String] {
        var labels = [
          "endpoint": "/Get", "runner_name": "echo_runner", "service_name": "gateway",
          "service_version": "2.0",
        ]
        labels["http_response_code"] = code
        return labels
      }
      #expect(exposition.value("bentoml_runner_request_total", labels("200")) == 1)
      #expect(exposition.value("bentoml_runner_request_total", labels("503")) == 1)
      #expect(exposition.value("bentoml_runner_request_duration_seconds_count", labels("200")) == 1)
      #expect(exposition.value("bentoml_runner_request_in_progress", labels()) == 0)
      #expect(exposition.samples(named: "grpc_client_started_total").isEmpty)
    }
  }
}
