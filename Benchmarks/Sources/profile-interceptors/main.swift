import Dispatch
import EchoFixture
import GRPCCore
import GRPCPrometheus
import InterceptorHarness

// Runs the benchmark harness's loops outside the benchmark tool, for a profiler:
//
//   valgrind --tool=callgrind .build/release/profile-interceptors server histogram unary 20000
//
// Arguments: side (server|client), families (baseline|counters|histogram|all),
// shape (unary|error|receive|send), RPCs (default 100000).

struct Unmeasured: MeasuredRegion {
  func startMeasurement() {}
  func stopMeasurement() {}
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 3 else {
  fatalError(
    "usage: profile-interceptors server|client baseline|counters|histogram|all "
      + "unary|error|receive|send [RPCs]"
  )
}
let side = arguments[arguments.startIndex]
let familiesName = arguments[arguments.startIndex + 1]
let families = Families(rawValue: familiesName)
let reference = ReferenceLevel(rawValue: familiesName)
let shapeName = arguments[arguments.startIndex + 2]
let iterations = arguments.count > 3 ? Int(arguments[arguments.startIndex + 3])! : 100_000

let shape: RPCShape
let descriptor: MethodDescriptor
switch shapeName {
case "unary":
  (shape, descriptor) = (RPCShape(), Echo_V1_Echo.Method.Get.descriptor)
case "error":
  (shape, descriptor) = (RPCShape(fails: true), Echo_V1_Echo.Method.Get.descriptor)
case "receive":
  (shape, descriptor) = (RPCShape(requestMessages: 1_000), Echo_V1_Echo.Method.Collect.descriptor)
case "send":
  (shape, descriptor) = (RPCShape(responseMessages: 1_000), Echo_V1_Echo.Method.Expand.descriptor)
default:
  fatalError("unknown shape \(shapeName)")
}

// The work runs in a detached task while the main thread waits on a semaphore: valgrind 3.19
// crashes on the `sigsuspend` that an async `main` parks the main thread in.
let done = DispatchSemaphore(value: 0)
Task.detached {
  let start = ContinuousClock.now
  if side == "server" {
    await runServerRPCs(
      Unmeasured(),
      interceptor: try reference.map { ReferenceServerInterceptor($0) }
        ?? families?.serverInterceptor(),
      descriptor: descriptor,
      shape: shape,
      iterations: iterations
    )
  } else {
    await runClientRPCs(
      Unmeasured(),
      interceptor: try families?.clientInterceptor(),
      descriptor: descriptor,
      shape: shape,
      iterations: iterations
    )
  }
  let elapsed = start.duration(to: .now)
  print("\(iterations) RPCs in \(elapsed): \(elapsed / iterations) per RPC")
  done.signal()
}
done.wait()
