/* inproc_thr <message-size> <message-count>: PUSH thread -> PULL over inproc:// in one process. */
#include "perf_util.h"
#include <pthread.h>

static void *ctx;
static size_t size;
static long count;

static void *sender(void *arg)
{
    (void) arg;
    void *s = zmq_socket(ctx, ZMQ_PUSH);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_connect(s, "inproc://zperf_thr") != 0) {
        zperf_fail("zmq_connect");
    }
    for (long i = 0, n = zperf_warmup() + count; i < n; i++) {
        zperf_send_new(s, size);
    }
    zmq_close(s);
    return NULL;
}

int main(int argc, char *argv[])
{
    if (argc != 3) {
        fprintf(stderr, "usage: inproc_thr <message-size> <message-count>\n");
        return 1;
    }
    size = (size_t) zperf_arg(argv[1], "message size", 0);
    count = zperf_arg(argv[2], "message count", 1);

    ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    void *s = zmq_socket(ctx, ZMQ_PULL);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_bind(s, "inproc://zperf_thr") != 0) {
        zperf_fail("zmq_bind");
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, sender, NULL) != 0) {
        fprintf(stderr, "error in pthread_create\n");
        return 1;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
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
    pthread_join(thread, NULL);

    zperf_report_thr(size, count, elapsed);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
