public import GRPCCore
public import Prometheus

/// A server interceptor that records the go-grpc-prometheus server families for every RPC.
///
/// ```swift
/// let registry = PrometheusCollectorRegistry()
/// let metrics = try ServerMetricsInterceptor(registry: registry, services: [echo])
/// let server = GRPCServer(transport: transport, services: [echo], interceptors: [metrics])
/// ```
///
/// Every RPC that reaches the interceptor is counted in `grpc_server_started_total` and, exactly
/// once, in `grpc_server_handled_total` with the code the caller saw:
/// - the handler's `RPCError` code, or `Unknown` for any other error;
/// - `Canceled` when the client cancelled, `DeadlineExceeded` when the RPC's deadline ended it,
///   even though grpc-swift does not cancel the handler's task and the handler may later report
///   something else;
/// - `OK` once the response stream has been fully written.
///
/// Messages count when they are delivered to the handler or accepted by the transport, and the
/// handling time runs from the interceptor's entry to the end of the response stream. A single
/// request message (unary, server-streaming) counts when the RPC starts and a single response
/// (unary, client-streaming) once the producer returns, the points where go-grpc-prometheus counts
/// them.
///
/// Place it first in the server's interceptor list so that it observes what the others do too.
public struct ServerMetricsInterceptor: ServerInterceptor {
  private let methods: MethodMetricsCache<MethodInstruments>

  /// Creates the interceptor and registers its families in `registry`.
  ///
  /// - Parameters:
  ///   - registry: The registry the app serves on `/metrics`, so gRPC metrics sit beside its own.
  ///   - services: The services the server runs. Their generated descriptors supply `grpc_type`
  ///     where the transport does not, and let every series start at zero.
  ///   - options: Names, labels, histogram and pre-initialisation choices.
  /// - Throws: ``MetricsConfigurationError`` for an invalid namespace, subsystem or constant label.
  public init(
    registry: PrometheusCollectorRegistry,
    services: [any RegistrableRPCService] = [],
    options: ServerMetricsOptions = ServerMetricsOptions()
  ) throws(MetricsConfigurationError) {
    let grpcFamilies =
      options.recordsGRPCFamilies
      ? try GRPCFamilies(
        registry: registry,
        names: .server(legacy: options.usesLegacyNames),
        naming: options.naming,
        handlingTimeBuckets: options.handlingTimeHistogram
      ) : nil
    var apiFamilies: APIFamilies?
    if let api = options.apiServerMetrics {
      apiFamilies = try APIFamilies(
        registry: registry,
        namespace: api.namespace,
        role: "API gRPC",
        nameLabel: "api_name",
        fixedLabels: [("service_name", api.serviceName), ("service_version", api.serviceVersion)],
        buckets: api.durationHistogram,
        httpStatus: api.httpStatus
      )
    }
    let factory = MethodInstrumentsFactory(
      grpc: grpcFamilies,
      preinitializesSeries: options.preinitializesSeries,
      api: apiFamilies,
      apiNameSource: options.apiServerMetrics?.apiName ?? .methodName,
      apiInstrumentsStreamingRPCs: options.apiServerMetrics?.instrumentsStreamingRPCs ?? true,
      apiDefaultName: { $0.method }
    )
    self.methods = MethodMetricsCache(
      catalog: MethodCatalog(services: services),
      eager: factory.preinitializesSeries,
      make: factory.make(for:)
    )
  }

  public func intercept<Input: Sendable, Output: Sendable>(
    request: StreamingServerRequest<Input>,
    context: ServerContext,
    next:
      @Sendable (
        _ request: StreamingServerRequest<Input>,
        _ context: ServerContext
      ) async throws -> StreamingServerResponse<Output>
  ) async throws -> StreamingServerResponse<Output> {
    let instruments = self.methods.metrics(for: context.descriptor)
    let recorder = instruments.startRPC()
    let observer = RPCObserver(
      recorder: recorder,
      requestMetadata: request.metadata
    )
    let cancellation = context.cancellation

    var request = request
    if instruments.countsRequestAtStart {
      recorder.grpc?.received.increment()
    } else {
      request.messages = RPCAsyncSequence(
        wrapping: MessageCountingSequence(request.messages, recorder: recorder)
      )
    }

    var response: StreamingServerResponse<Output>
    do {
      response = try await withRPCCancellationHandler {
        try await next(request, context)
      } onCancelRPC: {
        observer.finishCancelled()
      }
    } catch {
      observer.finish(throwing: error, unlessCancelled: cancellation.isCancelled)
      throw error
    }

    switch response.accepted {
    case .failure(let error):
      observer.finish(Status.Code(error.code), unlessCancelled: cancellation.isCancelled)

    case .success(var contents):
      let produce = contents.producer
      let sent = recorder.grpc?.sent
      // A single-response producer only writes the handler's one message and returns once the
      // transport accepted it. So that message counts on return, as go-grpc-prometheus counts a
      // unary response, and the producer runs unwrapped: it cannot outlive a cancellation (the
      // write fails) and `isCancelled` decides its outcome below. A wrapped writer and a second
      // cancellation handler would together cost more than the rest of the interceptor.
      let respondsOnce = instruments.hasSingleResponse
      contents.producer = { writer in
        do {
          let trailers: Metadata
          if respondsOnce {
            trailers = try await produce(writer)
            sent?.increment()
          } else {
            trailers = try await withRPCCancellationHandler {
              try await produce(
                RPCWriter(wrapping: TimedMessageWriter(writer, counter: sent, histogram: nil))
              )
            } onCancelRPC: {
              observer.finishCancelled()
            }
          }
          observer.finish(.ok, unlessCancelled: cancellation.isCancelled)
          return trailers
        } catch {
          observer.finish(throwing: error, unlessCancelled: cancellation.isCancelled)
          throw error
        }
      }
      response.accepted = .success(contents)
    }
    return response
  }
}
