"""A libzmq peer scripted over stdin/stdout, one command per line, one answer line each.

Frames are hex; '-' is an empty frame; '@<byte>:<count>' is <count> copies of byte <byte> (hex).
Received frames longer than 64 bytes are answered as '#<length>:<sha256>'.

  socket <name> <TYPE>              make a socket
  opt <name> <OPTION> int|hex <v>   setsockopt
  bind <name> <endpoint>            -> OK <last endpoint>
  connect|unbind|disconnect <name> <endpoint>
  send <name> <frame> [<frame>...]  send a multipart message
  recv <name> <timeout-ms>          -> OK <frame> ... | TIMEOUT
  recvpeer <name> <timeout-ms>      -> OK <Peer-Address of the sender> <frame> ... | TIMEOUT
  recvprop <name> <timeout-ms> <property>  -> OK <property value, hex or '-'> <frame> ... | TIMEOUT
  recvmeta <name> <timeout-ms> <property> ...
                                    -> OK <value> ... (zmq_msg_gets on the last frame, hex; '!'
                                       when absent, '-' when empty) | TIMEOUT
  close <name>
  keypair                           -> OK <public z85> <secret z85> (zmq.curve_keypair)
  certs <dir> <name>                -> OK <public file> <secret file> (zmq.auth.create_certificates)
  auth start|stop                   the ZAP handler of this context (zmq.auth.thread.ThreadAuthenticator)
  auth curve <dir>|any              accept CURVE clients whose public certificate is in <dir> (or every one)
  auth plain <user>:<password>      accept this PLAIN user only
  auth count                        -> OK <ZAP requests answered so far>
  quit
"""
import binascii
import hashlib
import sys

import zmq
import zmq.auth

ctx = zmq.Context()
socks = {}
auth = None
zap_count = [0]


def counting_authenticator():
    from zmq.auth.thread import ThreadAuthenticator

    class Counting(ThreadAuthenticator):
        def start(self):
            super().start()
            inner = self.thread.authenticator.handle_zap_message

            def counted(msg):
                zap_count[0] += 1
                inner(msg)
            self.thread.authenticator.handle_zap_message = counted
    return Counting(ctx)


def frame_in(text):
    if text == '-':
        return b''
    if text.startswith('@'):
        b, n = text[1:].split(':')
        return bytes([int(b, 16)]) * int(n)
    return binascii.unhexlify(text)


def frame_out(data):
    if len(data) == 0:
        return '-'
    if len(data) > 64:
        return '#%d:%s' % (len(data), hashlib.sha256(data).hexdigest())
    return binascii.hexlify(data).decode()


def answer(text):
    sys.stdout.write(text + '\n')
    sys.stdout.flush()


answer('READY %s' % zmq.zmq_version())
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    cmd = parts[0]
    try:
        if cmd == 'quit':
            answer('OK')
            break
        if cmd == 'keypair':
            pub, sec = zmq.curve_keypair()
            answer('OK %s %s' % (pub.decode(), sec.decode()))
            continue
        if cmd == 'certs':
            import zmq.auth
            pub, sec = zmq.auth.create_certificates(parts[1], parts[2])
            answer('OK %s %s' % (pub, sec))
            continue
        if cmd == 'auth':
            if parts[1] == 'start':
                auth = counting_authenticator()
                auth.start()
            elif parts[1] == 'stop':
                auth.stop()
                auth = None
            elif parts[1] == 'curve':
                auth.configure_curve(domain='*', location=(zmq.auth.CURVE_ALLOW_ANY if parts[2] == 'any' else parts[2]))
            elif parts[1] == 'plain':
                user, password = parts[2].split(':', 1)
                auth.configure_plain(domain='*', passwords={user: password})
            elif parts[1] == 'count':
                answer('OK %d' % zap_count[0])
                continue
            answer('OK')
            continue
        if cmd == 'socket':
            socks[parts[1]] = ctx.socket(getattr(zmq, parts[2]))
            socks[parts[1]].setsockopt(zmq.LINGER, 0)
            answer('OK')
            continue
        s = socks[parts[1]]
        if cmd == 'opt':
            opt = getattr(zmq, parts[2])
            value = int(parts[4]) if parts[3] == 'int' else frame_in(parts[4])
            s.setsockopt(opt, value)
            answer('OK')
        elif cmd == 'bind':
            s.bind(parts[2])
            answer('OK ' + s.getsockopt(zmq.LAST_ENDPOINT).decode())
        elif cmd == 'connect':
            s.connect(parts[2])
            answer('OK')
        elif cmd == 'unbind':
            s.unbind(parts[2])
            answer('OK')
        elif cmd == 'disconnect':
            s.disconnect(parts[2])
            answer('OK')
        elif cmd == 'send':
            s.send_multipart([frame_in(f) for f in parts[2:]])
            answer('OK')
        elif cmd == 'recv':
            if s.poll(int(parts[2]), zmq.POLLIN):
                answer('OK ' + ' '.join(frame_out(f) for f in s.recv_multipart()))
            else:
                answer('TIMEOUT')
        elif cmd == 'recvpeer':
            if s.poll(int(parts[2]), zmq.POLLIN):
                frames = s.recv_multipart(copy=False)
                answer('OK ' + frames[-1].get('Peer-Address') + ' '
                       + ' '.join(frame_out(f.bytes) for f in frames))
            else:
                answer('TIMEOUT')
        elif cmd == 'recvprop':
            if s.poll(int(parts[2]), zmq.POLLIN):
                frames = s.recv_multipart(copy=False)
                try:
                    value = frames[-1].get(parts[3])
                except zmq.ZMQError:
                    value = None
                answer('OK ' + (frame_out(value.encode()) if value else '-') + ' '
                       + ' '.join(frame_out(f.bytes) for f in frames))
        elif cmd == 'recvmeta':
            if s.poll(int(parts[2]), zmq.POLLIN):
                last = s.recv_multipart(copy=False)[-1]
                values = []
                for name in parts[3:]:
                    try:
                        values.append(frame_out(last.get(name).encode()))
                    except zmq.ZMQError:
                        values.append('!')
                answer('OK ' + ' '.join(values))
            else:
                answer('TIMEOUT')
        elif cmd == 'close':
            s.close(0)
            del socks[parts[1]]
            answer('OK')
        else:
            answer('ERR unknown command ' + cmd)
    except Exception as e:  # reported to the test, which fails with it
        answer('ERR %s: %s' % (type(e).__name__, e))
if auth is not None:
    auth.stop()
ctx.destroy(0)
