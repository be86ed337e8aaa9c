import Synchronization

/// promhttp's metrics about the metrics handler itself, with client_golang's names and help
/// texts, so dashboards and alerts written for Go exporters work unchanged.
///
/// As in promhttp, the counter is pre-initialised for the codes the handler can produce (200,
/// 500, 503) and a scrape is counted once its response is decided, so the exposition a scrape
/// returns does not count that scrape: after N scrapes, the next one reports N.
final class ScrapeHandlerMetrics: MetricsSource {
  static let requestsTotal = "promhttp_metric_handler_requests_total"
  static let requestsInFlight = "promhttp_metric_handler_requests_in_flight"

  /// The status codes counted, in exposition order.
  enum Code: Int, CaseIterable {
    case ok = 200
    case internalServerError = 500
    case serviceUnavailable = 503
  }

  private let okCount = Atomic<Int>(0)
  private let internalServerErrorCount = Atomic<Int>(0)
  private let serviceUnavailableCount = Atomic<Int>(0)
  private let inFlight = Atomic<Int>(0)

  /// A scrape has reached the handler (before the concurrency limit is applied, as promhttp).
  func scrapeStarted() {
    self.inFlight.add(1, ordering: .relaxed)
  }

  /// The scrape's response is decided: count it under `code` and take it out of flight.
  func scrapeFinished(_ code: Code) {
    switch code {
    case .ok: self.okCount.add(1, ordering: .relaxed)
    case .internalServerError: self.internalServerErrorCount.add(1, ordering: .relaxed)
    case .serviceUnavailable: self.serviceUnavailableCount.add(1, ordering: .relaxed)
    }
    self.inFlight.subtract(1, ordering: .relaxed)
  }

  func count(_ code: Code) -> Int {
    switch code {
    case .ok: self.okCount.load(ordering: .relaxed)
    case .internalServerError: self.internalServerErrorCount.load(ordering: .relaxed)
    case .serviceUnavailable: self.serviceUnavailableCount.load(ordering: .relaxed)
    }
  }

  func emit(into buffer: inout [UInt8]) {
    var text = """
      # HELP \(Self.requestsInFlight) Current number of scrapes being served.
      # TYPE \(Self.requestsInFlight) gauge
      \(Self.requestsInFlight) \(self.inFlight.load(ordering: .relaxed))
      # HELP \(Self.requestsTotal) Total number of scrapes by HTTP status code.
      # TYPE \(Self.requestsTotal) counter

      """
    for code in Code.allCases {
      text += "\(Self.requestsTotal){code=\"\(code.rawValue)\"} \(self.count(code))\n"
    }
    buffer.append(contentsOf: text.utf8)
  }
}
