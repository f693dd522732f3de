package io.zconn.engine.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.zmtp.Greeting;
import io.zconn.engine.zmtp.ZmtpException;

import static io.zconn.engine.fuzz.FuzzSupport.check;

/**
 * Fuzzes the 64-byte ZMTP greeting a peer sends first: {@link Greeting#refusal} on every prefix as
 * it would arrive, {@link Greeting#checkSignature} (which throws what refusal returns) on every
 * prefix up to the first refused one and on the whole, and {@link Greeting#decode} on the whole.
 * <ul>
 *   <li>the only failure is a {@link ZmtpException}; checking never consumes a byte;
 *       checkSignature throws exactly when refusal gives a reason;</li>
 *   <li>a refusal is final: once a prefix is refused, every longer prefix is refused too (the
 *       handshake may close the connection at the first bad byte);</li>
 *   <li>decode accepts exactly when every prefix passed the check and the mechanism name is
 *       well formed, consumes exactly 64 bytes, and what it returns encodes back to the same
 *       greeting (up to the as-server byte and the filler, which libzmq ignores too).</li>
 * </ul>
 * Regression inputs: {@code src/test/resources/io/zconn/engine/fuzz/GreetingFuzzTestInputs/}.
 */
class GreetingFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void greetingIsCheckedAsItArrivesAndDecodedConsistently(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        int last = Math.min(input.length, Greeting.SIZE);
        int firstRefused = -1;
        for (int n = 0; n <= last; n++) {
            ByteBuf prefix = in.slice(0, n);
            String refusal = Greeting.refusal(prefix);
            check(prefix.readerIndex() == 0, "refusal consumed bytes");
            if (refusal == null) {
                check(firstRefused < 0, "a prefix was accepted after a shorter one was refused");
            } else if (firstRefused < 0) {
                firstRefused = n;
            }
            if (firstRefused < 0 || n == firstRefused || n == last) {
                // the throwing check agrees with refusal() up to the first refusal and on the
                // whole (not on every refused prefix: a stack trace each made this target slow)
                checkThrowsExactlyWhen(refusal, prefix);
            }
        }
        if (input.length < Greeting.SIZE) {
            return;
        }
        Greeting g;
        try {
            g = Greeting.decode(in);
        } catch (ZmtpException e) {
            if (firstRefused < 0) {
                // the signature and version passed; only the mechanism name can be malformed
                check(e.getMessage().contains("mechanism") && !mechanismWellFormed(input),
                        () -> "decode refused a greeting whose signature, version and mechanism are fine: " + e);
            }
            return;
        }
        check(firstRefused < 0, "decode accepted a greeting checkSignature refused");
        check(in.readerIndex() == Greeting.SIZE, "decode did not consume exactly 64 bytes");
        check(g.major() >= 3 && g.mechanism().length() <= 20, () -> "decoded " + g);
        check(mechanismWellFormed(input), "decode accepted a malformed mechanism field");

        ByteBuf again = Unpooled.buffer(Greeting.SIZE);
        g.encode(again);
        check(again.readableBytes() == Greeting.SIZE, () -> "encode wrote " + again.readableBytes() + " bytes");
        byte[] re = new byte[Greeting.SIZE];
        again.getBytes(0, re);
        if (asciiMechanism(input)) {
            // signature byte 0 and 9, version and mechanism survive verbatim
            for (int i : new int[] {0, 10, 11}) {
                check(re[i] == input[i], () -> "re-encoded greeting differs at byte " + i);
            }
            for (int i = 12; i < 32; i++) {
                if (re[i] != input[i]) {
                    throw new AssertionError("re-encoded mechanism differs at byte " + i);
                }
            }
            check(Greeting.decode(again).equals(g), () -> "decode(encode(g)) != g for " + g);
        }
    }

    private static void checkThrowsExactlyWhen(String refusal, ByteBuf prefix) {
        try {
            Greeting.checkSignature(prefix);
            if (refusal != null) {
                throw new AssertionError("checkSignature accepted what refusal() refused: " + refusal);
            }
        } catch (ZmtpException e) {
            check(refusal != null && e.getMessage().endsWith(refusal), () -> "checkSignature refused what refusal() accepted: " + e);
        }
        check(prefix.readerIndex() == 0, "checkSignature consumed bytes");
    }

    /** The mechanism field: printable name, then only NUL padding. */
    private static boolean mechanismWellFormed(byte[] g) {
        int i = 12;
        while (i < 32 && g[i] != 0) {
            i++;
        }
        for (; i < 32; i++) {
            if (g[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean asciiMechanism(byte[] g) {
        for (int i = 12; i < 32; i++) {
            if (g[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
