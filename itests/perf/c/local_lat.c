/* local_lat <bind-endpoint> <message-size> <roundtrip-count>: REP, binds, echoes. */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: local_lat <bind-endpoint> <message-size> <roundtrip-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[2], "message size", 0);
    long roundtrips = zperf_arg(argv[3], "roundtrip count", 1);

    void *ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    void *s = zmq_socket(ctx, ZMQ_REP);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_bind(s, argv[1]) != 0) {
        zperf_fail("zmq_bind");
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    for (long i = 0, n = zperf_warmup() + roundtrips; i < n; i++) {
        zperf_recv(s, &msg, size, i, n);
        if (zmq_msg_send(&msg, s, 0) < 0) {
            zperf_fail("zmq_msg_send");
        }
    }
    zperf_settle();
    zmq_msg_close(&msg);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
