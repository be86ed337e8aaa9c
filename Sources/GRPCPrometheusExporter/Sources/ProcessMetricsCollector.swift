#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The standard process metrics of Prometheus client libraries, with client_golang's names, help
/// texts and types, read afresh at every scrape. On Linux they come from procfs, on macOS from
/// system calls:
///
/// - `process_cpu_seconds_total` (counter): utime + stime of `/proc/self/stat` over
///   `sysconf(_SC_CLK_TCK)`; macOS: `getrusage`.
/// - `process_max_fds` (gauge): the soft "Max open files" of `/proc/self/limits`; macOS:
///   `getrlimit(RLIMIT_NOFILE)`.
/// - `process_open_fds` (gauge): the entries of `/proc/self/fd`; macOS:
///   `proc_pidinfo(PROC_PIDLISTFDS)`.
/// - `process_resident_memory_bytes` (gauge): rss of `stat` times the page size; macOS:
///   `proc_pidinfo(PROC_PIDTASKINFO)`.
/// - `process_start_time_seconds` (gauge): starttime of `stat` over CLK_TCK plus `btime` of
///   `/proc/stat`; macOS: `proc_pidinfo(PROC_PIDTBSDINFO)`.
/// - `process_virtual_memory_bytes` (gauge): vsize of `stat`; macOS: `proc_pidinfo` task info.
/// - `process_virtual_memory_max_bytes` (gauge): the soft "Max address space" of `limits`;
///   macOS: `getrlimit(RLIMIT_AS)`.
///
/// An unlimited limit is reported as 2^64 - 1, as client_golang does. A family whose source cannot
/// be read (a `/proc` without `fd/` access, say) is left out of that scrape rather than failing
/// it. Other platforms report no process metrics. The macOS code is not exercised by this
/// package's tests, which run on Linux.
///
/// Serve it beside your registry:
/// `MetricsExporter(sources: [registry, ProcessMetricsCollector()])`.
public struct ProcessMetricsCollector: MetricsSource {
  /// The procfs mount to read on Linux.
  let procfsPath: String

  /// Reads the current process's metrics from `/proc` (Linux) or system calls (macOS).
  public init() {
    self.procfsPath = "/proc"
  }

  /// Reads the process's metrics from a procfs mounted at `procfsPath` (Linux only), for
  /// containers that mount it elsewhere; `<procfsPath>/self/...` and `<procfsPath>/stat` are read.
  public init(procfsPath: String) {
    self.procfsPath = procfsPath
  }

  /// The values one scrape reports; `nil` for what could not be read.
  struct Sample: Equatable {
    var cpuSeconds: Double?
    var maxFDs: Double?
    var openFDs: Double?
    var residentMemoryBytes: Double?
    var startTimeSeconds: Double?
    var virtualMemoryBytes: Double?
    var virtualMemoryMaxBytes: Double?
  }

  /// Appends the process families.
  public func emit(into buffer: inout [UInt8]) {
    let sample = self.sample()
    var text = ""
    func family(_ name: String, _ type: String, _ help: String, _ value: Double?) {
      guard let value else { return }
      text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(Self.format(value))\n"
    }
    family(
      "process_cpu_seconds_total",
      "counter",
      "Total user and system CPU time spent in seconds.",
      sample.cpuSeconds
    )
    family("process_max_fds", "gauge", "Maximum number of open file descriptors.", sample.maxFDs)
    family("process_open_fds", "gauge", "Number of open file descriptors.", sample.openFDs)
    family(
      "process_resident_memory_bytes",
      "gauge",
      "Resident memory size in bytes.",
      sample.residentMemoryBytes
    )
    family(
      "process_start_time_seconds",
      "gauge",
      "Start time of the process since unix epoch in seconds.",
      sample.startTimeSeconds
    )
    family(
      "process_virtual_memory_bytes",
      "gauge",
      "Virtual memory size in bytes.",
      sample.virtualMemoryBytes
    )
    family(
      "process_virtual_memory_max_bytes",
      "gauge",
      "Maximum amount of virtual memory available in bytes.",
      sample.virtualMemoryMaxBytes
    )
    buffer.append(contentsOf: text.utf8)
  }

  /// Integral values print without a fraction; others as the shortest round-tripping decimal.
  static func format(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e15 {
      return String(Int64(value))
    }
    return value.description
  }

  /// `2^64 - 1`, which client_golang (through procfs) reports for an unlimited limit.
  static let unlimited = Double(UInt64.max)

