/* remote_thr <connect-endpoint> <message-size> <message-count>: PUSH, connects, sends. */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: remote_thr <connect-endpoint> <message-size> <message-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[2], "message size", 0);
    long count = zperf_arg(argv[3], "message count", 1);

    void *ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    void *s = zmq_socket(ctx, ZMQ_PUSH);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_connect(s, argv[1]) != 0) {
        zperf_fail("zmq_connect");
    }
    for (long i = 0, n = zperf_warmup() + count; i < n; i++) {
        zperf_send_new(s, size);
    }
    zperf_settle();
    /* LINGER stays at libzmq's default (-1): zmq_ctx_term waits until everything is sent */
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
