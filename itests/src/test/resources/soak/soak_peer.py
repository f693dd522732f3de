"""A libzmq peer for the soak: REQ, SUB and PUSH towards zconn's REP, PUB and PULL, paced.

Usage: soak_peer.py <rep endpoint> <pub endpoint> <pull endpoint>
Runs until killed (the soak kills it with SIGKILL and starts another).
"""
import sys
import time

import zmq

rep_ep, pub_ep, pull_ep = sys.argv[1:4]
ctx = zmq.Context()
req = ctx.socket(zmq.REQ)
req.setsockopt(zmq.REQ_RELAXED, 1)
req.setsockopt(zmq.REQ_CORRELATE, 1)
req.rcvtimeo = 1000
req.connect(rep_ep)
sub = ctx.socket(zmq.SUB)
sub.subscribe(b'')
sub.connect(pub_ep)
push = ctx.socket(zmq.PUSH)
push.connect(pull_ep)

i = 0
while True:
    req.send(b'q%d' % i)
    try:
        req.recv()
    except zmq.Again:
        pass  # the REQ is relaxed: the next send starts over
    for k in range(5):
        try:
            push.send_multipart([b'p', b'%d' % i, b'x' * (k * 100)], zmq.NOBLOCK)
        except zmq.Again:
            pass
    while sub.poll(0):
        sub.recv_multipart()
    i += 1
    time.sleep(0.002)
