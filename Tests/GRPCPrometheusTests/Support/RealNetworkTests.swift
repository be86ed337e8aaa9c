import Testing

/// Every suite that runs real servers, peers and clocks: serialized as a whole, because deadline
/// classification compares the server's elapsed time with the client's timeout, and a 2-core
/// machine running several of these at once skews both clocks by tens of milliseconds.
@Suite("Over real sockets", .serialized)
enum RealNetworkTests {}
