import Foundation

/// Runs Prometheus's `promtool check metrics` on an exposition (Debian's `prometheus` package,
/// which the test command installs).
enum Promtool {
  struct Result {
    var status: Int32
    var output: String
  }

  struct Missing: Error, CustomStringConvertible {
    var description: String {
      "promtool not found: run scripts/test.sh, or apt-get install -y --no-install-recommends prometheus"
    }
  }

  static var path: String? {
    let candidates = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Exit status 0 means clean; 1 a parse error; 3 lint findings.
  static func checkMetrics(
    _ exposition: String,
    timeout: Duration = .seconds(30)
  ) async throws
    -> Result
  {
    guard let path = Self.path else { throw Missing() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["check", "metrics"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    input.fileHandleForWriting.write(Data(exposition.utf8))
    try input.fileHandleForWriting.close()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      if ContinuousClock.now > deadline {
        process.terminate()
        throw HTTPTestClient.Timeout()
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    return Result(
      status: process.terminationStatus,
      output: String(decoding: outputData, as: UTF8.self)
    )
  }
}
