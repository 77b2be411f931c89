import CXone
import ServiceLifecycle

/// The application's CXone client as a service, first in the group so it stops last: it lives until the
/// group shuts down, then closes its connections and lets the tenant go.
struct CXoneLifetime: Service {
    let client: CXoneClient
    let tenant: CXoneTenant

    func run() async throws {
        // Returns on graceful shutdown, throws on cancellation: either way the client is done.
        try? await gracefulShutdown()
        try? await client.shutdown()
        await tenant.stop()
    }
}
