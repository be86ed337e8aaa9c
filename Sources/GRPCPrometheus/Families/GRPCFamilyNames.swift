/// Names and help texts of the go-grpc-prometheus families for one side of an RPC, byte-identical
/// to go-grpc-prometheus 1.2 (and py-grpc-prometheus's legacy names where asked for).
struct GRPCFamilyNames: Sendable {
  struct Family: Sendable {
    var name: String
    var help: String
  }

  var started: Family
  var handled: Family
  var received: Family
  var sent: Family
  var handlingTime: Family
  var messageReceiveTime: Family?
  var messageSendTime: Family?
  /// `grpc_code`, or py-grpc-prometheus's legacy `code`.
  var codeLabelName: String

  static func server(legacy: Bool) -> GRPCFamilyNames {
    GRPCFamilyNames(
      started: Family(
        name: "grpc_server_started_total",
        help: "Total number of RPCs started on the server."
      ),
      handled: Family(
        name: "grpc_server_handled_total",
        help: "Total number of RPCs completed on the server, regardless of success or failure."
      ),
      received: Family(
        name: "grpc_server_msg_received_total",
        help: "Total number of RPC stream messages received on the server."
      ),
      sent: Family(
        name: "grpc_server_msg_sent_total",
        help: "Total number of gRPC stream messages sent by the server."
      ),
      handlingTime: legacy
        ? Family(
          name: "grpc_server_handled_latency_seconds",
          help: "Histogram of response latency (seconds) of gRPC that had been application-level "
            + "handled by the server"
        )
        : Family(
          name: "grpc_server_handling_seconds",
          help: "Histogram of response latency (seconds) of gRPC that had been application-level "
            + "handled by the server."
        ),
      messageReceiveTime: nil,
      messageSendTime: nil,
      codeLabelName: legacy ? "code" : "grpc_code"
    )
  }

  static func client(legacy: Bool) -> GRPCFamilyNames {
    GRPCFamilyNames(
      started: Family(
        name: "grpc_client_started_total",
        help: "Total number of RPCs started on the client."
      ),
      handled: legacy
        ? Family(
          name: "grpc_client_completed_total",
          help: "Total number of RPCs completed on the client, regardless of success or failure."
        )
        : Family(
          name: "grpc_client_handled_total",
          help: "Total number of RPCs completed by the client, regardless of success or failure."
        ),
      received: Family(
        name: "grpc_client_msg_received_total",
        help: "Total number of RPC stream messages received by the client."
      ),
      sent: Family(
        name: "grpc_client_msg_sent_total",
        help: "Total number of gRPC stream messages sent by the client."
      ),
      handlingTime: legacy
        ? Family(
          name: "grpc_client_completed_latency_seconds",
          help: "Histogram of rpc response latency (in seconds) for completed rpcs."
        )
        : Family(
          name: "grpc_client_handling_seconds",
          help: "Histogram of response latency (seconds) of the gRPC until it is finished by the "
            + "application."
        ),
      messageReceiveTime: Family(
        name: "grpc_client_msg_recv_handling_seconds",
        help: "Histogram of response latency (seconds) of the gRPC single message receive."
      ),
      messageSendTime: Family(
        name: "grpc_client_msg_send_handling_seconds",
        help: "Histogram of response latency (seconds) of the gRPC single message send."
      ),
      codeLabelName: legacy ? "code" : "grpc_code"
    )
  }
}
