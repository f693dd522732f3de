/*
 * scale_router <bind-endpoint> <message-size> <requests>: a ROUTER echoing requests + ZPERF_WARMUP
 * requests to their DEALER (the server of the router and connect scale rows, see ScaleTools.java),
 * then its memory with every connection still open.
 */
#include "scale_util.h"

int main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: scale_router <bind-endpoint> <message-size> <requests>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[2], "message size", 0);
    long requests = zperf_arg(argv[3], "requests", 1);
    int timeout = zperf_env_int("ZPERF_RCVTIMEO_MS", -1);
    if (timeout >= 0 && timeout < zperf_setup_timeout_ms()) {
        timeout = (int) zperf_setup_timeout_ms();
    }

    void *ctx = zperf_ctx(2);
    void *s = zperf_socket(ctx, ZMQ_ROUTER);
    zperf_setopt(s, ZMQ_RCVTIMEO, timeout, "zmq_setsockopt(ZMQ_RCVTIMEO)");
    if (zmq_bind(s, argv[1]) != 0) {
        zperf_fail("zmq_bind");
    }
    zmq_msg_t id, body;
    zmq_msg_init(&id);
    zmq_msg_init(&body);
    long n = zperf_warmup() + requests;
    for (long i = 0; i < n; i++) {
        if (zmq_msg_recv(&id, s, 0) < 0) {
            if (zmq_errno() == EAGAIN) {
                fprintf(stderr, "error: echoed %ld of %ld requests (none for %d ms)\n", i, n, timeout);
                return 2;
            }
            zperf_fail("zmq_msg_recv");
        }
        if (zmq_msg_recv(&body, s, 0) < 0) {
            zperf_fail("zmq_msg_recv");
        }
        zperf_check_size(zmq_msg_size(&body), size);
        if (zmq_msg_send(&id, s, ZMQ_SNDMORE) < 0 || zmq_msg_send(&body, s, 0) < 0) {
            zperf_fail("zmq_msg_send");
        }
    }
    long rss = zperf_rss_bytes();
    printf("requests echoed: %ld\n", n);
    zperf_report_rss(rss);
    zmq_msg_close(&id);
    zmq_msg_close(&body);
    zperf_settle();
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
