import GRPCCore
import Testing

@testable import GRPCPrometheus

@Suite("Label spelling")
struct LabelSpellingTests {
  @Test(
    "Codes are spelled as Go's codes.Code.String() and Python's grpc.StatusCode names",
    arguments: [
      (Status.Code.ok, "OK", "OK"),
      (.cancelled, "Canceled", "CANCELLED"),
      (.unknown, "Unknown", "UNKNOWN"),
      (.invalidArgument, "InvalidArgument", "INVALID_ARGUMENT"),
      (.deadlineExceeded, "DeadlineExceeded", "DEADLINE_EXCEEDED"),
      (.notFound, "NotFound", "NOT_FOUND"),
      (.alreadyExists, "AlreadyExists", "ALREADY_EXISTS"),
      (.permissionDenied, "PermissionDenied", "PERMISSION_DENIED"),
      (.resourceExhausted, "ResourceExhausted", "RESOURCE_EXHAUSTED"),
      (.failedPrecondition, "FailedPrecondition", "FAILED_PRECONDITION"),
      (.aborted, "Aborted", "ABORTED"),
      (.outOfRange, "OutOfRange", "OUT_OF_RANGE"),
      (.unimplemented, "Unimplemented", "UNIMPLEMENTED"),
      (.internalError, "Internal", "INTERNAL"),
      (.unavailable, "Unavailable", "UNAVAILABLE"),
      (.dataLoss, "DataLoss", "DATA_LOSS"),
      (.unauthenticated, "Unauthenticated", "UNAUTHENTICATED"),
    ]
  )
  func codeSpelling(code: Status.Code, go: String, python: String) {
    #expect(LabelSpelling.go.codeLabel(code) == go)
    #expect(LabelSpelling.python.codeLabel(code) == python)
  }

  @Test(
    "RPC kinds are spelled as each peer does",
    arguments: [
      (MethodDescriptor.RPCType?.some(.unary), "unary", "UNARY"),
      (.clientStreaming, "client_stream", "CLIENT_STREAMING"),
      (.serverStreaming, "server_stream", "SERVER_STREAMING"),
      (.bidirectionalStreaming, "bidi_stream", "BIDI_STREAMING"),
      (nil, "unknown", "UNKNOWN"),
    ]
  )
  func typeSpelling(type: MethodDescriptor.RPCType?, go: String, python: String) {
    #expect(LabelSpelling.go.typeLabel(type) == go)
    #expect(LabelSpelling.python.typeLabel(type) == python)
  }
}

@Suite("grpc-timeout")
struct GRPCTimeoutTests {
  @Test(
    "Valid headers parse in every unit",
    arguments: [
      ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("30S", .seconds(30)),
      ("49m", .milliseconds(49)), ("30100m", .milliseconds(30100)), ("250u", .microseconds(250)),
      ("99999999n", .nanoseconds(99_999_999)),
    ]
  )
  func parsesUnits(header: String, expected: Duration) {
    #expect(GRPCTimeout.parse(header) == expected)
  }

  @Test(
    "Malformed headers are ignored",
    arguments: ["", "m", "10", "10x", "-5m", "123456789m", "1.5S"]
  )
  func rejectsMalformed(header: String) {
    #expect(GRPCTimeout.parse(header) == nil)
  }

  @Test("A cancel counts as a deadline from timeout − max(20 ms, 10 %) on")
  func deadlineMargin() {
    #expect(GRPCTimeout.isDeadline(elapsed: .milliseconds(31), timeout: .milliseconds(50)))
    #expect(!GRPCTimeout.isDeadline(elapsed: .milliseconds(29), timeout: .milliseconds(50)))
    #expect(GRPCTimeout.isDeadline(elapsed: .milliseconds(27_001), timeout: .seconds(30)))
    #expect(!GRPCTimeout.isDeadline(elapsed: .milliseconds(26_900), timeout: .seconds(30)))
    #expect(!GRPCTimeout.isDeadline(elapsed: .seconds(100), timeout: nil))
  }
}

@Suite("Histogram buckets")
struct HistogramBucketsTests {
  @Test("min 0.1, max 5, factor 2 gives BentoML's 0.1 … 3.2, 5")
  func exponentialMatchesBentoML() throws {
    let buckets = try HistogramBuckets.exponential(min: 0.1, max: 5, factor: 2)
    #expect(buckets.upperBounds == [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5])
  }

  @Test("Generated buckets stop at 100 bounds, the last being max")
  func exponentialIsCapped() throws {
    let buckets = try HistogramBuckets.exponential(min: 1e-9, max: 1e9, factor: 1.01)
    #expect(buckets.upperBounds.count == 100)
    #expect(buckets.upperBounds.last == 1e9)
  }

  @Test(
    "Invalid exponential configurations name the field",
    arguments: [
      (0.0, 5.0, 2.0, "min", "min: must be greater than 0, got 0.0"),
      (-1, 5, 2, "min", "min: must be greater than 0, got -1.0"),
      (1, 1, 2, "max", "max: must be greater than min (1.0), got 1.0"),
      (1, 0.5, 2, "max", "max: must be greater than min (1.0), got 0.5"),
      (0.1, 5, 1, "factor", "factor: must be greater than 1, got 1.0"),
      (0.1, 5, 0.5, "factor", "factor: must be greater than 1, got 0.5"),
    ] as [(Double, Double, Double, String, String)]
  )
  func invalidExponential(min: Double, max: Double, factor: Double, field: String, message: String)
  {
    let error = #expect(throws: MetricsConfigurationError.self) {
      try HistogramBuckets.exponential(min: min, max: max, factor: factor)
    }
    #expect(error?.field == field)
    #expect(error?.description == "invalid metrics configuration: \(message)")
  }

  @Test(
    "Invalid lists are rejected with the reason",
    arguments: [
      ([], "buckets: the list is empty"),
      (
        [0.1, 0.5, 0.2], "buckets: bound 0.2 follows 0.5; bounds must be sorted in increasing order"
      ),
      ([0.1, 0.1], "buckets: bound 0.1 appears twice; bounds must be strictly increasing"),
      ([0.1, .infinity], "buckets: bound inf at index 1 is not finite (+Inf is added implicitly)"),
    ] as [([Double], String)]
  )
  func invalidLists(bounds: [Double], message: String) {
    let error = #expect(throws: MetricsConfigurationError.self) { try HistogramBuckets(bounds) }
    #expect(error?.description == "invalid metrics configuration: \(message)")
  }

  @Test("go-grpc-prometheus default buckets")
  func grpcDefault() {
    #expect(
      HistogramBuckets.grpcDefault.upperBounds == [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
      ]
    )
  }
}
