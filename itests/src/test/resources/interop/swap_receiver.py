# A libzmq PULL or SUB that connects, prints READY (SUB: WARM once a warm-up message arrived),
# then receives N two-frame messages [seq, payload] and checks that they come whole and in order.
# Every seq 0..N-1 exactly once, in order (with SWAP large enough a PUB drops nothing either).
# Prints DONE <count> <last> or BAD <why>.
import sys
import zmq

endpoint, kind, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ctx = zmq.Context()
s = ctx.socket(zmq.PULL if kind == 'pull' else zmq.SUB)
s.setsockopt(zmq.RCVHWM, 100)
s.setsockopt(zmq.LINGER, 0)
if kind == 'sub':
    s.setsockopt(zmq.SUBSCRIBE, b'')
s.connect(endpoint)
print('READY', flush=True)
s.setsockopt(zmq.RCVTIMEO, 120000)
expected = 0
count = 0
warm = False
while expected < n:
    try:
        parts = s.recv_multipart()
    except zmq.Again:
        print('BAD timeout after %d messages' % count, flush=True)
        sys.exit(1)
    if parts[0] == b'warm-up':
        if not warm:
            warm = True
            print('WARM', flush=True)
        continue
    if len(parts) != 2 or len(parts[1]) != size:
        print('BAD message %d has %d frames' % (count, len(parts)), flush=True)
        sys.exit(1)
    seq = int(parts[0])
    if seq != expected:
        print('BAD expected %d got %d' % (expected, seq), flush=True)
        sys.exit(1)
    expected = seq + 1
    count += 1
print('DONE %d %d' % (count, expected - 1), flush=True)
