package io.zconn.engine.zmtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zconn.engine.Frame;
import io.zconn.engine.PeerMetadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-connection property set: READY properties as received, the mechanism's (ZAP) properties
 * such as User-Id ahead of them, Peer-Address first, as libzmq orders them; and the decoder
 * referencing that one set from every frame.
 */
class ConnectionMetadataTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> readyAsReceived(Map<String, byte[]> props) {
        ByteBuf buf = Unpooled.buffer();
        Metadata.encode(props, buf);
        return Metadata.decode(buf);
    }

    @Test
    void mechanismUserIdAndZapMetadataComeWithTheReadyProperties() {
        Map<String, byte[]> ready = new LinkedHashMap<>();
        ready.put("Socket-Type", b("DEALER"));
        ready.put("Identity", b("alice"));
        ready.put("X-Foo", b("bar"));
        Map<String, byte[]> zap = new LinkedHashMap<>();
        zap.put("User-Id", b("admin"));
        zap.put("X-Zap-Role", b("ops"));
        PeerMetadata md = Metadata.forConnection("10.0.0.1", zap, readyAsReceived(ready));
        assertThat(md.get("User-Id")).contains("admin");
        assertThat(md.get("x-zap-role")).contains("ops");
        assertThat(md.get("Peer-Address")).contains("10.0.0.1");
        assertThat(md.get("Socket-Type")).contains("DEALER");
        assertThat(md.get("Routing-Id")).contains("alice");
        assertThat(md.get("X-Foo")).contains("bar");
        assertThat(md.asMap()).hasSize(6);
    }

    @Test
    void aPeerCannotClaimAUserIdOrAnAddressInItsReady() {
        Map<String, byte[]> ready = new LinkedHashMap<>();
        ready.put("Socket-Type", b("PUSH"));
        ready.put("user-id", b("root"));
        ready.put("PEER-ADDRESS", b("6.6.6.6"));
        PeerMetadata none = Metadata.forConnection("", Map.of(), readyAsReceived(ready));
        assertThat(none.get("User-Id")).isEmpty();
        assertThat(none.get("Peer-Address")).isEmpty();
        PeerMetadata fromMap = Metadata.forConnection("", Map.of(), ready);
        assertThat(fromMap.get("User-Id")).isEmpty();
        PeerMetadata real = Metadata.forConnection("127.0.0.1", Map.of("User-Id", b("bob")), readyAsReceived(ready));
        assertThat(real.get("User-Id")).contains("bob");
        assertThat(real.get("Peer-Address")).contains("127.0.0.1");
    }

    @Test
    void noPropertiesAtAllIsTheSharedEmptySet() {
        assertThat(Metadata.forConnection("", Map.of(), Map.of())).isSameAs(PeerMetadata.EMPTY);
    }

    @Test
    void everyDecodedFrameReferencesTheConnectionsOneSet() {
        PeerMetadata md = PeerMetadata.of(Map.of("Socket-Type", "PUSH"));
        java.util.List<Frame> got = new java.util.ArrayList<>();
        FrameDecoder d = new FrameDecoder(-1, new FrameDecoder.Sink() {
            @Override
            public boolean onFrame(Frame frame) {
                got.add(frame);
                return true;
            }

            @Override
            public boolean onCommand(Command command) {
                return true;
            }
        }, FrameDecoder.Subscriptions.AS_FRAMES, md);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(new byte[] {1, 1, 'a', 0, 1, 'b'});
        byte[] big = new byte[100_000];
        in.writeBytes(new byte[] {2, 0, 0, 0, 0, 0, 1, (byte) 0x86, (byte) 0xA0}).writeBytes(big);
        in.writeBytes(new byte[] {4, 11, 9}).writeBytes(b("SUBSCRIBE")).writeByte('t');
        d.decode(in);
        assertThat(got).hasSize(4);
        assertThat(got).allSatisfy(f -> assertThat(f.metadata()).isSameAs(md));
        assertThat(got.get(0).hasMore()).isTrue();
        assertThat(got.get(2).size()).isEqualTo(100_000);
    }

    @Test
    void propertySetLooksUpNamesCaseInsensitivelyFirstOneWinning() {
        ByteBuf buf = Unpooled.buffer();
        Map<String, byte[]> one = new LinkedHashMap<>();
        one.put("Identity", new byte[] {0x41, 0x00, 0x42});
        Metadata.encode(one, buf);
        Metadata.encode(Map.of("IDENTITY", b("second")), buf);
        byte[] enc = new byte[buf.readableBytes()];
        buf.readBytes(enc);
        PeerMetadata md = PeerMetadata.decode(enc, 0, enc.length);
        assertThat(md.bytes("routing-id")).hasValueSatisfying(v -> assertThat(v).containsExactly(0x41, 0x00, 0x42));
        assertThat(md.asMap()).hasSize(1);
        enc[0] = 0; // the bytes were copied: the set is immutable
        assertThat(md.get("Identity")).isPresent();
        assertThatThrownBy(() -> PeerMetadata.decode(new byte[] {5, 'a'}, 0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerMetadata.of(Map.of("", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void framesMadeByTheApplicationCarryNothingAndKeepItThroughWithMore() {
        assertThat(Frame.of("x").metadata()).isSameAs(PeerMetadata.EMPTY);
        PeerMetadata md = PeerMetadata.of(Map.of("Socket-Type", "PUB"));
        Frame f = Frame.wrap(b("x"), false, md);
        assertThat(f.withMore(true).metadata()).isSameAs(md);
        assertThat(f.withMore(true).hasMore()).isTrue();
        assertThat(f.withMore(true).size()).isEqualTo(1);
        assertThat(f).isEqualTo(Frame.of("x"));
    }
}
