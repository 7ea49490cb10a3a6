package org.passerelle.gateway.agreement;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.passerelle.contracts.readmission.v1.ArrivalMode;

/**
 * The scheme's agreement as one document: its phases, each in force from its first moment until the next one's, and
 * per phase the partners it covers with their terms and the caps across all of them. A partner that no phase in force
 * names has no agreement in force: it can start no case. The same document is bound from configuration
 * ({@code passerelle.scheme}, the first version) and exchanged as JSON through the API (later versions); missing
 * values take the defaults below, so both read alike.
 *
 * @param name        the scheme's name, e.g. {@code routes-for-returns}
 * @param phases      the phases, in any order; they may not overlap
 * @param dataSharing party code → what may be shared with that partner and on what basis (configured under
 *                    {@code passerelle.data-sharing}); a partner without an entry exchanges nothing
 */
public record Scheme(String name, List<Phase> phases, Map<String, DataSharing> dataSharing) {

    private static final Pattern PARTY = Pattern.compile("[A-Z]{2}");
    /** The longest phase name (as the places taken in it record it). */
    static final int MAX_NAME = 60;

    public Scheme {
        name = name == null || name.isBlank() ? "routes-for-returns" : name.strip();
        phases = phases == null ? List.of()
                : phases.stream().sorted(Comparator.comparing(Phase::start)).toList();
        dataSharing = dataSharing == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(dataSharing));
    }

    /**
     * A scheme without data-sharing entries. A factory, not a second constructor: configuration binds a record through
     * its only constructor, and with two it would bind nothing at all.
     */
    public static Scheme of(String name, List<Phase> phases) {
        return new Scheme(name, phases, null);
    }

    /** This scheme with these data-sharing entries. */
    Scheme withDataSharing(Map<String, DataSharing> entries) {
        return new Scheme(name, phases, entries);
    }

    /**
     * What may be shared with one partner. Data-sharing is part of the agreement, so a change to it waits for a second
     * administrator like any other.
     *
     * @param basis    the agreement (and its annex) under which data is shared with this partner, for the records of
     *                 processing; required
     * @param inbound  what the partner may not send to this node (checked at the partner inbox)
     * @param outbound what this node may not send to the partner (checked at intake, before the message leaves)
     */
    public record DataSharing(String basis, Flow inbound, Flow outbound) {

        public DataSharing {
            basis = basis == null ? null : basis.strip();
            inbound = inbound == null ? new Flow(null, null) : inbound;
            outbound = outbound == null ? new Flow(null, null) : outbound;
        }
    }

    /**
     * One direction of a partner's data-sharing.
     *
     * @param forbidden data categories (the data-sharing policy's names, leaves or groups such as
     *                  {@code PERSONAL_DATA}) that no message in this direction may carry
     * @param exempt    message type → categories that this type may carry all the same (for a type the agreement
     *                  requires to carry them)
     */
    public record Flow(List<String> forbidden, Map<String, List<String>> exempt) {

        public Flow {
            forbidden = forbidden == null ? List.of() : List.copyOf(forbidden);
            exempt = exempt == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(exempt.entrySet()
                    .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                            e -> e.getValue() == null ? List.<String>of() : List.copyOf(e.getValue())))));
        }
    }

    /** The phase in force at {@code at}, if any. */
    public Optional<Phase> phaseAt(Instant at) {
        return phases.stream().filter(p -> p.covers(at)).findFirst();
    }

    /** The partner's terms at {@code at}: empty when no phase in force names it. */
    public Optional<Terms> termsAt(String partner, Instant at) {
        return phaseAt(at).map(p -> p.partners().get(partner));
    }

    /** Everything wrong with the document, each as one sentence; empty when it can be put in force. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Phase previous = null;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Phase p : phases) {
            String where = "phase " + p.name();
            if (p.name().isBlank() || p.name().length() > MAX_NAME) {
                problems.add("a phase's name is 1 to " + MAX_NAME + " characters");
            }
            if (!names.add(p.name())) {
                // Places and changes are told apart by the phase's name: two phases may not share one.
                problems.add("two phases are named " + p.name());
            }
            p.end().filter(end -> !end.isAfter(p.start()))
                    .ifPresent(end -> problems.add(where + " ends before it starts"));
            if (previous != null && previous.end().map(end -> end.isAfter(p.start())).orElse(true)) {
                problems.add(where + " starts before phase " + previous.name() + " ends");
            }
            p.caps().problems(where + " caps").forEach(problems::add);
            p.partners().forEach((party, terms) -> {
                if (!PARTY.matcher(party).matches()) {
                    problems.add(where + ": '" + party + "' is not an ISO 3166-1 alpha-2 party code");
                }
                terms.problems(where + " partner " + party).forEach(problems::add);
            });
            previous = p;
        }
        dataSharing.forEach((party, sharing) -> {
            String where = "data-sharing " + party;
            if (!PARTY.matcher(party).matches()) {
                problems.add(where + ": '" + party + "' is not an ISO 3166-1 alpha-2 party code");
            }
            if (sharing == null || sharing.basis() == null || sharing.basis().isBlank()) {
                problems.add(where + " names no basis: say under which agreement data is shared with " + party);
            }
            if (sharing != null) {
                for (var flow : Map.of("inbound", sharing.inbound(), "outbound", sharing.outbound()).entrySet()) {
                    flow.getValue().exempt().keySet().forEach(type -> {
                        try {
                            org.passerelle.contracts.common.v1.MessageType.fromValue(type);
                        } catch (IllegalArgumentException e) {
                            // A misspelt type would silently exempt nothing.
                            problems.add(where + " " + flow.getKey() + ".exempt: '" + type + "' is not a message type");
                        }
                    });
                }
            }
        });
        return problems;
    }

    /**
     * One phase.
     *
     * @param name     e.g. {@code pilot}, {@code circuit-breaker}, {@code sustainable}
     * @param from     its first moment: a date ({@code 2027-01-01}, the start of that day in UTC) or an instant
     * @param until    the first moment no longer in it, the same way; none for open-ended
     * @param caps     caps across all the phase's partners together (the phase is the period)
     * @param partners party code → that partner's terms in this phase
     */
    public record Phase(String name, String from, String until, Caps caps, Map<String, Terms> partners) {

        public Phase {
            name = name == null ? "" : name.strip();
            if (from == null || from.isBlank()) {
                throw new IllegalArgumentException("phase " + name + " needs 'from'");
            }
            moment(from);
            if (until != null && !until.isBlank()) {
                moment(until);
            } else {
                until = null;
            }
            caps = caps == null ? Caps.NONE : caps;
            // In party order, so that the document (and its digest) reads the same every time.
            partners = partners == null ? Map.of() : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(partners));
        }

        public Instant start() {
            return moment(from);
        }

        public Optional<Instant> end() {
            return Optional.ofNullable(until).map(Scheme::moment);
        }

        public boolean covers(Instant at) {
            return !at.isBefore(start()) && end().map(at::isBefore).orElse(true);
        }
    }

    /**
     * What one partner agreed in one phase.
     *
     * @param arrivalModes who may be returned, by how they arrived (default: small boat and concealed in a vehicle)
     * @param exclusions   screening flags that stop a readmission request (default: all five)
     * @param equivalence  the balance of returns and admissions this partner's ledger is held to
     * @param caps         this partner's caps (in addition to the phase's caps across partners)
     * @param clocks       the legal clocks of the cases started in this phase
     */
    public record Terms(Set<ArrivalMode> arrivalModes, Set<Exclusion> exclusions, Equivalence equivalence, Caps caps,
                        Clocks clocks) {

        public Terms {
            arrivalModes = sorted(arrivalModes == null ? EnumSet.of(ArrivalMode.SMALL_BOAT, ArrivalMode.CONCEALED_IN_VEHICLE)
                    : arrivalModes, ArrivalMode.class);
            exclusions = sorted(exclusions == null ? EnumSet.allOf(Exclusion.class) : exclusions, Exclusion.class);
            equivalence = equivalence == null ? new Equivalence(null, null, null, null, null) : equivalence;
            caps = caps == null ? Caps.NONE : caps;
            clocks = clocks == null ? Clocks.STANDARD : clocks;
        }

        /** The UK–France values, for cases begun before any phase was recorded. */
        public static Terms standard() {
            return new Terms(null, null, null, null, null);
        }

        List<String> problems(String where) {
            List<String> problems = new ArrayList<>(caps.problems(where + " caps"));
            if (arrivalModes.isEmpty()) {
                problems.add(where + ": no arrival mode is in scope");
            }
            if (equivalence.policy() == Policy.WEEKLY_CAP && caps.returnsPerWeek() == 0) {
                problems.add(where + ": policy WEEKLY_CAP needs caps.returns-per-week");
            }
            if (equivalence.returns() < 1 || equivalence.admissions() < 1) {
                problems.add(where + ": a fair-share ratio's terms are at least 1");
            }
            if (equivalence.tolerance() < 0 || equivalence.nearBreach() <= 0 || equivalence.nearBreach() > 1) {
                problems.add(where + ": tolerance is at least 0, near-breach between 0 and 1");
            }
            return problems;
        }
    }

    /**
     * The policy a partner's ledger is held to.
     *
     * @param policy     {@link Policy}
     * @param returns    the returns term of a fair-share ratio
     * @param admissions the admissions term: at least {@code admissions} admissions for every {@code returns} returns
     * @param tolerance  under {@code ONE_FOR_ONE}, how far returns may run ahead of admissions before it is flagged
     * @param nearBreach the share of a limit at which a near-breach is alerted (0.9 = 90 %)
     */
    public record Equivalence(Policy policy, Integer returns, Integer admissions, Integer tolerance, Double nearBreach) {

        public Equivalence {
            policy = policy == null ? Policy.ONE_FOR_ONE : policy;
            returns = returns == null ? 1 : returns;
            admissions = admissions == null ? 1 : admissions;
            tolerance = tolerance == null ? 0 : tolerance;
            nearBreach = nearBreach == null ? 0.9 : nearBreach;
        }
    }

    /** The balance rule of a partner's ledger; caps are set apart and combine with any of them. */
    public enum Policy {
        /** One admission for each return: an imbalance either way is flagged (returns ahead beyond the tolerance). */
        ONE_FOR_ONE,
        /** A floor: at least {@code admissions} admissions for every {@code returns} returns. */
        FAIR_SHARE,
        /** No balance rule; the weekly cap on returns is the policy stated to the partner. */
        WEEKLY_CAP
    }

    /**
     * Caps on the cases a partner (or, on a phase, all its partners together) may start. 0 or absent: no cap.
     *
     * @param returnsPerWeek    readmission requests per ISO week
     * @param admissionsPerWeek admission referrals per ISO week
     * @param returns           readmission requests in the phase
     * @param admissions        admission referrals in the phase
     */
    public record Caps(Integer returnsPerWeek, Integer admissionsPerWeek, Integer returns, Integer admissions) {

        static final Caps NONE = new Caps(0, 0, 0, 0);

        public Caps {
            returnsPerWeek = returnsPerWeek == null ? 0 : returnsPerWeek;
            admissionsPerWeek = admissionsPerWeek == null ? 0 : admissionsPerWeek;
            returns = returns == null ? 0 : returns;
            admissions = admissions == null ? 0 : admissions;
        }

        /** In words, for a person approving a change: "no cap" where there is none. */
        public String describe() {
            return "returns " + cap(returnsPerWeek) + " a week, " + cap(returns) + " a phase; admissions "
                    + cap(admissionsPerWeek) + " a week, " + cap(admissions) + " a phase";
        }

        private static String cap(int value) {
            return value == 0 ? "no cap" : Integer.toString(value);
        }

        /** The cap on one kind of case over one span; 0 when none. */
        public int of(CaseKind kind, boolean weekly) {
            return kind == CaseKind.RETURN ? (weekly ? returnsPerWeek : returns) : (weekly ? admissionsPerWeek : admissions);
        }

        List<String> problems(String where) {
            return returnsPerWeek < 0 || admissionsPerWeek < 0 || returns < 0 || admissions < 0
                    ? List.of(where + " may not be negative") : List.of();
        }
    }

    /**
     * The legal clocks of readmission cases begun in a phase.
     *
     * @param requestWithin          a first request leaves within this time of the person's arrival
     * @param replyWithin            the partner's reply is due this long after the receipt of the request
     * @param exceptionalReplyWithin the same, once the partner has marked the case exceptional
     * @param processWithin          the whole process ends this long after arrival: three calendar months ({@code P3M})
     */
    public record Clocks(Duration requestWithin, Duration replyWithin, Duration exceptionalReplyWithin,
                         Period processWithin) {

        static final Clocks STANDARD = new Clocks(null, null, null, null);

        public Clocks {
            requestWithin = requestWithin == null ? Duration.ofDays(14) : requestWithin;
            replyWithin = replyWithin == null ? Duration.ofDays(14) : replyWithin;
            exceptionalReplyWithin = exceptionalReplyWithin == null ? Duration.ofDays(28) : exceptionalReplyWithin;
            processWithin = processWithin == null ? Period.ofMonths(3) : processWithin;
        }

        /** When a case of a person who arrived at {@code arrivedAt} expires: calendar months in UTC, not 92 days. */
        public Instant processDue(Instant arrivedAt) {
            return arrivedAt.atZone(ZoneOffset.UTC).plus(processWithin).toInstant();
        }
    }

    /** An unmodifiable set in the enum's order, so that the document reads the same every time. */
    private static <E extends Enum<E>> Set<E> sorted(Set<E> values, Class<E> type) {
        EnumSet<E> set = EnumSet.noneOf(type);
        set.addAll(values);
        return java.util.Collections.unmodifiableSet(set);
    }

    static Instant moment(String text) {
        String t = text.strip();
        try {
            return t.length() == 10 ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + t + "' is neither a date (2027-01-01) nor an instant (2027-01-01T00:00:00Z)", e);
        }
    }
}
