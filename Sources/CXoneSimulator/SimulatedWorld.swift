import DialerCore

/// Everything the simulated CXone tenant knows: issued tokens, schedules, campaign progress, the
/// requests it received and the faults still to send. Every answer is decided here, synchronously and
/// under one lock, so the HTTP layer only translates.
struct SimulatedWorld: Sendable {
    let configuration: SimulatorConfiguration
    /// Issued tokens and when each expires.
    var tokens: [String: Timestamp] = [:]
    /// Every request received, oldest first.
    var requests: [SimulatorRequest] = []
    /// Scripted faults still to send, in order.
    var scripted: [ScriptedFault] = []
    /// Schedules by idempotency key, and all schedules per campaign.
    var schedulesByKey: [String: StoredSchedule] = [:]
    var schedulesByCampaign: [String: [StoredSchedule]] = [:]
    /// Calls completed so far per campaign, grown by each analytics poll.
    var completed: [String: Int] = [:]
    /// Analytics polls (page 1 queries) per campaign.
    var polls: [String: Int] = [:]
    var schedulesCreated = 0
    /// Draws random faults; seeded, so a fault pattern repeats with its seed.
    var faultRandom: SplitMix64
    /// Refresh tokens the real profile issued, and the tenant each belongs to.
    var refreshTokens: Set<String> = []
    /// Campaigns whose skills were asked for: their skills are in the business unit's dialer-contacts.
    var campaignsAsked: Set<String> = []
    /// Draws tokens: unpredictable, like real ones.
    var tokenRandom = SystemRandomNumberGenerator()

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        faultRandom = SplitMix64(seed: configuration.seed, SplitMix64.hash("faults"))
    }

    /// Answers `call` arriving at `now`, and records it.
    mutating func handle(_ call: SimulatedCall, now: Timestamp) -> SimulatedAnswer {
        let endpoint = Route(method: call.method, path: call.path)
        let answer = answer(call, endpoint: endpoint, now: now)
        requests.append(
            SimulatorRequest(
                method: call.method, path: call.path, endpoint: endpoint?.endpoint,
                idempotencyKey: call.idempotencyKey, receivedAt: now, status: answer.status,
                scheduleID: answer.scheduleID, authorization: Self.authorizationKind(call),
                grant: endpoint == .token ? FormBody(call.body)["grant_type"] : nil))
        return answer
    }

    /// Forgets every issued token: the next API call with one is answered 401.
    mutating func revokeAllTokens() { tokens.removeAll() }

    private mutating func answer(_ call: SimulatedCall, endpoint: Route?, now: Timestamp) -> SimulatedAnswer {
        guard let endpoint else {
            return .error(404, "not_found", SimulatorInputError("path", "no endpoint \(call.method) \(call.path)"))
        }
        let fault = takeScripted(endpoint.endpoint)
        if let fault, !fault.truncatesRealAnswer { return fault.answer }
        if case .token = endpoint {
            return configuration.profile == .cxone ? issueCXoneToken(call, now: now) : issueToken(call, now: now)
        }
        if let discovery = discovery(endpoint, call) { return discovery }
        guard let token = bearerToken(call), let expiry = tokens[token], now < expiry else {
            var answer = SimulatedAnswer.error(401, "invalid_token")
            answer.headers.append(("WWW-Authenticate", #"Bearer error="invalid_token""#))
            return answer
        }
        if fault?.truncatesRealAnswer == true { return Self.truncated(serve(call, endpoint, now: now)) }
        switch drawFault() {
        case "tooManyRequests":
            var answer = SimulatedAnswer.error(429, "too_many_requests")
            // A real tenant's 429s come without Retry-After.
            if configuration.profile == .seed {
                answer.headers.append(("Retry-After", String(configuration.faults.retryAfterSeconds)))
            }
            return answer
        case "serverErrors":
            return .error(500, "internal_error")
        case "expiredTokens":
            tokens[token] = nil
            return .error(401, "invalid_token")
        case "malformedJSON":
            return SimulatedAnswer(status: 200, body: Array("<<< upstream error: not JSON >>>".utf8))
        case "wrongContentType":
            return SimulatedAnswer(
                status: 200, contentType: "text/html; charset=utf-8",
                body: Array("<html><body><h1>Scheduled maintenance</h1></body></html>".utf8))
        case "truncatedJSON":
            return Self.truncated(serve(call, endpoint, now: now))
        default:
            return serve(call, endpoint, now: now)
        }
    }

    private mutating func serve(_ call: SimulatedCall, _ endpoint: Route, now: Timestamp) -> SimulatedAnswer {
        if let known = configuration.campaigns, let campaign = endpoint.campaignID, !known.contains(campaign) {
            return .error(404, "not_found", SimulatorInputError("campaignId", "no campaign \"\(campaign)\""))
        }
        switch endpoint {
        case .token:
            return configuration.profile == .cxone ? issueCXoneToken(call, now: now) : issueToken(call, now: now)
        case .report(let campaign): return report(campaign, query: call.query)
        case .schedules(let campaign): return submitSchedule(campaign, call: call, now: now)
        case .analytics: return analytics(call.body)
        case .skills(let campaign): return campaignSkills(campaign)
        case .dialerContacts: return dialerContacts(query: call.query)
        case .openIDConfiguration, .cxoneConfiguration: return discovery(endpoint, call)!
        }
    }

    /// `answer` with the first half of its body.
    private static func truncated(_ answer: SimulatedAnswer) -> SimulatedAnswer {
        var answer = answer
        answer.body = Array(answer.body.prefix(answer.body.count / 2))
        return answer
    }

    /// Removes one use of the first scripted fault for `endpoint` and returns it.
    private mutating func takeScripted(_ endpoint: SimulatedEndpoint) -> ScriptedFault? {
        guard let index = scripted.firstIndex(where: { $0.answers(endpoint) }) else { return nil }
        let fault = scripted[index]
        scripted[index].count -= 1
        if scripted[index].count == 0 { scripted.remove(at: index) }
        return fault
    }

    /// The random fault drawn for one API request, by name, or nil for none.
    private mutating func drawFault() -> String? {
        let shares = configuration.faults.shares
        guard shares.contains(where: { $0.share > 0 }) else { return nil }
        var draw = faultRandom.unit()
        for (name, share) in shares {
            if draw < share { return name }
            draw -= share
        }
        return nil
    }

    private func bearerToken(_ call: SimulatedCall) -> String? {
        guard let header = call.authorization, header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst(7)).trimmingSpaces
    }

    private static func authorizationKind(_ call: SimulatedCall) -> SimulatorRequest.Authorization {
        let header = call.authorization?.lowercased() ?? ""
        if header.hasPrefix("bearer ") { return .bearer }
        if header.hasPrefix("basic ") { return .basic }
        if FormBody(call.body)["client_secret"] != nil { return .form }
        return .none
    }
}

/// A schedule the simulated tenant holds.
struct StoredSchedule: Sendable {
    var id: String
    var campaignID: String
    /// The canonical request body, to tell a repeat from a different request under the same key.
    var request: [UInt8]
    /// Contacts it covers (`contactCount`, or the length of `contactIds`), when the request said.
    var contacts: Int?
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var view = Substring(self)
        while view.first == " " || view.first == "\t" { view = view.dropFirst() }
        while view.last == " " || view.last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
