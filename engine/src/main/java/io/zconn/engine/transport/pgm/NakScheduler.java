package io.zconn.engine.transport.pgm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;

/**
 * The NAK state machine of one source's missing sequence numbers (RFC 3208 section 5.3, as OpenPGM
 * runs it with the intervals and retry counts libzmq configures): a missing number waits a random
 * back-off of up to {@link #NAK_BO_IVL_NANOS} (so that receivers sharing a loss do not all NAK at
 * once), is NAKed, waits {@link #NAK_RPT_IVL_NANOS} for the source's NCF (else backs off again, at
 * most {@link #NCF_RETRIES} times), then {@link #NAK_RDATA_IVL_NANOS} for the RDATA (else backs
 * off again, at most {@link #DATA_RETRIES} times). An NCF seen while backing off (another receiver
 * NAKed first) suppresses our NAK. A number is given up (lost) when its retries run out, when the
 * source's trailing edge passes it, or when the receive window must make room.
 *
 * <p>Bounded by construction: missing numbers are kept as ranges (first, end) sharing one state,
 * never one object per number; a range splits only where a packet, an NCF or a give-up cuts it,
 * so there are at most as many ranges as such events inside the receive window. Sequence numbers
 * here are unwrapped (64-bit, increasing). Time is whatever clock the caller passes (nanoseconds);
 * nothing here reads a clock or sleeps. Not thread-safe.
 */
final class NakScheduler {
    /** libzmq's PGM_NAK_BO_IVL: the back-off is random in [1 µs, this). */
    static final long NAK_BO_IVL_NANOS = 50_000_000L;
    /** libzmq's PGM_NAK_RPT_IVL: how long a NAK waits for its NCF. */
    static final long NAK_RPT_IVL_NANOS = 200_000_000L;
    /** libzmq's PGM_NAK_RDATA_IVL: how long a confirmed NAK waits for the RDATA. */
    static final long NAK_RDATA_IVL_NANOS = 200_000_000L;
    /** libzmq's PGM_NAK_NCF_RETRIES. */
    static final int NCF_RETRIES = 50;
    /** libzmq's PGM_NAK_DATA_RETRIES. */
    static final int DATA_RETRIES = 50;
    /** Most sequence numbers one NAK names: its own and 62 in OPT_NAK_LIST, as OpenPGM. */
    static final int NAK_LIST_MAX = 63;

    /** Where a range stands. */
    enum State {
        /** Waiting the random back-off before NAKing. */
        BACKOFF,
        /** NAKed, waiting for the NCF. */
        WAIT_NCF,
        /** Confirmed, waiting for the RDATA. */
        WAIT_DATA,
        /** Given up: the receive window skips it when it gets there. */
        LOST
    }

    /** What the scheduler asks of its source. */
    interface Actions {
        /**
         * @return whether a NAK can be sent now (the source's NLA is known from an SPM)
         */
        boolean canNak();

        /**
         * Sends one NAK naming {@code count} sequence numbers (at most {@link #NAK_LIST_MAX}).
         *
         * @param sqns  unwrapped sequence numbers
         * @param count how many of them
         */
        void nak(long[] sqns, int count);

        /** No NLA yet: asks the source for an SPM (an SPMR). */
        void spmRequest();
    }

    /** A run of missing sequence numbers in one state. */
    static final class Range {
        long first;
        long end;
        State state;
        long deadline;
        int ncfRetries;
        int dataRetries;
        String why;

        Range(long first, long end, State state, long deadline) {
            this.first = first;
            this.end = end;
            this.state = state;
            this.deadline = deadline;
        }

        Range split(long at) {
            Range r = new Range(at, end, state, deadline);
            r.ncfRetries = ncfRetries;
            r.dataRetries = dataRetries;
            r.why = why;
            end = at;
            return r;
        }

        @Override
        public String toString() {
            return "[" + first + "," + end + ")" + state;
        }
    }

