import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and collects its rows; the future always completes. postgres-nio 1.33 drops a query
    /// written to a connection whose pipeline the server's close has already torn down: its caller would
    /// wait forever (seen when a restart ends a session between two statements of a transaction). Checked
    /// and written on the connection's event loop, a query either reaches the connection's handler, which
    /// fails it if the connection closes later, or fails at once as `ConnectionClosedError`.
    public func rowsFuture(_ query: PostgresQuery, logger: Logger) -> EventLoopFuture<PostgresQueryResult> {
        eventLoop.flatSubmit {
            guard !self.isClosed else { return self.eventLoop.makeFailedFuture(ConnectionClosedError()) }
            return self.query(query, logger: logger)
        }
    }

    /// `rowsFuture(_:logger:)` awaited.
    @discardableResult
    public func rows(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await rowsFuture(query, logger: logger).get()
    }
}

extension PostgresQueryResult {
    /// The first row decoded as `type`, or nil when there is none.
    func decodeFirst<each Column: PostgresDecodable>(_ type: (repeat each Column).Type) throws
        -> (repeat each Column)?
    {
        guard let row = first else { return nil }
        return try row.decode((repeat each Column).self)
    }
}

/// A query not sent because its connection had already closed (the server ended the session).
public struct ConnectionClosedError: Error {}
