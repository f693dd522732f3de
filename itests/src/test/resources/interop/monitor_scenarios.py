"""Runs one socket-monitor scenario entirely in libzmq (zmq_socket_monitor) and prints the events
the monitored socket reported, one per line: NAME VALUE. Used by LibzmqMonitorEventsInteropTest,
which runs the same scenario in zconn and compares."""
import sys
import time

import zmq
from zmq.utils.monitor import parse_monitor_message

NAMES = {getattr(zmq, n): n[len('EVENT_'):] for n in dir(zmq)
         if n.startswith('EVENT_') and n not in ('EVENT_ALL', 'EVENT_ALL_V1', 'EVENT_ALL_V2', 'EVENT_PIPES_STATS')}
ctx = zmq.Context()
events = []


def monitored(sock):
    mon = sock.get_monitor_socket()
    return mon


def drain(mon, until=None, count=None, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if mon.poll(100):
            e = parse_monitor_message(mon.recv_multipart())
            name = NAMES.get(int(e['event']), str(int(e['event'])))
            events.append((name, int(e['value'])))
            if until is not None and name == until:
                return
            if count is not None and len(events) >= count:
                return


def main(scenario):
    if scenario == 'accept_then_peer_closes':
        server = ctx.socket(zmq.PULL)
        mon = monitored(server)
        server.bind('tcp://127.0.0.1:*')
        client = ctx.socket(zmq.PUSH)
        client.connect(server.getsockopt_string(zmq.LAST_ENDPOINT))
        drain(mon, until='HANDSHAKE_SUCCEEDED')
        client.close(0)
        drain(mon, until='DISCONNECTED')
        server.close(0)
        drain(mon, until='MONITOR_STOPPED')
    elif scenario == 'stream_peer_closes':
        import socket as net
        server = ctx.socket(zmq.STREAM)
        mon = monitored(server)
        server.bind('tcp://127.0.0.1:*')
        port = int(server.getsockopt_string(zmq.LAST_ENDPOINT).rsplit(':', 1)[1])
        raw = net.create_connection(('127.0.0.1', port))
        raw.sendall(b'hello')
        server.recv_multipart()  # the connect notice
        server.recv_multipart()  # hello
        raw.close()
        drain(mon, until='DISCONNECTED')
        server.close(0)
        drain(mon, until='MONITOR_STOPPED')
    elif scenario == 'connect_then_close':
        server = ctx.socket(zmq.PULL)
        server.bind('tcp://127.0.0.1:*')
        client = ctx.socket(zmq.PUSH)
        mon = monitored(client)
        client.connect(server.getsockopt_string(zmq.LAST_ENDPOINT))
        drain(mon, until='HANDSHAKE_SUCCEEDED')
        client.close(0)
        drain(mon, until='MONITOR_STOPPED')
    elif scenario == 'connect_to_nothing':
        probe = ctx.socket(zmq.PULL)
        probe.bind('tcp://127.0.0.1:*')
        ep = probe.getsockopt_string(zmq.LAST_ENDPOINT)
        probe.close(0)
        time.sleep(0.1)
        client = ctx.socket(zmq.PUSH)
        client.setsockopt(zmq.RECONNECT_IVL, 100)
        mon = monitored(client)
        client.connect(ep)
        drain(mon, count=6)
    elif scenario == 'bind_taken':
        first = ctx.socket(zmq.PULL)
        first.bind('tcp://127.0.0.1:*')
        second = ctx.socket(zmq.PULL)
        mon = monitored(second)
        try:
            second.bind(first.getsockopt_string(zmq.LAST_ENDPOINT))
        except zmq.ZMQError:
            pass
        drain(mon, count=2, timeout=2.0)
    elif scenario in ('mechanism_mismatch', 'zap_denied'):
        auth = None
        server = ctx.socket(zmq.PULL)
        server.plain_server = True
        if scenario == 'zap_denied':
            from zmq.auth.thread import ThreadAuthenticator
            auth = ThreadAuthenticator(ctx)
            auth.start()
            auth.configure_plain(domain='*', passwords={'admin': 'secret'})
        mon = monitored(server)
        server.bind('tcp://127.0.0.1:*')
        client = ctx.socket(zmq.PUSH)
        if scenario == 'zap_denied':
            client.plain_username = b'eve'
            client.plain_password = b'guess'
        client.connect(server.getsockopt_string(zmq.LAST_ENDPOINT))
        drain(mon, until='DISCONNECTED')
        client.close(0)
        server.close(0)
        drain(mon, until='MONITOR_STOPPED')
        if auth is not None:
            auth.stop()
    else:
        raise SystemExit('unknown scenario ' + scenario)
    for name, value in events:
        print(name, value)
    sys.stdout.flush()


if __name__ == '__main__':
    main(sys.argv[1])
    ctx.destroy(0)
