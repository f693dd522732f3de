package io.zconn.engine.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.zconn.engine.ZmqException;
import io.zconn.engine.zmtp.HandshakeListener;
import io.zconn.engine.zmtp.PeerInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * How a fuzzed handshake ended, for the handshake targets: success (with the peer, and the bytes
 * that reached the next handler after it) or failure (with its cause), counted.
 */
final class HandshakeOutcome implements HandshakeListener {
    int succeeded;
    int failed;
    PeerInfo peer;
    ZmqException cause;
    final List<ByteBuf> after = new ArrayList<>();

    @Override
    public void handshakeSucceeded(ChannelHandlerContext ctx, PeerInfo peerInfo) {
        succeeded++;
        peer = peerInfo;
        ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
                after.add((ByteBuf) msg);
            }
        });
    }

    @Override
    public void handshakeFailed(ChannelHandlerContext ctx, ZmqException c) {
        failed++;
        cause = c;
    }
}
