#!/usr/bin/env python3
"""Writes the seed inputs of the engine's Jazzer fuzz tests (io.zconn.engine.fuzz).

Each file is one input; in regression mode (plain `mvn test`/`mvn verify`) every @FuzzTest runs on
its files, in fuzzing mode (engine/fuzz/campaign.sh) they are where the fuzzer starts. Run from
anywhere; rewrites the seed-*.bin files, leaves other files (e.g. crash-* findings) alone.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, '..', 'src', 'test', 'resources', 'io', 'zconn', 'engine', 'fuzz')

# SocketType.values() order
PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB = range(11)


def write(test, method, name, data):
    d = os.path.join(BASE, test + 'Inputs', method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'seed-' + name + '.bin'), 'wb') as f:
        f.write(data)


def greeting(major=3, minor=1, mech=b'NULL', server=0, sig9=0x7f):
    return (b'\xff' + b'\x00' * 8 + bytes([sig9, major, minor]) + mech.ljust(20, b'\x00')
            + bytes([server]) + b'\x00' * 31)


def frame(body, more=False, command=False, long=None):
    flags = (1 if more else 0) | (4 if command else 0)
    if long is None:
        long = len(body) > 255
    if long:
        return bytes([flags | 2]) + struct.pack('>Q', len(body)) + body
    return bytes([flags, len(body)]) + body


def metadata(props):
    out = b''
    for k, v in props:
        out += bytes([len(k)]) + k + struct.pack('>I', len(v)) + v
    return out


def cmd_body(name, data=b''):
    return bytes([len(name)]) + name + data


def command(name, data=b''):
    return frame(cmd_body(name, data), command=True)


def ready(props):
    return command(b'READY', metadata(props))


# --- 2. greeting -------------------------------------------------------------------------------
G = ('GreetingFuzzTest', 'greetingIsCheckedAsItArrivesAndDecodedConsistently')
write(*G, 'null-3.1-client', greeting())
write(*G, 'null-3.1-server', greeting(server=1))
write(*G, 'null-3.0', greeting(minor=0))
write(*G, 'plain-3.1', greeting(mech=b'PLAIN'))
write(*G, 'curve-3.1-server', greeting(mech=b'CURVE', server=1))
write(*G, 'zmtp-4.0', greeting(major=4, minor=0))
write(*G, 'zmtp-2.0-refused', greeting(major=2))
write(*G, 'signature-byte9-even', greeting(sig9=0x7e))
write(*G, 'http-get', b'GET / HTTP/1.1\r\nHost: x\r\n\r\n'.ljust(64, b' '))
write(*G, 'mechanism-junk-after-nul', greeting(mech=b'NULL\x00X'))
write(*G, 'mechanism-20-chars', greeting(mech=b'ABCDEFGHIJKLMNOPQRST'))
write(*G, 'greeting-then-ready', greeting() + ready([(b'Socket-Type', b'DEALER')]))

# --- 3. commands (bodies: name length, name, data) --------------------------------------------
C = ('CommandFuzzTest', 'commandsParseOnlyIntoProtocolErrorsOrCommandsThatRoundTrip')
write(*C, 'ready-dealer-identity', cmd_body(b'READY', metadata([(b'Socket-Type', b'DEALER'), (b'Identity', b'abc')])))
write(*C, 'ready-empty', cmd_body(b'READY'))
write(*C, 'ready-long-value', cmd_body(b'READY', metadata([(b'Socket-Type', b'SUB'), (b'X-Big', b'v' * 300)])))
write(*C, 'ready-duplicate-names', cmd_body(b'READY', metadata([(b'socket-type', b'PUB'), (b'Socket-Type', b'XPUB')])))
write(*C, 'ready-truncated-value', cmd_body(b'READY', metadata([(b'Socket-Type', b'PUB')]))[:-1])
write(*C, 'ready-zero-length-name', cmd_body(b'READY', b'\x00\x00\x00\x00\x00'))
write(*C, 'subscribe', cmd_body(b'SUBSCRIBE', b'weather.'))
write(*C, 'subscribe-all', cmd_body(b'SUBSCRIBE'))
write(*C, 'cancel', cmd_body(b'CANCEL', b'weather.'))
write(*C, 'ping-ttl-context', cmd_body(b'PING', struct.pack('>H', 300) + b'ctx'))
write(*C, 'ping-no-context', cmd_body(b'PING', b'\x00\x00'))
write(*C, 'ping-context-too-long', cmd_body(b'PING', b'\x00\x01' + b'c' * 17))
write(*C, 'pong', cmd_body(b'PONG', b'ctx'))
write(*C, 'error', cmd_body(b'ERROR', bytes([7]) + b'refused'))
write(*C, 'error-utf8', cmd_body(b'ERROR', bytes([len('zurückgewiesen'.encode())]) + 'zurückgewiesen'.encode()))
write(*C, 'error-length-mismatch', cmd_body(b'ERROR', bytes([9]) + b'short'))
write(*C, 'unknown-hello', cmd_body(b'HELLO', b'\x05admin\x06secret'))
write(*C, 'name-longer-than-body', bytes([40]) + b'READY')

# --- 1. frame decoder: [limit/back-pressure byte][chunking seed][wire] ------------------------
# byte 0 bits 0-2 index FrameDecoderFuzzTest.LIMITS = {-1, 0, 1, 255, 256, 1000, 8191, 8300}
F = ('FrameDecoderFuzzTest', 'decoderIsBoundedAndDeliversExactlyTheFramesSent')
UNLIMITED, L0, L1, L255, L256, L1000, L8191, L8300 = range(8)


def fd(name, limit, seed, wire, refuse_every=0):
    write(*F, name, bytes([limit | (refuse_every << 3), seed]) + wire)


sizes = b''.join(frame(bytes([i % 251]) * n, more=(i % 2 == 0)) for i, n in enumerate([0, 1, 254, 255, 256, 1000]))
fd('size-classes-one-read', UNLIMITED, 0, sizes)
fd('size-classes-chunked', UNLIMITED, 7, sizes)
fd('size-classes-byte-by-byte', L1000, 1, sizes)
fd('size-classes-backpressure', L1000, 13, sizes, refuse_every=2)
fd('frame-8191', UNLIMITED, 0, frame(b'x' * 8191))
fd('frame-8192-filled-in-place', UNLIMITED, 200, frame(b'y' * 8192) + frame(b'after'))
fd('frame-10000-limit-8300-refused', L8300, 50, frame(b'z' * 10000))
fd('frame-8300-at-limit-chunked', L8300, 255, frame(b'w' * 8300, more=True) + frame(b''), refuse_every=1)
fd('multipart', L255, 3, frame(b'a', more=True) + frame(b'b', more=True) + frame(b'c'))
fd('commands', L1000, 5, ready([(b'Socket-Type', b'PUB')]) + command(b'SUBSCRIBE', b'topic')
   + command(b'CANCEL', b'topic') + command(b'PING', b'\x00\x0a') + command(b'PONG') + frame(b'data'))
fd('long-ready-command', UNLIMITED, 9, ready([(b'Socket-Type', b'ROUTER'), (b'X-Pad', b'p' * 400)]))
fd('long-header-small-frame', L255, 0, frame(b'hi', long=True) + frame(b'there'))
fd('reserved-flag-bits', L255, 0, bytes([0xf0, 2]) + b'hi')
fd('over-limit-0', L0, 0, frame(b'x'))
fd('over-limit-256', L255, 0, frame(b'q' * 256))
fd('command-with-more', L1000, 0, bytes([5, 3, 2]) + b'XY')
fd('malformed-command', L1000, 0, frame(b'\x09SUB', command=True))
fd('huge-long-size', UNLIMITED, 0, b'\x02\xff\xff\xff\xff\xff\xff\xff\xff')
fd('incomplete-tail', L1000, 2, frame(b'ok') + b'\x00\x10partial')
# byte 0 bits 6-7: 0 data phase, subscriptions as commands; 1 as frames; 2 discarded; 3 handshake decoder
AS_FRAMES, DISCARD, HANDSHAKE = 1 << 6, 2 << 6, 3 << 6
subs = command(b'SUBSCRIBE', b'news') + frame(b'data') + command(b'CANCEL', b'news') + command(b'HELLO', b'x' * 300)
fd('subscriptions-as-frames', L1000 | AS_FRAMES, 4, subs)
fd('subscriptions-discarded', L1000 | DISCARD, 4, subs)
fd('subscribe-inside-multipart', UNLIMITED | AS_FRAMES, 0, frame(b'a', more=True) + command(b'SUBSCRIBE', b'x') + frame(b'b'))
fd('large-subscribe-as-frame', UNLIMITED | AS_FRAMES, 100, command(b'SUBSCRIBE', b't' * 9000))
fd('handshake-decoder-ready', L1000 | HANDSHAKE, 3, ready([(b'Socket-Type', b'DEALER')]) + command(b'HELLO'))
fd('handshake-decoder-data-refused', L1000 | HANDSHAKE, 0, frame(b'data'))
fd('ping-announced-too-large', L1000, 0, bytes([4, 100, 4]) + b'PING')

# --- 4. handshake: [type/as-server/timeout byte][chunking seed][peer bytes] -------------------
H = ('HandshakeFuzzTest', 'handshakeEndsInSuccessFailureOrWaitingWithoutLeaks')
TIMEOUT = 0x80


def hs(name, local, seed, wire, flags=0):
    write(*H, name, bytes([local | flags, seed]) + wire)


push_peer = greeting() + ready([(b'Socket-Type', b'PUSH')])
hs('pull-accepts-push-then-data', PULL, 0, push_peer + frame(b'hello', more=True) + frame(b'world'))
hs('pull-accepts-push-byte-by-byte', PULL, 1, push_peer + frame(b'hello'))
hs('pull-accepts-push-chunked', PULL, 11, push_peer + frame(b'x' * 300))
hs('router-accepts-dealer-identity', ROUTER, 4, greeting() + ready([(b'Socket-Type', b'DEALER'), (b'Identity', b'left')]))
hs('xpub-accepts-sub-then-subscribe', XPUB, 3, greeting() + ready([(b'Socket-Type', b'SUB')]) + command(b'SUBSCRIBE', b'a'))
hs('zmtp-3.0-peer', REP, 0, greeting(minor=0) + ready([(b'Socket-Type', b'REQ')]))
hs('push-refuses-push', PUSH, 0, push_peer)
hs('no-socket-type', PAIR, 0, greeting() + ready([(b'Identity', b'x')]))
hs('peer-sends-error', DEALER, 2, greeting() + command(b'ERROR', bytes([4]) + b'nope'))
hs('mechanism-mismatch', SUB, 0, greeting(mech=b'PLAIN') + ready([(b'Socket-Type', b'PUB')]))
hs('data-before-ready', PULL, 0, greeting() + frame(b'early'))
hs('ping-during-handshake', PULL, 0, greeting() + command(b'PING', b'\x00\x01') + push_peer[64:])
hs('half-greeting-times-out', PULL, 5, greeting()[:30], flags=TIMEOUT)
hs('greeting-only-times-out', PULL, 0, greeting(), flags=TIMEOUT)
hs('complete-before-timeout', PULL, 0, push_peer, flags=TIMEOUT)
hs('http-client', REP, 0, b'GET / HTTP/1.1\r\n\r\n')
hs('zmtp-2-peer', REQ, 0, greeting(major=2))
hs('huge-handshake-command', DEALER, 0, greeting() + b'\x06' + struct.pack('>Q', 1 << 20) + b'\x05READY')

# --- 5. subscription tries: a program of (op, topic) steps ------------------------------------
T = ('SubscriptionTrieFuzzTest', 'triesAgreeWithAPlainModel')


def raw(t):
    """A topic kept as is: odd length byte (pad with one byte when even)."""
    if len(t) % 2 == 0:
        t = t + b'.'
    return bytes([len(t)]) + t


def folded(symbols):
    """A topic over 'a'..'d' from digits 0-3 (even length byte)."""
    assert len(symbols) % 2 == 0
    return bytes([len(symbols)]) + bytes(symbols)


def long_topic(k, b):
    return bytes([239 + k, b])


ADD, REMOVE, MATCH, MADD, MREMOVE, MREMOVEALL, FOREACH, ISEMPTY = range(8)


def op(o, sub=0):
    return bytes([o | (sub << 3)])


write(*T, 'add-match-remove', op(ADD) + raw(b'weather') + op(MATCH) + raw(b'weather.paris') + b'\x00'
      + op(REMOVE) + raw(b'weather') + op(ISEMPTY) + op(MATCH) + raw(b'weather.paris') + b'\x00')
write(*T, 'counted-prefixes', op(ADD) + folded([0, 1]) + op(ADD) + folded([0, 1]) + op(REMOVE) + folded([0, 1])
      + op(MATCH) + folded([0, 1, 2, 3]) + b'\x01' + op(REMOVE) + folded([0, 1]) + op(REMOVE) + folded([0, 1])
      + op(FOREACH) + op(ISEMPTY))
write(*T, 'empty-prefix-matches-all', op(ADD) + b'\x00' + op(MADD, 2) + b'\x00' + op(MATCH) + raw(b'x') + b'\x00'
      + op(FOREACH) + op(REMOVE) + b'\x00' + op(MREMOVEALL, 2) + op(ISEMPTY))
write(*T, 'subscribers-share-prefixes', op(MADD, 0) + folded([0, 0]) + op(MADD, 1) + folded([0, 0])
      + op(MADD, 1) + folded([0, 0, 1, 1]) + op(MADD, 2) + folded([3, 3]) + op(MATCH) + folded([0, 0, 1, 1, 2, 2]) + b'\x00'
      + op(MREMOVE, 0) + folded([0, 0]) + op(MREMOVEALL, 1) + op(FOREACH) + op(MATCH) + folded([3, 3]) + b'\x02')
write(*T, 'branching-bytes', op(ADD) + raw(b'\x00') + op(ADD) + raw(b'\xff') + op(ADD) + raw(b'\x7f\x80\x81')
      + op(MADD, 3) + raw(b'\x10') + op(MADD, 3) + raw(b'\xf0') + op(FOREACH) + op(REMOVE) + raw(b'\xff')
      + op(MREMOVE, 3) + raw(b'\x10') + op(FOREACH) + op(MATCH) + raw(b'\xf0\xf0') + b'\x00')
write(*T, 'long-topic-add-and-match', op(ADD) + long_topic(1, 0x41) + op(MADD, 1) + long_topic(2, 0x42)
      + op(MATCH) + long_topic(3, 0x41) + b'\x00' + op(MATCH) + long_topic(2, 0x42) + b'\x01' + op(ISEMPTY))
