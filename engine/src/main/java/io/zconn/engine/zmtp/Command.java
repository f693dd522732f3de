package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A ZMTP command frame body: a short name and command-specific data. Parsed by {@link #parse},
 * written by {@link FrameEncoder#encodeCommand}.
 */
// Commands carrying byte[] are wire values, never compared or hashed (tests compare their bytes).
@SuppressWarnings("ArrayRecordComponent")
public sealed interface Command {
    /** @return the command name, e.g. {@code READY} */
    String name();

    /** @return the size of the data after the name */
    int dataSize();

    /** @param out where to write the data after the name */
    void encodeData(ByteBuf out);

    /** READY: the sender's metadata (NULL and PLAIN handshakes). */
    record Ready(Map<String, byte[]> properties) implements Command {
        @Override
        public String name() {
            return "READY";
        }

        @Override
        public int dataSize() {
            return Metadata.size(properties);
        }

        @Override
        public void encodeData(ByteBuf out) {
            Metadata.encode(properties, out);
        }
    }

    /** ERROR: why the sender refuses the handshake. */
    @SuppressWarnings("JavaLangClash") // ZMTP's name; always written qualified, Command.Error
    record Error(String reason) implements Command {
        @Override
        public String name() {
            return "ERROR";
        }

        @Override
        public int dataSize() {
            return 1 + Math.min(255, reason.getBytes(StandardCharsets.UTF_8).length);
        }

        @Override
        public void encodeData(ByteBuf out) {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(255, r.length);
            out.writeByte(n);
            out.writeBytes(r, 0, n);
        }
    }

    /** SUBSCRIBE (ZMTP 3.1): add a prefix. */
    record Subscribe(byte[] topic) implements Command {
        @Override
        public String name() {
            return "SUBSCRIBE";
        }

        @Override
        public int dataSize() {
            return topic.length;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeBytes(topic);
        }
    }

    /** CANCEL (ZMTP 3.1): remove a prefix. */
    record Cancel(byte[] topic) implements Command {
        @Override
        public String name() {
            return "CANCEL";
        }

        @Override
        public int dataSize() {
            return topic.length;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeBytes(topic);
        }
    }

    /** PING: heartbeat with the time-to-live (deciseconds) the peer may wait for traffic. */
    record Ping(int ttlDeciseconds, byte[] context) implements Command {
        @Override
        public String name() {
            return "PING";
        }

        @Override
        public int dataSize() {
            return 2 + context.length;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeShort(ttlDeciseconds);
            out.writeBytes(context);
        }
    }

    /** PONG: the answer to a PING, echoing its context. */
    record Pong(byte[] context) implements Command {
        @Override
        public String name() {
            return "PONG";
        }

        @Override
        public int dataSize() {
            return context.length;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeBytes(context);
        }
    }

    /** Any other command (e.g. a mechanism's HELLO), kept as raw data. */
    record Unknown(String name, byte[] data) implements Command {
        @Override
        public int dataSize() {
            return data.length;
        }

        @Override
        public void encodeData(ByteBuf out) {
            out.writeBytes(data);
        }
    }

    /**
     * Parses a whole command body (consumes it).
     *
     * @param body name length, name, data
     * @return the command
     * @throws ZmtpException when malformed
     */
    static Command parse(ByteBuf body) {
        return parse(body, false);
    }

    /**
     * @param body  name length, name, data
     * @param owned whether {@code body}'s heap array is the caller's to give away (READY metadata
     *              then refers to it instead of copying it)
     * @return the command
     */
    static Command parse(ByteBuf body, boolean owned) {
        if (!body.isReadable()) {
            throw new ZmtpException("empty command frame");
        }
        if (isLibzmqError(body, body.readerIndex(), body.readableBytes())) {
            body.skipBytes(LIBZMQ_ERROR_PREFIX_LENGTH);
            return error(body);
        }
        int nameLen = body.readUnsignedByte();
        if (nameLen == 0 || nameLen > body.readableBytes()) {
            throw new ZmtpException("malformed command: name length " + nameLen + " exceeds frame").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        String name = body.readCharSequence(nameLen, StandardCharsets.US_ASCII).toString();
        switch (name) {
            case "READY":
                return new Ready(Metadata.decode(body, owned));
            case "ERROR":
                return error(body);
            case "SUBSCRIBE":
                return new Subscribe(rest(body));
            case "CANCEL":
                return new Cancel(rest(body));
            case "PING": {
                if (body.readableBytes() < 2 || body.readableBytes() > 2 + 16) {
                    throw new ZmtpException("malformed PING command").protocolCode(ZmtpException.MALFORMED_COMMAND);
                }
                int ttl = body.readUnsignedShort();
                return new Ping(ttl, rest(body));
            }
            case "PONG": {
                if (body.readableBytes() > 16) {
                    throw new ZmtpException("malformed PONG command").protocolCode(ZmtpException.MALFORMED_COMMAND);
                }
                return new Pong(rest(body));
            }
            default:
                return new Unknown(name, rest(body));
        }
    }

    /**
     * The length of the start of the ERROR command libzmq 4.3's PLAIN server (its ZAP client code) sends: its source
     * writes the name as {@code "\x05ERROR"}, a C hex escape that swallows the E, so the name length
     * byte is {@code 0x5E} and the name "RROR". libzmq's own client stops on it either way; read as
     * the ERROR it means, a refused zconn client stops too instead of reconnecting.
     */
    int LIBZMQ_ERROR_PREFIX_LENGTH = 5;

    /**
     * @param buf   bytes
     * @param index where a command body starts
     * @param size  how many of its bytes may be looked at
     * @return whether it is libzmq 4.3's mangled ERROR (see {@link #LIBZMQ_ERROR_PREFIX_LENGTH})
     */
    static boolean isLibzmqError(ByteBuf buf, int index, int size) {
        return size >= LIBZMQ_ERROR_PREFIX_LENGTH + 1 && buf.getUnsignedByte(index) == 0x5e
                && buf.getByte(index + 1) == 'R' && buf.getByte(index + 2) == 'R' && buf.getByte(index + 3) == 'O'
                && buf.getByte(index + 4) == 'R';
    }

    private static Error error(ByteBuf body) {
        if (!body.isReadable()) {
            throw new ZmtpException("malformed ERROR command").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        int len = body.readUnsignedByte();
        if (len != body.readableBytes()) {
            throw new ZmtpException("malformed ERROR command: reason length mismatch").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        return new Error(body.readCharSequence(len, StandardCharsets.UTF_8).toString());
    }

    /**
     * A command as a mechanism that reads its own commands sees it: ERROR parsed, every other name
     * as {@link Unknown} with the bytes after the name.
     *
     * @param body name length, name, data
     * @return the command
     */
    static Command parseRaw(ByteBuf body) {
        if (!body.isReadable()) {
            throw new ZmtpException("empty command frame");
        }
        if (isLibzmqError(body, body.readerIndex(), body.readableBytes())) {
            return parse(body, false);
        }
        int nameLen = body.getUnsignedByte(body.readerIndex());
        if (nameLen == 0 || nameLen > body.readableBytes() - 1) {
            throw new ZmtpException("malformed command: name length " + nameLen + " exceeds frame").protocolCode(ZmtpException.MALFORMED_COMMAND);
        }
        String name = body.toString(body.readerIndex() + 1, nameLen, StandardCharsets.US_ASCII);
        if (name.equals("ERROR")) {
            return parse(body, false);
        }
        body.skipBytes(1 + nameLen);
        return new Unknown(name, rest(body));
    }

    /**
     * The largest body (name included) a command of this name can have: PING (a TTL and at most
     * 16 bytes of context), PONG and ERROR (a reason of at most 255 bytes) are refused from their
     * header when announced larger, before any of their body is awaited.
     *
     * @param name a command name
     * @return its largest valid body size, or -1 when only MAXMSGSIZE bounds it
     */
    static int maxSize(String name) {
        return switch (name) {
            case "PING" -> 1 + 4 + 2 + 16;
            case "PONG" -> 1 + 4 + 16;
            case "ERROR" -> 1 + 5 + 1 + 255;
            default -> -1;
        };
    }

    private static byte[] rest(ByteBuf body) {
        byte[] b = new byte[body.readableBytes()];
        body.readBytes(b);
        return b;
    }
}
