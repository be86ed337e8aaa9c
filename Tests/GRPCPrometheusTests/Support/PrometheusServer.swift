import Foundation
import NIOCore
import NIOPosix

/// A real Prometheus (Debian's package) on 127.0.0.1, scraping the given targets every second,
/// with the repository's rule files loaded; stopped and its storage removed afterwards.
final class PrometheusServer: Sendable {
  let port: Int
  private let process: ChildProcess
  private let directory: URL

  struct QueryError: Error, CustomStringConvertible {
    var description: String
  }

  init(jobs: [String: Int]) async throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("prometheus-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let rules = ChildProcess.repositoryRoot.appendingPathComponent("rules").path
    var config = """
      global:
        scrape_interval: 1s
        scrape_timeout: 1s
        evaluation_interval: 1s
      rule_files:
        - \(rules)/*.rules.yml
      scrape_configs:

      """
    for (job, port) in jobs.sorted(by: { $0.key < $1.key }) {
      config += """
          - job_name: \(job)
            static_configs:
              - targets: ["127.0.0.1:\(port)"]

        """
    }
    let configFile = directory.appendingPathComponent("prometheus.yml")
    try config.write(to: configFile, atomically: true, encoding: .utf8)
    let port = try await EchoTestEnvironment.freePort()
    self.port = port
    self.directory = directory
    self.process = try ChildProcess(
      "/usr/bin/prometheus",
      [
        "--config.file=\(configFile.path)",
        "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
        "--web.listen-address=127.0.0.1:\(port)",
      ]
    )
  }

  func stop() {
    self.process.stop()
    try? FileManager.default.removeItem(at: self.directory)
  }

  deinit {
    self.stop()
  }

  /// GETs an API path and decodes its JSON `data`, failing on a non-success status.
  func api(_ pathAndQuery: String) async throws -> Any {
    let response = try await HTTPTestClient.request(port: self.port, path: pathAndQuery)
    let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
    guard let json, json["status"] as? String == "success" else {
      throw QueryError(description: "\(pathAndQuery) → \(response.status): \(response.body)")
    }
    return json["data"] as Any
  }

  /// Evaluates an instant PromQL query; returns each series' labels and value.
  func query(_ promql: String) async throws -> [(labels: [String: String], value: Double)] {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let encoded = promql.addingPercentEncoding(withAllowedCharacters: allowed)!
    let data = try await self.api("/api/v1/query?query=\(encoded)") as? [String: Any]
    guard let results = data?["result"] as? [[String: Any]] else {
      if data?["resultType"] as? String == "scalar", let scalar = data?["result"] as? [Any],
        let text = scalar.last as? String
      {
        return [([:], Double(text) ?? .nan)]
      }
      throw QueryError(description: "unexpected result for \(promql): \(String(describing: data))")
    }
    return results.map { result in
      let labels = result["metric"] as? [String: String] ?? [:]
      let value = (result["value"] as? [Any])?.last as? String
      return (labels, value.flatMap { Double($0) } ?? .nan)
    }
  }

  /// Waits until every target is up and each has been scraped at or after `instant`.
  func waitForScrapes(after instant: Date, timeout: Duration = .seconds(30)) async throws {
    let deadline = ContinuousClock.now + timeout
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    while ContinuousClock.now < deadline {
      if let data = try? await self.api("/api/v1/targets") as? [String: Any],
        let targets = data["activeTargets"] as? [[String: Any]], !targets.isEmpty
      {
        let fresh = targets.allSatisfy { target in
          guard target["health"] as? String == "up", let last = target["lastScrape"] as? String,
            let date = formatter.date(from: last)
          else { return false }
          return date >= instant
        }
        if fresh { return }
      }
      try await Task.sleep(for: .milliseconds(200))
    }
    throw QueryError(description: "targets not scraped after \(instant) within \(timeout)")
  }
}
