import DialerCore
import PostgresNIO

extension PostgresEventStore {
    /// The channel every append notifies with the new head's sequence.
    static let appendsChannel = "dialer_ledger_appends"

    /// Waits on the watch, which the notifications of every process's appends and the periodic catch-up advance.
    public func waitForAppends(after seq: UInt64) async throws -> UInt64 {
        let head: UInt64
        do {
            head = try await lastSequence()
        } catch  where Task.isCancelled {
            throw CancellationError()  // a read cut short by the cancellation
        }
        await watch.advance(to: head)
        return head > seq ? head : try await watch.wait(after: seq)
    }

    /// Listens for appends on a connection of its own (listening again after a lost connection) and reads
    /// the head every `catchUpInterval` besides, until cancelled.
    func followAppends() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.listenForAppends() }
            group.addTask {
                while (try? await Task.sleep(for: self.catchUpInterval)) != nil { await self.catchUp() }
            }
        }
    }

    private func listenForAppends() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await holding(connection) { connection in
                        try await connection.listen(on: Self.appendsChannel) { notifications in
                            // Appends committed before the LISTEN took effect were not notified here.
                            await catchUp()
                            for try await notification in notifications {
                                if let seq = UInt64(notification.payload) { await watch.advance(to: seq) }
                            }
                        }
                    }
                }
            } catch  where !Task.isCancelled {
                logger.warning(
                    "not listening for appends; the periodic catch-up still reads the head",
                    metadata: ["store": "\(url)", "error": "\(error)"])
            } catch {
                return
            }
            try? await Task.sleep(for: catchUpInterval)
        }
    }

    /// Reads the head and advances the watch; a failure waits for the next catch-up.
    private func catchUp() async {
        do {
            let head = try await withConnection { [logger] connection in
                try await connection.rows("SELECT seq FROM dialer_ledger.head", logger: logger).decodeFirst(Int64.self)
            }
            if let head { await watch.advance(to: UInt64(head)) }
        } catch {
            logger.debug("catch-up read of the head failed", metadata: ["store": "\(url)"])
        }
    }
}
