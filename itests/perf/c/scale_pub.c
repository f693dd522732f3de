/*
 * scale_pub <endpoint> <control-endpoint> <message-size> <message-count>: the PUB side of the
 * pubsub scale row (see ScaleTools.java): ticks until the SUB side says every SUB has one, the
 * warm-up ticks, count data messages as fast as it can, then end marks until the SUB side is done.
 */
#include "scale_util.h"

int main(int argc, char *argv[])
{
    if (argc != 5) {
        fprintf(stderr, "usage: scale_pub <endpoint> <control-endpoint> <message-size> <message-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[3], "message size", 1);
    long count = zperf_arg(argv[4], "message count", 1);

    void *ctx = zperf_ctx(2);
    void *pub = zperf_socket(ctx, ZMQ_PUB);
    zperf_setopt(pub, ZMQ_LINGER, 0, "zmq_setsockopt(ZMQ_LINGER)");
    if (zmq_bind(pub, argv[1]) != 0) {
        zperf_fail("zmq_bind");
    }
    void *ctl = zperf_socket(ctx, ZMQ_PULL);
    zperf_setopt(ctl, ZMQ_LINGER, 0, "zmq_setsockopt(ZMQ_LINGER)");
    zperf_setopt(ctl, ZMQ_RCVTIMEO, 10, "zmq_setsockopt(ZMQ_RCVTIMEO)");
    if (zmq_bind(ctl, argv[2]) != 0) {
        zperf_fail("zmq_bind");
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);

    /* twice the SUB side's set-up timeout: it started later and reports its own failure */
    double t0 = zperf_now_us();
    while (zmq_msg_recv(&msg, ctl, 0) < 0) {
        zperf_send_tagged(pub, ZPERF_TICK, size);
        if (zperf_elapsed_ms(t0) > 2 * zperf_setup_timeout_ms()) {
            fprintf(stderr, "error: the SUBs did not all subscribe in %ld ms\n", 2 * zperf_setup_timeout_ms());
            return 2;
        }
    }
    long warm = zperf_warmup();
    for (long i = 0; i < warm; i++) {
        zperf_send_tagged(pub, ZPERF_TICK, size);
    }
    double start = zperf_now_us();
    for (long i = 0; i < count; i++) {
        zperf_send_tagged(pub, ZPERF_DATA, size);
    }
    double send_us = zperf_now_us() - start;
    long end_wait = zperf_env_int("ZPERF_RCVTIMEO_MS", -1);
    if (end_wait < 0 || end_wait > 600000) {
        end_wait = 600000;
    }
    t0 = zperf_now_us();
    do {
        zperf_send_tagged(pub, ZPERF_END, size);
        if (zperf_elapsed_ms(t0) > end_wait) {
            fprintf(stderr, "error: the SUBs did not all get an end mark\n");
            return 2;
        }
    } while (zmq_msg_recv(&msg, ctl, 0) < 0);
    zmq_msg_close(&msg);
    printf("messages sent: %ld\n", count);
    printf("send rate: %ld [msg/s]\n", zperf_rate(count, send_us));
    fflush(stdout);
    zmq_close(ctl);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    return 0;
}
