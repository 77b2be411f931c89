import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// How long and how many connections the server keeps open, so slow or stalled clients cannot hold its
/// file descriptors and memory.
public struct ConnectionLimits: Sendable {
    /// A new connection must have sent its whole first request head by then, else it is closed.
    public var headerTimeout: Duration = .seconds(10)
    /// A connection waiting for its next request, or whose request stops arriving, is closed after this
    /// long without a request part.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections open at once; more wait in the listen backlog until one closes.
    public var maxConnections = 512

    /// The defaults above.
    public init() {}
}

/// Ends connections that should not stay open: one whose first request head is not complete `headerTimeout`
/// after it opened (a client that sends half a header and stops; later requests fall under the idle
/// timeout), and one after a response saying `Connection: close` (a refused body, `CONNECT`), whose output is
/// closed once the response is written, so a client still sending gets the answer and an end of file rather
/// than a reset; the rest of its input is read and dropped until it closes or the idle timeout.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headerTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var headRead = false
    private var closeAfterResponse = false

    init(headerTimeout: Duration) { self.headerTimeout = TimeAmount(headerTimeout) }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            headRead = true
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.headerFields[.connection]?.lowercased() == "close":
            closeAfterResponse = true
            context.write(data, promise: promise)
        case .end where closeAfterResponse:
            context.writeAndFlush(data, promise: promise)
            context.close(mode: .output, promise: nil)
        default:
            context.write(data, promise: promise)
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard deadline == nil, !headRead else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: headerTimeout) { context.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
