import Benchmark
import EchoFixture
import GRPCCore
import GRPCPrometheus
import InterceptorHarness
import Prometheus

extension Benchmark: MeasuredRegion {}

// Per-RPC and per-message cost of the interceptors, called directly (see
// Sources/InterceptorHarness).
//
// Unary rows run 1,000 RPCs per sample and report per RPC; streaming rows run one RPC of 1,000
// messages per sample and report per message (the RPC's own cost, spread over its messages, is
// included: under 1 ns).

let messagesPerStream = 1_000

let benchmarks: @Sendable () -> Void = {
  let perRPC = Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal],
    timeUnits: .nanoseconds,
    warmupIterations: 10,
    scalingFactor: .kilo,
    maxDuration: .seconds(2),
    maxIterations: 100_000
  )
  let perMessage = perRPC

  // MARK: Server, one unary RPC

  let get = Echo_V1_Echo.Method.Get.descriptor
  let unary = RPCShape()
  let failing = RPCShape(fails: true)

  Benchmark("server unary: baseline", configuration: perRPC) { benchmark in
    await runServerRPCs(
      benchmark,
      interceptor: nil,
      descriptor: get,
      shape: unary,
      iterations: benchmark.scaledIterations.count
    )
  }
  for families in Families.allCases {
    let interceptor = try! families.serverInterceptor()
    Benchmark("server unary: \(families.rawValue)", configuration: perRPC) { benchmark in
      await runServerRPCs(
        benchmark,
        interceptor: interceptor,
        descriptor: get,
        shape: unary,
        iterations: benchmark.scaledIterations.count
      )
    }
  }
  // Reference points: interceptors that record nothing but wrap what a metrics interceptor must.
  for level in ReferenceLevel.allCases {
    let interceptor = ReferenceServerInterceptor(level)
    Benchmark("server unary: reference \(level.rawValue)", configuration: perRPC) { benchmark in
      await runServerRPCs(
        benchmark,
        interceptor: interceptor,
        descriptor: get,
        shape: unary,
        iterations: benchmark.scaledIterations.count
      )
    }
  }
  Benchmark("server unary error: baseline", configuration: perRPC) { benchmark in
    await runServerRPCs(
      benchmark,
      interceptor: nil,
      descriptor: get,
      shape: failing,
      iterations: benchmark.scaledIterations.count
    )
  }
  let failingServer = try! Families.histogram.serverInterceptor()
  Benchmark("server unary error: histogram", configuration: perRPC) { benchmark in
    await runServerRPCs(
      benchmark,
      interceptor: failingServer,
      descriptor: get,
      shape: failing,
      iterations: benchmark.scaledIterations.count
    )
  }

  // MARK: Client, one unary call

  Benchmark("client unary: baseline", configuration: perRPC) { benchmark in
    await runClientRPCs(
      benchmark,
      interceptor: nil,
      descriptor: get,
      shape: unary,
      iterations: benchmark.scaledIterations.count
    )
  }
  for families in Families.allCases {
    let interceptor = try! families.clientInterceptor()
    Benchmark("client unary: \(families.rawValue)", configuration: perRPC) { benchmark in
      await runClientRPCs(
        benchmark,
        interceptor: interceptor,
        descriptor: get,
        shape: unary,
        iterations: benchmark.scaledIterations.count
      )
    }
  }
  Benchmark("client unary: reference pass-through", configuration: perRPC) { benchmark in
    await runClientRPCs(
      benchmark,
      interceptor: PassThroughClientInterceptor(),
      descriptor: get,
      shape: unary,
      iterations: benchmark.scaledIterations.count
    )
  }
  Benchmark("client unary error: baseline", configuration: perRPC) { benchmark in
    await runClientRPCs(
      benchmark,
      interceptor: nil,
      descriptor: get,
      shape: failing,
      iterations: benchmark.scaledIterations.count
    )
  }
  let failingClient = try! Families.histogram.clientInterceptor()
  Benchmark("client unary error: histogram", configuration: perRPC) { benchmark in
    await runClientRPCs(
      benchmark,
      interceptor: failingClient,
      descriptor: get,
      shape: failing,
      iterations: benchmark.scaledIterations.count
    )
  }

  // MARK: Streamed messages

  let collect = Echo_V1_Echo.Method.Collect.descriptor
  let expand = Echo_V1_Echo.Method.Expand.descriptor
  let requestStream = RPCShape(requestMessages: messagesPerStream, responseMessages: 1)
  let responseStream = RPCShape(requestMessages: 1, responseMessages: messagesPerStream)
  let streamFamilies: [Families?] = [nil, .counters, .all]

  for families in streamFamilies {
    let name = families?.rawValue ?? "baseline"
    let server = try! families?.serverInterceptor()
    let client = try! families?.clientInterceptor()
    Benchmark("server receive per message: \(name)", configuration: perMessage) { benchmark in
      await runServerRPCs(
        benchmark,
        interceptor: server,
        descriptor: collect,
        shape: requestStream,
        iterations: 1
      )
    }
    Benchmark("server send per message: \(name)", configuration: perMessage) { benchmark in
      await runServerRPCs(
        benchmark,
        interceptor: server,
        descriptor: expand,
        shape: responseStream,
        iterations: 1
      )
    }
    Benchmark("client send per message: \(name)", configuration: perMessage) { benchmark in
      await runClientRPCs(
        benchmark,
        interceptor: client,
        descriptor: collect,
        shape: requestStream,
        iterations: 1
      )
    }
    Benchmark("client receive per message: \(name)", configuration: perMessage) { benchmark in
      await runClientRPCs(
        benchmark,
        interceptor: client,
        descriptor: expand,
        shape: responseStream,
        iterations: 1
      )
    }
  }
}
