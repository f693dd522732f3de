package io.zconn.engine.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.MaxMessagesRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

import java.util.function.Supplier;

/**
 * A connection's receive buffers as Netty's allocator makes them, except that a read continuing a
 * large body being received into pooled direct memory ({@link io.zconn.engine.ZmqOption#RECV_DIRECT})
 * goes straight into that body ({@link io.zconn.engine.zmtp.FrameDecoder#readTarget()}), as libzmq
 * reads a large message into its own buffer: no copy from a receive buffer into the body, and one
 * read as large as the socket has (up to the body's missing bytes) instead of Netty's adaptive guess
 * of at most 64 KiB. Everything else (how many reads per wake-up, the guess for the other reads) is
 * the wrapped allocator's.
 */
@SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle is the type Netty 4.1's newHandle() returns
final class DirectReadAllocator implements MaxMessagesRecvByteBufAllocator {
    private final MaxMessagesRecvByteBufAllocator delegate;
    private final Supplier<ByteBuf> targets;

    /**
     * @param delegate the channel's allocator
     * @param targets  the buffer the next read goes into, or null for one of {@code delegate}'s;
     *                 asked on the channel's loop just before each read
     */
    DirectReadAllocator(MaxMessagesRecvByteBufAllocator delegate, Supplier<ByteBuf> targets) {
        this.delegate = delegate;
        this.targets = targets;
    }

    @Override
    public int maxMessagesPerRead() {
        return delegate.maxMessagesPerRead();
    }

    @Override
    public MaxMessagesRecvByteBufAllocator maxMessagesPerRead(int maxMessagesPerRead) {
        delegate.maxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public RecvByteBufAllocator.Handle newHandle() {
        return new Handle((RecvByteBufAllocator.ExtendedHandle) delegate.newHandle(), targets);
    }

    /** The wrapped allocator's handle, but for where a read goes. */
    private static final class Handle implements RecvByteBufAllocator.ExtendedHandle {
        private final RecvByteBufAllocator.ExtendedHandle h;
        private final Supplier<ByteBuf> targets;

        Handle(RecvByteBufAllocator.ExtendedHandle h, Supplier<ByteBuf> targets) {
            this.h = h;
            this.targets = targets;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf t = targets.get();
            return t != null ? t : h.allocate(alloc);
        }

        @Override
        public int guess() {
            return h.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            h.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            h.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            h.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return h.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            h.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return h.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return h.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return h.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            h.readComplete();
        }
    }
}