    /** Sorted by first, disjoint. */
    private final List<Range> ranges = new ArrayList<>();
    private final LongUnaryOperator backoff;
    private final long[] batch = new long[NAK_LIST_MAX];

    /**
     * @param backoff given NAK_BO_IVL, returns a random back-off in [1 µs, NAK_BO_IVL) (a test's may be fixed)
     */
    NakScheduler(LongUnaryOperator backoff) {
        this.backoff = backoff;
    }

    private long backoffDeadline(long now) {
        return now + Math.max(1_000L, backoff.applyAsLong(NAK_BO_IVL_NANOS));
    }

    /**
     * Numbers found missing: [first, end), after every range already known.
     *
     * @param first first missing
     * @param end   one past the last
     * @param now   the clock
     */
    void missing(long first, long end, long now) {
        if (end <= first) {
            return;
        }
        if (!ranges.isEmpty() && ranges.get(ranges.size() - 1).end > first) {
            throw new IllegalStateException("missing range " + first + " overlaps " + ranges);
        }
        if (!ranges.isEmpty()) {
            Range last = ranges.get(ranges.size() - 1);
            if (last.end == first && last.state == State.BACKOFF && last.ncfRetries == 0) {
                last.end = end; // one more run of the same loss: joins it, keeps its back-off
                return;
            }
        }
        ranges.add(new Range(first, end, State.BACKOFF, backoffDeadline(now)));
    }

    private int indexOf(long sqn) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range r = ranges.get(mid);
            if (sqn < r.first) {
                hi = mid - 1;
            } else if (sqn >= r.end) {
                lo = mid + 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Cuts out [sqn, sqn + 1) as a range of its own; @return its index, or -1 when sqn is not missing. */
    private int isolate(long sqn) {
        int i = indexOf(sqn);
        if (i < 0) {
            return -1;
        }
        Range r = ranges.get(i);
        if (r.first < sqn) {
            ranges.add(i + 1, r.split(sqn));
            i++;
            r = ranges.get(i);
        }
        if (r.end > sqn + 1) {
            ranges.add(i + 1, r.split(sqn + 1));
        }
        return i;
    }

    /**
     * @param sqn a number
     * @return whether it is missing and not given up (its data would be a repair)
     */
    boolean isPending(long sqn) {
        int i = indexOf(sqn);
        return i >= 0 && ranges.get(i).state != State.LOST;
    }

    /**
     * @param sqn a number
     * @return whether it is missing (pending or lost)
     */
    boolean isMissing(long sqn) {
        return indexOf(sqn) >= 0;
    }

    /**
     * Its data arrived (ODATA or RDATA): no longer missing.
     *
     * @param sqn the number
     * @return whether it had been missing
     */
    boolean filled(long sqn) {
        int i = isolate(sqn);
        if (i < 0) {
            return false;
        }
        ranges.remove(i);
        return true;
    }

    /**
     * An NCF (for our NAK or another receiver's), or another receiver's NAK, names this number:
     * a NAK of ours still backing off is suppressed; it waits for the RDATA (an NCF) or for the
     * NCF the other NAK will bring.
     *
     * @param sqn     the number
     * @param ncf     true for an NCF, false for another receiver's NAK
     * @param now     the clock
     */
    void confirmed(long sqn, boolean ncf, long now) {
        int i = indexOf(sqn);
        if (i < 0) {
            return;
        }
        Range r = ranges.get(i);
        if (r.state == State.LOST || r.state == State.WAIT_DATA || (!ncf && r.state != State.BACKOFF)) {
            return;
        }
        r = ranges.get(isolate(sqn));
        if (ncf) {
            r.state = State.WAIT_DATA;
            r.deadline = now + NAK_RDATA_IVL_NANOS;
        } else {
            r.state = State.WAIT_NCF;
            r.deadline = now + NAK_RPT_IVL_NANOS;
        }
    }

    /**
     * Gives up every number below {@code sqn} (the source's trailing edge passed it, or the window slides).
     *
     * @param sqn first number still wanted
     * @param why for the report
     */
    void lostBefore(long sqn, String why) {
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            if (r.first >= sqn) {
                break;
            }
            if (r.state == State.LOST) {
                continue;
            }
            if (r.end > sqn) {
                ranges.add(i + 1, r.split(sqn));
            }
            lose(r, why);
        }
    }

