import Benchmark
import Foundation
import GRPCCore
import GRPCPrometheus
import Prometheus
import Synchronization

// The exposition of a large registry, and recording while it is being written.
//
// The registry is filled by the library itself: a client interceptor given N methods pre-creates
// every series of go-grpc-prometheus's client families for each (started, 17 handled codes,
// messages received and sent = 20 counter series per method; the handling-time histogram adds 11
// buckets, +Inf, _sum and _count = 14 more).

/// A registry holding about `series` series of the client families.
func makeRegistry(series: Int, histogram: Bool) -> PrometheusCollectorRegistry {
  let registry = PrometheusCollectorRegistry()
  let perMethod = histogram ? 34 : 20
  let methods = (0 ..< (series / perMethod)).map {
    MethodDescriptor(fullyQualifiedService: "bench.v1.Service\($0 / 20)", method: "Method\($0)")
  }
  var options = ClientMetricsOptions()
  if histogram {
    options.handlingTimeHistogram = .grpcDefault
  }
  _ = try! ClientMetricsInterceptor(registry: registry, methods: methods, options: options)
  return registry
}

/// Series in an exposition: its lines that are not comments.
func seriesCount(_ registry: PrometheusCollectorRegistry) -> Int {
  registry.emitToString().split(separator: "\n").filter { !$0.hasPrefix("#") }.count
}

/// Emits `registry` on its own thread, over and over, until stopped: a scrape that never ends.
final class EmitLoop: Sendable {
  private let stopped = Atomic<Bool>(false)
  private let done = DispatchSemaphore(value: 0)
  let emits = Atomic<Int>(0)

  init(_ registry: PrometheusCollectorRegistry) {
    let thread = Thread { [self] in
      while !self.stopped.load(ordering: .relaxed) {
        blackHole(registry.emitToBuffer())
        self.emits.add(1, ordering: .relaxed)
      }
      self.done.signal()
    }
    thread.start()
  }

  func stop() {
    self.stopped.store(true, ordering: .relaxed)
    self.done.wait()
  }
}

/// What one RPC records on its hot path: two counters and a histogram observation.
struct Recording: Sendable {
  let started: Counter
  let handled: Counter
  let histogram: ValueHistogram

  init(_ registry: PrometheusCollectorRegistry, thread: Int) {
    let labels = [("thread", String(thread))]
    self.started = registry.makeCounter(
      descriptor: MetricNameDescriptor(
        metricName: "bench_started",
        unitName: "total",
        helpText: ""
      ),
      labels: labels
    )
    self.handled = registry.makeCounter(
      descriptor: MetricNameDescriptor(
        metricName: "bench_handled",
        unitName: "total",
        helpText: ""
      ),
      labels: labels
    )
    self.histogram = registry.makeValueHistogram(
      descriptor: MetricNameDescriptor(
        metricName: "bench_handling",
        unitName: "seconds",
        helpText: ""
      ),
      labels: labels,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    )
  }

  func record(_ value: Double) {
    self.started.increment()
    self.handled.increment()
    self.histogram.record(value)
  }
}

let recordBatch = 100

/// Records `count` times on each of `threads` threads; returns the slowest batch of `recordBatch`
/// records seen on any of them, in nanoseconds.
func record(on threads: Int, _ recordings: [Recording], count: Int) -> Int {
  let slowest = Atomic<Int>(0)
  DispatchQueue.concurrentPerform(iterations: threads) { index in
    let recording = recordings[index]
    var worst = 0
    var done = 0
    while done < count {
      let start = DispatchTime.now().uptimeNanoseconds
      for _ in 0 ..< recordBatch {
        recording.record(0.003)
      }
      let elapsed = Int(DispatchTime.now().uptimeNanoseconds - start)
      worst = max(worst, elapsed)
      done += recordBatch
    }
    slowest.max(worst, ordering: .relaxed)
  }
  return slowest.load(ordering: .relaxed)
}

let benchmarks: @Sendable () -> Void = {
  let emitConfiguration = Benchmark.Configuration(
    metrics: [.wallClock, .mallocCountTotal],
    timeUnits: .microseconds,
    warmupIterations: 3,
    maxDuration: .seconds(3),
    maxIterations: 1_000
  )
  for histogram in [false, true] {
    let registry = makeRegistry(series: 10_000, histogram: histogram)
    let series = seriesCount(registry)
    let kind = histogram ? "counters and histograms" : "counters"
    Benchmark("emit \(series) series (\(kind))", configuration: emitConfiguration) { _ in
      blackHole(registry.emitToBuffer())
    }
  }

  // Recording from two threads, alone and while another thread emits the registry non-stop. On a
  // 2-core machine the emitting thread takes a core from the recorders, so the same is measured
  // with one recording thread too: there the difference is only what emitting does to recording.
  let recordConfiguration = Benchmark.Configuration(
    metrics: [.wallClock, .custom("slowest 100 records (ns)", useScalingFactor: false)],
    timeUnits: .nanoseconds,
    warmupIterations: 3,
    scalingFactor: .mega,
    maxDuration: .seconds(3),
    maxIterations: 10_000
  )
  let registry = makeRegistry(series: 10_000, histogram: true)
  let recordings = [Recording(registry, thread: 0), Recording(registry, thread: 1)]
  for threads in [2, 1] {
    for scraping in [false, true] {
      let name =
        "record on \(threads) thread\(threads == 1 ? "" : "s"): "
        + (scraping ? "while emitting" : "idle")
      Benchmark(name, configuration: recordConfiguration) { benchmark in
        let loop = scraping ? EmitLoop(registry) : nil
        benchmark.startMeasurement()
        let slowest = record(on: threads, recordings, count: benchmark.scaledIterations.count)
        benchmark.stopMeasurement()
        loop?.stop()
        benchmark.measurement(.custom("slowest 100 records (ns)", useScalingFactor: false), slowest)
      }
    }
  }
}
