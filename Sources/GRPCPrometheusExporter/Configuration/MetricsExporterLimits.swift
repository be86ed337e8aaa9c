/// Bounds on what clients can make the exporter do, so that a misbehaving or hostile client (or
/// many Prometheus servers at once) cannot exhaust memory, file descriptors or CPU.
///
/// The defaults suit a metrics endpoint scraped by a few Prometheus servers every 10–60 s.
public struct MetricsExporterLimits: Sendable, Hashable {
  /// Scrapes rendered at the same time; further ones answer `503 Service Unavailable` at once, as
  /// promhttp's `MaxRequestsInFlight`. Rendering is the expensive part of a scrape, so this caps
  /// the CPU and memory scrapes can take. `0` or less: no limit. Default: `10`.
  public var maximumConcurrentScrapes: Int
  /// Open connections. A connection beyond the limit is still accepted, and the connection that
  /// has been idle longest is closed to make room (one in the middle of a scrape is closed only
  /// after its response), so clients holding idle connections cannot lock Prometheus out. `0` or
  /// less: no limit. Default: `256`.
  public var maximumConnections: Int
  /// Bytes of a request's URL and header fields together, and of any single field; a larger
  /// request answers `431 Request Header Fields Too Large` and its connection closes.
  /// Default: `16384`.
  public var maximumRequestHeaderBytes: Int
  /// Header fields in a request; more answer `431`. Default: `100`.
  public var maximumRequestHeaderFields: Int
  /// Bytes of a request body (a scrape has none); more answer `413 Content Too Large` and the
  /// connection closes. Default: `65536`.
  public var maximumRequestBodyBytes: Int
  /// How long a connection may stay silent while no response is being prepared for it (before
  /// the TLS handshake, before a request, or between keep-alive requests) before the exporter
  /// closes it; also how long a response being sent may make no progress (a client that stops
  /// reading). Longer than Prometheus's usual scrape intervals so keep-alive connections are
  /// reused. Default: 120 seconds.
  public var idleTimeout: Duration
  /// How long a client has, from the first byte of a request (or of the TLS handshake), to finish
  /// sending it; a client that trickles bytes ("slowloris") is disconnected after this even
  /// though it never goes idle. Default: 10 seconds.
  public var requestTimeout: Duration

  /// Limits with the documented defaults, overridable per argument.
  public init(
    maximumConcurrentScrapes: Int = 10,
    maximumConnections: Int = 256,
    maximumRequestHeaderBytes: Int = 16384,
    maximumRequestHeaderFields: Int = 100,
    maximumRequestBodyBytes: Int = 65536,
    idleTimeout: Duration = .seconds(120),
    requestTimeout: Duration = .seconds(10)
  ) {
    self.maximumConcurrentScrapes = maximumConcurrentScrapes
    self.maximumConnections = maximumConnections
    self.maximumRequestHeaderBytes = maximumRequestHeaderBytes
    self.maximumRequestHeaderFields = maximumRequestHeaderFields
    self.maximumRequestBodyBytes = maximumRequestBodyBytes
    self.idleTimeout = idleTimeout
    self.requestTimeout = requestTimeout
  }
}