    /**
     * Gives up the oldest range still pending (the receive window is full).
     *
     * @param why for the report
     * @return whether there was one
     */
    boolean loseOldest(String why) {
        for (Range r : ranges) {
            if (r.state != State.LOST) {
                lose(r, why);
                return true;
            }
        }
        return false;
    }

    private static void lose(Range r, String why) {
        r.state = State.LOST;
        r.deadline = Long.MAX_VALUE;
        r.why = why;
    }

    /**
     * @return the first range if it starts at {@code sqn} and was given up (then removed), else null
     * @param sqn the next number the window would deliver
     */
    Range takeLostAt(long sqn) {
        if (ranges.isEmpty()) {
            return null;
        }
        Range r = ranges.get(0);
        if (r.first != sqn || r.state != State.LOST) {
            return null;
        }
        ranges.remove(0);
        return r;
    }

    /**
     * @param now the clock
     * @return nanoseconds until the earliest deadline of a pending range (0 when due), {@link Long#MAX_VALUE} when none
     */
    long delay(long now) {
        long d = Long.MAX_VALUE;
        for (Range r : ranges) {
            if (r.state != State.LOST) {
                d = Math.min(d, Math.max(0, r.deadline - now));
            }
        }
        return d;
    }

    /**
     * Runs the timers that expired: back-offs end in NAKs (several numbers per NAK, in
     * OPT_NAK_LIST), unanswered NAKs and unrepaired NCFs back off again or, retries spent, are given up.
     *
     * @param now     the clock
     * @param actions where NAKs and SPMRs go
     */
    void expire(long now, Actions actions) {
        int n = 0;
        boolean spmr = false;
        for (Range r : ranges) {
            if (r.state == State.LOST || r.deadline - now > 0) {
                continue;
            }
            switch (r.state) {
                case BACKOFF -> {
                    if (actions.canNak()) {
                        for (long s = r.first; s < r.end; s++) {
                            batch[n++] = s;
                            if (n == NAK_LIST_MAX) {
                                actions.nak(batch, n);
                                n = 0;
                            }
                        }
                        r.state = State.WAIT_NCF;
                        r.deadline = now + NAK_RPT_IVL_NANOS;
                    } else if (++r.ncfRetries > NCF_RETRIES) {
                        lose(r, "no SPM (so no address to NAK) after " + NCF_RETRIES + " tries");
                    } else {
                        spmr = true;
                        r.deadline = backoffDeadline(now);
                    }
                }
                case WAIT_NCF -> {
                    if (++r.ncfRetries > NCF_RETRIES) {
                        lose(r, "no NCF after " + NCF_RETRIES + " NAKs");
                    } else {
                        r.state = State.BACKOFF;
                        r.deadline = backoffDeadline(now);
                    }
                }
                case WAIT_DATA -> {
                    if (++r.dataRetries > DATA_RETRIES) {
                        lose(r, "no RDATA after " + DATA_RETRIES + " confirmed NAKs");
                    } else {
                        r.state = State.BACKOFF;
                        r.deadline = backoffDeadline(now);
                    }
                }
                default -> throw new IllegalStateException(r.toString());
            }
        }
        if (n > 0) {
            actions.nak(batch, n);
        }
        if (spmr) {
            actions.spmRequest();
        }
    }

    /** @return ranges held (pending and lost) */
    int rangeCount() {
        return ranges.size();
    }

    /** @return the ranges, for tests and diagnostics */
    List<Range> ranges() {
        return ranges;
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
