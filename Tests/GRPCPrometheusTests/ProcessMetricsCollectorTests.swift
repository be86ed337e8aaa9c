import Foundation
import Testing

@testable import GRPCPrometheusExporter

@Suite("Process metrics collector")
struct ProcessMetricsCollectorTests {
  /// Writes a procfs look-alike with known contents.
  static func fakeProcfs(openFiles: Int) throws -> String {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("fake-proc-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(
      atPath: root + "/self/fd",
      withIntermediateDirectories: true
    )
    for index in 0 ..< openFiles {
      _ = FileManager.default.createFile(atPath: root + "/self/fd/\(index)", contents: nil)
    }
    // pid (comm with spaces and parentheses) state ... utime=250 stime=150 ... starttime=12345
    // vsize=1000000 rss=256
    let fields = (3 ... 52).map { field -> String in
      switch field {
      case 3: "S"
      case 14: "250"
      case 15: "150"
      case 22: "12345"
      case 23: "1000000"
      case 24: "256"
      default: "0"
      }
    }
    try ("42 (my (odd) app) " + fields.joined(separator: " ") + "\n")
      .write(toFile: root + "/self/stat", atomically: true, encoding: .utf8)
    try """
    Limit                     Soft Limit           Hard Limit           Units
    Max cpu time              unlimited            unlimited            seconds
    Max open files            1024                 524288               files
    Max address space         unlimited            unlimited            bytes

    """.write(toFile: root + "/self/limits", atomically: true, encoding: .utf8)
    try "cpu  1 2 3 4\nbtime 1700000000\nprocesses 10\n"
      .write(toFile: root + "/stat", atomically: true, encoding: .utf8)
    return root
  }

  #if os(Linux)
  @Test("Values from a known procfs are exact")
  func fakeProcfsValues() throws {
    let root = try Self.fakeProcfs(openFiles: 7)
    defer { try? FileManager.default.removeItem(atPath: root) }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    let page = Double(sysconf(Int32(_SC_PAGESIZE)))
    let sample = ProcessMetricsCollector(procfsPath: root).sample()
    #expect(sample.cpuSeconds == 400 / ticks)
    #expect(sample.openFDs == 7)
    #expect(sample.maxFDs == 1024)
    #expect(sample.virtualMemoryMaxBytes == Double(UInt64.max))
    #expect(sample.virtualMemoryBytes == 1_000_000)
    #expect(sample.residentMemoryBytes == 256 * page)
    #expect(sample.startTimeSeconds == 1_700_000_000 + 12345 / ticks)
  }

  @Test("The exposition has client_golang's names, help, types and order")
  func fakeProcfsExposition() throws {
    let root = try Self.fakeProcfs(openFiles: 3)
    defer { try? FileManager.default.removeItem(atPath: root) }
    var buffer: [UInt8] = []
    ProcessMetricsCollector(procfsPath: root).emit(into: &buffer)
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let cpu = ProcessMetricsCollector.format(400 / ticks)
    let start = ProcessMetricsCollector.format(1_700_000_000 + 12345 / ticks)
    #expect(
      String(decoding: buffer, as: UTF8.self) == """
        # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total \(cpu)
        # HELP process_max_fds Maximum number of open file descriptors.
        # TYPE process_max_fds gauge
        process_max_fds 1024
        # HELP process_open_fds Number of open file descriptors.
        # TYPE process_open_fds gauge
        process_open_fds 3
        # HELP process_resident_memory_bytes Resident memory size in bytes.
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes \(256 * page)
        # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
        # TYPE process_start_time_seconds gauge
        process_start_time_seconds \(start)
        # HELP process_virtual_memory_bytes Virtual memory size in bytes.
        # TYPE process_virtual_memory_bytes gauge
        process_virtual_memory_bytes 1000000
        # HELP process_virtual_memory_max_bytes Maximum amount of virtual memory available in bytes.
        # TYPE process_virtual_memory_max_bytes gauge
        process_virtual_memory_max_bytes 1.8446744073709552e+19

        """
    )
  }

  @Test("Unreadable sources leave their families out")
  func missingProcfs() {
    var buffer: [UInt8] = []
    ProcessMetricsCollector(procfsPath: "/nonexistent").emit(into: &buffer)
    #expect(buffer.isEmpty)
  }

  @Test("The live process: start time, memory, descriptors and CPU are plausible")
  func liveProcess() async throws {
    let collector = ProcessMetricsCollector()
    let first = collector.sample()

    // The start time agrees with ps(1)'s elapsed time for this process.
    let elapsed = try await Self.elapsedSecondsFromPS()
    let expectedStart = Date().timeIntervalSince1970 - elapsed
    let start = try #require(first.startTimeSeconds)
    #expect(abs(start - expectedStart) < 60)
    #expect(start <= Date().timeIntervalSince1970)

    #expect(try #require(first.residentMemoryBytes) > 0)
    #expect(try #require(first.virtualMemoryBytes) >= first.residentMemoryBytes!)
    #expect(try #require(first.maxFDs) > 0)
    #expect(try #require(first.virtualMemoryMaxBytes) > 0)
    let openBefore = try #require(first.openFDs)
    #expect(openBefore > 0)

    // Opening 100 files shows up (other tests open and close sockets meanwhile, hence a margin).
    let descriptors = (0 ..< 100).map { _ in open("/dev/null", O_RDONLY) }
    let openDuring = try #require(collector.sample().openFDs)
    for descriptor in descriptors {
      close(descriptor)
    }
    #expect(descriptors.allSatisfy { $0 >= 0 })
    #expect(openDuring - openBefore >= 50)

    // A quarter second of busy work adds CPU time (at least a fifth of it, even with other
    // tests competing for the two cores).
    let cpuBefore = try #require(collector.sample().cpuSeconds)
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(250)
    var spin: UInt64 = 0
    while clock.now < deadline {
      spin &+= 1
    }
    let cpuAfter = try #require(collector.sample().cpuSeconds)
    #expect(spin > 0)
    #expect(cpuAfter - cpuBefore >= 0.05)
  }

  /// Seconds since this process started, as `ps -o etimes=` reports.
  static func elapsedSecondsFromPS() async throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ps")
    process.arguments = ["-o", "etimes=", "-p", String(getpid())]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let deadline = ContinuousClock.now + .seconds(10)
    while process.isRunning {
      guard ContinuousClock.now < deadline else {
        process.terminate()
        throw HTTPTestClient.Timeout()
      }
      try await Task.sleep(for: .milliseconds(10))
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return try #require(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
  }
  #endif

  @Test("Number formatting: integers without a fraction, large values in exponent form")
  func formatting() {
    #expect(ProcessMetricsCollector.format(42) == "42")
    #expect(ProcessMetricsCollector.format(0.25) == "0.25")
    #expect(ProcessMetricsCollector.format(1_700_000_123.45) == "1700000123.45")
    #expect(ProcessMetricsCollector.format(Double(UInt64.max)) == "1.8446744073709552e+19")
  }
}
