#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An LMDB data file checked with `pread` before it is mapped, so a truncated or damaged file is refused
/// instead of faulting inside the map. Offsets are those of `MDB_page` and `MDB_meta` in liblmdb's
/// `mdb.c` (64-bit builds: 8-byte page numbers and txnids, 16-byte page header).
struct LMDBDataFile {
    /// Why a data file cannot be opened.
    enum Refusal: Error, Equatable {
        /// Not an LMDB file at all.
        case notLMDB(String)
        /// An LMDB file that is cut short or damaged.
        case damaged(String)
    }

    /// The fields of one meta page that opening relies on.
    struct Meta {
        let pageSize: Int
        let freeRoot: UInt64
        let mainRoot: UInt64
        let lastPage: UInt64
        let txnid: UInt64
    }

    static let magic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    static let headerSize = 16
    static let noPage = UInt64.max
    private static let metaFlag: UInt16 = 0x08
    private static let metaEnd = headerSize + 136

    private let fd: Int32
    /// The file's size in bytes.
    let size: Int

    /// Checks the file at `path`: both meta pages whole and valid, and every page the newest one counts
    /// as used present in the file (LMDB may leave pages it lists as free unwritten at the end).
    static func check(path: String) throws(Refusal) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notLMDB("data.mdb cannot be read") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .notLMDB("data.mdb cannot be read") }
        try LMDBDataFile(fd: fd, size: Int(status.st_size)).check()
    }

    private func check() throws(Refusal) {
        guard size >= Self.metaEnd, let first = readBytes(at: 0, count: Self.metaEnd),
            u32(first, Self.headerSize) == Self.magic
        else { throw .notLMDB("data.mdb is not an LMDB file") }
        let pageSize = Int(u32(first, Self.headerSize + 24))
        guard (512...65_536).contains(pageSize), pageSize & (pageSize - 1) == 0 else {
            throw .damaged("meta page 0 gives an impossible page size \(pageSize)")
        }
        guard size >= 2 * pageSize else {
            throw .damaged("data.mdb is \(size) bytes, shorter than its two meta pages (\(2 * pageSize) bytes)")
        }
        let metas = [try meta(0, first, pageSize: pageSize), try meta(1, nil, pageSize: pageSize)]
        let newest = metas[0].txnid > metas[1].txnid ? metas[0] : metas[1]
        let whole = UInt64(size / pageSize)
        for (name, root) in [("free-page", newest.freeRoot), ("main", newest.mainRoot)] where root != Self.noPage {
            guard root >= 2, root <= newest.lastPage else {
                throw .damaged("txn \(newest.txnid) puts the \(name) tree's root at page \(root), past its last page")
            }
            guard root < whole else { throw cutShort(newest) }
        }
        guard newest.lastPage >= whole else { return }
        // The tail LMDB never wrote must be pages the free-page tree lists.
        var free = Set<UInt64>()
        try collectFreePages(newest, into: &free)
        for page in whole...newest.lastPage where !free.contains(page) { throw cutShort(newest) }
    }

    private func cutShort(_ meta: Meta) -> Refusal {
        let needed = (meta.lastPage + 1) * UInt64(meta.pageSize)
        return .damaged(
            "data.mdb is \(size) bytes but its newest transaction (\(meta.txnid)) uses pages up to "
                + "\(meta.lastPage) (\(needed) bytes): the file was cut short")
    }

    private func meta(_ index: Int, _ read: [UInt8]?, pageSize: Int) throws(Refusal) -> Meta {
        guard let page = read ?? readBytes(at: index * pageSize, count: Self.metaEnd) else {
            throw .damaged("meta page \(index) cannot be read")
        }
        guard u16(page, 10) & Self.metaFlag != 0, u32(page, Self.headerSize) == Self.magic else {
            throw .damaged("meta page \(index) is not a meta page")
        }
        guard u32(page, Self.headerSize + 4) == Self.dataVersion else {
            throw .damaged("meta page \(index) has LMDB data version \(u32(page, Self.headerSize + 4))")
        }
        guard Int(u32(page, Self.headerSize + 24)) == pageSize else {
            throw .damaged("the meta pages disagree on the page size")
        }
        let meta = Meta(
            pageSize: pageSize, freeRoot: u64(page, Self.headerSize + 64), mainRoot: u64(page, Self.headerSize + 112),
            lastPage: u64(page, Self.headerSize + 120), txnid: u64(page, Self.headerSize + 128))
        guard meta.lastPage >= 1, meta.lastPage < UInt64(Int.max / pageSize) else {
            throw .damaged("meta page \(index) gives an impossible last page \(meta.lastPage)")
        }
        return meta
    }

    /// Adds every page number the free-page tree of `meta` lists (its values are `count, pgno…`).
    private func collectFreePages(_ meta: Meta, into free: inout Set<UInt64>) throws(Refusal) {
        guard meta.freeRoot != Self.noPage else { return }
        var pending = [(page: meta.freeRoot, depth: 1)]
        var seen = Set<UInt64>()
        while let (number, depth) = pending.popLast() {
            guard depth <= 32, seen.insert(number).inserted else { throw damagedFreeTree(number) }
            let page = try readPage(number, meta)
            let flags = u16(page, 10)
            for node in try nodes(of: page, number) {
                if flags & 0x01 != 0 {
                    let child =
                        UInt64(u16(page, node)) | UInt64(u16(page, node + 2)) << 16
                        | UInt64(u16(page, node + 4)) << 32
                    pending.append((child, depth + 1))
                    continue
                }
                guard flags & 0x02 != 0 else { throw damagedFreeTree(number) }
                let list = try value(of: node, in: page, number, meta)
                guard list.count >= 8, Int(u64(list, 0)) == list.count / 8 - 1 else { throw damagedFreeTree(number) }
                for index in 1..<(list.count / 8) { free.insert(u64(list, index * 8)) }
            }
        }
    }

    /// The page-relative offsets of a branch or leaf page's nodes, each header and key inside the page.
    private func nodes(of page: [UInt8], _ number: UInt64) throws(Refusal) -> [Int] {
        let lower = Int(u16(page, 12))
        guard lower >= Self.headerSize, lower <= page.count, (lower - Self.headerSize) % 2 == 0 else {
            throw damagedFreeTree(number)
        }
        var offsets: [Int] = []
        for index in 0..<(lower - Self.headerSize) / 2 {
            let offset = Int(u16(page, Self.headerSize + 2 * index))
            guard offset >= lower, offset + 8 <= page.count, offset + 8 + Int(u16(page, offset + 6)) <= page.count
            else { throw damagedFreeTree(number) }
            offsets.append(offset)
        }
        return offsets
    }

    /// A leaf node's value: inside the page, or on the overflow pages it names.
    private func value(of node: Int, in page: [UInt8], _ number: UInt64, _ meta: Meta) throws(Refusal) -> [UInt8] {
        let count = Int(u16(page, node)) | Int(u16(page, node + 2)) << 16
        let start = node + 8 + Int(u16(page, node + 6))
        guard u16(page, node + 4) & 0x01 != 0 else {
            guard start + count <= page.count else { throw damagedFreeTree(number) }
            return Array(page[start..<start + count])
        }
        guard start + 8 <= page.count else { throw damagedFreeTree(number) }
        let overflow = u64(page, start)
        let last = overflow &+ UInt64((Self.headerSize + count + meta.pageSize - 1) / meta.pageSize) &- 1
        guard overflow >= 2, overflow <= last, last <= meta.lastPage else { throw damagedFreeTree(number) }
        guard last < UInt64(size / meta.pageSize),
            let bytes = readBytes(at: Int(overflow) * meta.pageSize + Self.headerSize, count: count)
        else { throw cutShort(meta) }
        return bytes
    }

    private func readPage(_ number: UInt64, _ meta: Meta) throws(Refusal) -> [UInt8] {
        guard number >= 2, number <= meta.lastPage else { throw damagedFreeTree(number) }
        guard number < UInt64(size / meta.pageSize),
            let page = readBytes(at: Int(number) * meta.pageSize, count: meta.pageSize)
        else { throw cutShort(meta) }
        guard u64(page, 0) == number else { throw damagedFreeTree(number) }
        return page
    }

    private func damagedFreeTree(_ page: UInt64) -> Refusal {
        .damaged("the free-page tree is damaged at page \(page)")
    }

    private func readBytes(at offset: Int, count: Int) -> [UInt8]? {
        guard count >= 0, offset >= 0, offset + count <= size else { return nil }
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n <= 0 { break }
                done += n
            }
            initialized = done
        }
        return bytes.count == count ? bytes : nil
    }

    // Host byte order, as LMDB writes its headers.
    private func u16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt16.self) }
    }
    private func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt32.self) }
    }
    private func u64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
    }
}