  #if os(Linux)
  func sample() -> Sample {
    var sample = Sample()
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
    let process = self.procfsPath + "/self"
    if let stat = try? FileContents.string(atPath: process + "/stat"),
      let fields = Self.statFields(stat)
    {
      if let utime = Double(fields[11]), let stime = Double(fields[12]) {
        sample.cpuSeconds = (utime + stime) / ticksPerSecond
      }
      sample.virtualMemoryBytes = Double(fields[20])
      sample.residentMemoryBytes = Double(fields[21]).map { $0 * pageSize }
      if let startTicks = Double(fields[19]),
        let bootTime = self.bootTime()
      {
        sample.startTimeSeconds = bootTime + startTicks / ticksPerSecond
      }
    }
    if let limits = try? FileContents.string(atPath: process + "/limits") {
      sample.maxFDs = Self.softLimit(named: "Max open files", in: limits)
      sample.virtualMemoryMaxBytes = Self.softLimit(named: "Max address space", in: limits)
    }
    sample.openFDs = self.countOpenFDs(in: process + "/fd")
    return sample
  }

  /// The fields of `/proc/<pid>/stat` after the command name, which is in parentheses and may
  /// itself hold spaces and parentheses: index 0 is field 3 (`state`) of proc(5).
  static func statFields(_ stat: String) -> [Substring]? {
    guard let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split { $0 == " " || $0 == "\n" }
    return fields.count >= 22 ? fields : nil
  }

  /// Seconds since the epoch at boot, from the `btime` line of `/proc/stat`.
  private func bootTime() -> Double? {
    guard let stat = try? FileContents.string(atPath: self.procfsPath + "/stat") else {
      return nil
    }
    for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
      return Double(line.dropFirst("btime ".count).trimmingPrefix(" "))
    }
    return nil
  }

  /// The soft column of a `/proc/<pid>/limits` row.
  static func softLimit(named name: String, in limits: String) -> Double? {
    for line in limits.split(separator: "\n") where line.hasPrefix(name) {
      guard let soft = line.dropFirst(name.count).split(separator: " ").first else { return nil }
      return soft == "unlimited" ? Self.unlimited : Double(soft)
    }
    return nil
  }

  /// The entries of the fd directory, less the descriptor this count opens to list it.
  private func countOpenFDs(in directory: String) -> Double? {
    guard let handle = opendir(directory) else { return nil }
    defer { closedir(handle) }
    let ownDescriptor = self.procfsPath == "/proc" ? String(dirfd(handle)) : nil
    var count = 0
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." && name != ownDescriptor {
        count += 1
      }
    }
    return Double(count)
  }
  #elseif os(macOS)
  func sample() -> Sample {
    var sample = Sample()
    var usage = rusage()
    if getrusage(RUSAGE_SELF, &usage) == 0 {
      func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000
      }
      sample.cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
    sample.maxFDs = Self.softLimit(RLIMIT_NOFILE)
    sample.virtualMemoryMaxBytes = Self.softLimit(RLIMIT_AS)
    let pid = getpid()
    var task = proc_taskinfo()
    let taskSize = Int32(MemoryLayout<proc_taskinfo>.size)
    if proc_pidinfo(pid, PROC_PIDTASKINFO, 0, &task, taskSize) == taskSize {
      sample.residentMemoryBytes = Double(task.pti_resident_size)
      sample.virtualMemoryBytes = Double(task.pti_virtual_size)
    }
    var bsd = proc_bsdinfo()
    let bsdSize = Int32(MemoryLayout<proc_bsdinfo>.size)
    if proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bsd, bsdSize) == bsdSize {
      sample.startTimeSeconds = Double(bsd.pbi_start_tvsec) + Double(bsd.pbi_start_tvusec) / 1e6
    }
    // Without a buffer the call returns a size with room to spare; the second call fills it.
    let capacity = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, nil, 0)
    if capacity > 0 {
      let entrySize = MemoryLayout<proc_fdinfo>.stride
      var entries = [proc_fdinfo](repeating: proc_fdinfo(), count: Int(capacity) / entrySize)
      let filled = entries.withUnsafeMutableBytes { buffer in
        proc_pidinfo(pid, PROC_PIDLISTFDS, 0, buffer.baseAddress, Int32(buffer.count))
      }
      if filled >= 0 {
        sample.openFDs = Double(Int(filled) / entrySize)
      }
    }
    return sample
  }

  private static func softLimit(_ resource: Int32) -> Double? {
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return nil }
    // Darwin's RLIM_INFINITY is (1 << 63) - 1, spelled out here as the macro may not import.
    return limit.rlim_cur >= rlim_t(Int64.max) ? Self.unlimited : Double(limit.rlim_cur)
  }
  #else
  func sample() -> Sample {
    Sample()
  }
  #endif
}
