import Foundation
import Synchronization

/// A program the tests run beside themselves (Python peers, Prometheus, promtool), always with a
/// deadline, and always stopped when the test is done.
final class ChildProcess: Sendable {
  /// The repository root, from this file's location.
  static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Support
    .deletingLastPathComponent()  // GRPCPrometheusTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

  /// The venv interpreter the test command sets up.
  static var python: String {
    Self.repositoryRoot.appendingPathComponent(".venv/bin/python").path
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  private let process: Process
  /// Bytes a pipe delivered so far.
  private final class Buffer: Sendable {
    let data = Mutex<Data>(Data())
  }

  private let output = Buffer()
  private let errorOutput = Buffer()

  /// Starts `executable` with `arguments`, collecting its standard output and error.
  init(_ executable: String, _ arguments: [String], currentDirectory: URL? = nil) throws {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw Failure(description: "\(executable) is missing: run scripts/test.sh, which installs it")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = currentDirectory ?? Self.repositoryRoot
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = FileHandle.nullDevice
    self.process = process
    stdout.fileHandleForReading.readabilityHandler = { [output] handle in
      let data = handle.availableData
      output.data.withLock { $0.append(data) }
    }
    stderr.fileHandleForReading.readabilityHandler = { [errorOutput] handle in
      let data = handle.availableData
      errorOutput.data.withLock { $0.append(data) }
    }
    try process.run()
  }

  var standardOutput: String {
    String(decoding: self.output.data.withLock { $0 }, as: UTF8.self)
  }

  var standardError: String {
    String(decoding: self.errorOutput.data.withLock { $0 }, as: UTF8.self)
  }

  var isRunning: Bool { self.process.isRunning }

  var processIdentifier: Int32 { self.process.processIdentifier }

  /// Waits for the process to exit; kills it and fails after `timeout`.
  @discardableResult
  func waitForExit(timeout: Duration) async throws -> Int32 {
    let deadline = ContinuousClock.now + timeout
    while self.process.isRunning {
      if ContinuousClock.now > deadline {
        self.stop()
        throw Failure(
          description:
            "timed out after \(timeout)\nstdout:\n\(self.standardOutput)\nstderr:\n\(self.standardError)"
        )
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    // Let the readability handlers drain what is left in the pipes.
    try await Task.sleep(for: .milliseconds(50))
    return self.process.terminationStatus
  }

  /// Waits until standard output contains a line starting with `prefix`; returns that line.
  func waitForLine(startingWith prefix: String, timeout: Duration) async throws -> String {
    let deadline = ContinuousClock.now + timeout
    while true {
      if let line = self.standardOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }
      ) {
        return String(line)
      }
      if !self.process.isRunning || ContinuousClock.now > deadline {
        self.stop()
        throw Failure(
          description:
            "no line starting with '\(prefix)'\nstdout:\n\(self.standardOutput)\nstderr:\n\(self.standardError)"
        )
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }

  /// Terminates the process if it still runs.
  func stop() {
    if self.process.isRunning {
      self.process.terminate()
    }
  }

  deinit {
    self.stop()
  }
}
