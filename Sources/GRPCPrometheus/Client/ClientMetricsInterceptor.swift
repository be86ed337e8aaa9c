public import GRPCCore
public import Prometheus

/// A client interceptor that records the go-grpc-prometheus client families for every call.
///
/// ```swift
/// let metrics = try ClientMetricsInterceptor(
///   registry: registry,
///   methods: Echo_V1_Echo.Method.descriptors
/// )
/// try await withGRPCClient(transport: transport, interceptors: [metrics]) { client in … }
/// ```
///
/// Every call that reaches the interceptor is counted in `grpc_client_started_total` and, exactly
/// once, in `grpc_client_handled_total` with the status the caller saw — whether it read the
/// response to its end (`OK` or the server's code), threw, had its task cancelled (`Canceled`), ran
/// out of time (`DeadlineExceeded`), or returned without reading the whole response (`Canceled`).
///
/// A streamed request message counts once the transport accepted it, a single one (unary,
/// server-streaming) when the call starts, as go-grpc-prometheus counts it, unless the send-time
/// histogram needs to time its write. Response messages count as they are delivered to the caller.
///
/// grpc-swift runs client interceptors once per *attempt* when a retry or hedging policy applies,
/// so with such a policy the families count attempts — the same RPCs the server counts. A call
/// that never gets a stream (server unreachable) reaches no interceptor; wrap such calls in
/// ``observeCall(to:_:)`` to count them too.
public struct ClientMetricsInterceptor: ClientInterceptor {
  private let methods: MethodMetricsCache<MethodInstruments>

  /// Creates the interceptor and registers its families in `registry`.
  ///
  /// - Parameters:
  ///   - registry: The registry the app serves on `/metrics`.
  ///   - methods: The methods the client calls, e.g. `Echo_V1_Echo.Method.descriptors`, so their
  ///     series start at zero. Methods not listed are added on their first call.
  ///   - options: Names, labels, histograms and pre-initialisation choices.
  /// - Throws: ``MetricsConfigurationError`` for an invalid namespace, subsystem or constant label.
  public init(
    registry: PrometheusCollectorRegistry,
    methods: [MethodDescriptor] = [],
    options: ClientMetricsOptions = ClientMetricsOptions()
  ) throws(MetricsConfigurationError) {
    let grpcFamilies =
      options.recordsGRPCFamilies
      ? try GRPCFamilies(
        registry: registry,
        names: .client(legacy: options.usesLegacyNames),
        naming: options.naming,
        handlingTimeBuckets: options.handlingTimeHistogram,
        messageReceiveTimeBuckets: options.messageReceiveTimeHistogram,
        messageSendTimeBuckets: options.messageSendTimeHistogram
      ) : nil
    var runnerFamilies: APIFamilies?
    if let runner = options.runnerMetrics {
      runnerFamilies = try APIFamilies(
        registry: registry,
        namespace: runner.namespace,
        role: "Runner",
        nameLabel: "endpoint",
        fixedLabels: [
          ("runner_name", runner.runnerName), ("service_name", runner.serviceName),
          ("service_version", runner.serviceVersion),
        ],
        buckets: runner.durationHistogram,
        httpStatus: runner.httpStatus
      )
    }
    let factory = MethodInstrumentsFactory(
      grpc: grpcFamilies,
      preinitializesSeries: options.preinitializesSeries,
      api: runnerFamilies,
      apiNameSource: .methodName,
      apiInstrumentsStreamingRPCs: options.runnerMetrics?.instrumentsStreamingRPCs ?? true,
      apiDefaultName: { "/" + $0.method }
    )
    self.methods = MethodMetricsCache(
      catalog: MethodCatalog(methods: methods),
      eager: factory.preinitializesSeries,
      make: factory.make(for:)
    )
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingClientRequest<Input>,
    context: ClientContext,
    next: (
      _ request: StreamingClientRequest<Input>,
      _ context: ClientContext
    ) async throws -> StreamingClientResponse<Output>
  ) async throws -> StreamingClientResponse<Output> {
    CallObservation.current?.markIntercepted()
    let instruments = self.methods.metrics(for: context.descriptor)
    let recorder = instruments.startRPC()
    let metrics = recorder.grpc
    let observer = RPCObserver(
      recorder: recorder,
      requestMetadata: request.metadata
    )

    var request = request
    if instruments.countsRequestAtStart {
      metrics?.sent.increment()
    } else {
      let produce = request.producer
      request.producer = { writer in
        try await produce(
          RPCWriter(
            wrapping: TimedMessageWriter(
              writer,
              counter: metrics?.sent,
              histogram: metrics?.messageSendTime
            )
          )
        )
      }
    }

    var response: StreamingClientResponse<Output>
    do {
      response = try await next(request, context)
    } catch {
      observer.finish(clientError: error)
      throw error
    }

    switch response.accepted {
    case .failure(let error):
      observer.finish(clientError: error)
    case .success(var contents):
      contents.bodyParts = RPCAsyncSequence(
        wrapping: ClientResponseObserver<Output>(
          contents.bodyParts,
          observer: observer,
          metrics: metrics
        )
      )
      response.accepted = .success(contents)
    }
    return response
  }

  /// Runs a call and counts it even if it never reaches the interceptor.
  ///
  /// grpc-swift calls no client interceptor when it cannot open a stream (the server is
  /// unreachable and the call does not wait for it), so such failures would be invisible. When
  /// `body` throws and no attempt reached the interceptor, the call is recorded here as started
  /// and handled with the error's code (`Unavailable`, typically).
  ///
  /// - Parameters:
  ///   - method: The method `body` calls, e.g. `Echo_V1_Echo.Method.Get.descriptor`.
  ///   - body: The call.
  public func observeCall<Result>(
    to method: MethodDescriptor,
    _ body: () async throws -> Result
  ) async throws -> Result {
    let observation = CallObservation()
    do {
      return try await CallObservation.$current.withValue(observation) {
        try await body()
      }
    } catch {
      if !observation.wasIntercepted {
        let recorder = self.methods.metrics(for: method).startRPC()
        RPCObserver(recorder: recorder, requestMetadata: [:]).finish(clientError: error)
      }
      throw error
    }
  }
}
