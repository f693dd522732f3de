/* local_thr <bind-endpoint> <message-size> <message-count>: PULL, binds, times the messages. */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: local_thr <bind-endpoint> <message-size> <message-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[2], "message size", 0);
    long count = zperf_arg(argv[3], "message count", 1);

    void *ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    void *s = zmq_socket(ctx, ZMQ_PULL);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_bind(s, argv[1]) != 0) {
        zperf_fail("zmq_bind");
    }

    zmq_msg_t msg;
    zmq_msg_init(&msg);
    /* the clock starts with the first message after the warm-up, so connection set-up is not counted */
    long warm = zperf_warmup();
    for (long i = 0; i < warm; i++) {
        zperf_recv(s, &msg, size, i, warm + count);
    }
    zperf_recv(s, &msg, size, 0, count);
    double start = zperf_now_us();
    for (long i = 1; i < count; i++) {
        zperf_recv(s, &msg, size, i, count);
    }
    double elapsed = zperf_now_us() - start;
    zmq_msg_close(&msg);

    zperf_report_thr(size, count, elapsed);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
