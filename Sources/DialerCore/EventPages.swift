/// The events matching a query, read lazily in pages: each page is one snapshot, and the next resumes
/// after the last sequence seen. The first page fixes the end of the scan (the query's `throughSeq`, or
/// the head when the scan starts, whichever is lower), so appends made during a scan across pages are not
/// seen and the result is the same as one snapshot would give. Cancelling the task ends the scan with
/// `CancellationError`.
public struct EventPages: AsyncSequence, Sendable {
    public typealias Element = Envelope

    let store: any EventStore
    let query: EventQuery
    let pageSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: store, query: query, pageSize: Swift.max(pageSize, 1), remaining: query.limit ?? .max)
    }

    /// Reads one page ahead of what it hands out.
    public struct Iterator: AsyncIteratorProtocol {
        let store: any EventStore
        /// The range still to read; narrowed page by page, and its end fixed by the first page.
        var query: EventQuery
        let pageSize: Int
        var remaining: Int
        var fixedEnd = false
        var page: [Envelope] = []
        var index = 0

        public mutating func next() async throws -> Envelope? {
            if index == page.count {
                guard remaining > 0, query.afterSeq < query.throughSeq else { return nil }
                try Task.checkCancellation()
                try await readPage()
                guard !page.isEmpty else {
                    remaining = 0
                    return nil
                }
            }
            defer { index += 1 }
            return page[index]
        }

        private mutating func readPage() async throws {
            let pageQuery = EventQuery(
                stream: query.stream, type: query.type, afterSeq: query.afterSeq, throughSeq: query.throughSeq,
                newestFirst: query.newestFirst, limit: Swift.min(pageSize, remaining))
            let fixEnd = !fixedEnd
            let (envelopes, end) = try await store.withSnapshot { snapshot in
                var query = pageQuery
                if fixEnd { query.throughSeq = Swift.min(query.throughSeq, try snapshot.lastSequence()) }
                var envelopes: [Envelope] = []
                try snapshot.scan(query) {
                    envelopes.append($0)
                    return true
                }
                return (envelopes, query.throughSeq)
            }
            query.throughSeq = end
            fixedEnd = true
            page = envelopes
            index = 0
            remaining -= envelopes.count
            if let last = envelopes.last {
                if query.newestFirst { query.throughSeq = last.seq - 1 } else { query.afterSeq = last.seq }
            }
        }
    }
}
