/* inproc_lat <message-size> <roundtrip-count>: REQ <-> REP thread over inproc:// in one process. */
#include "perf_util.h"
#include <pthread.h>

static void *ctx;
static size_t size;
static long roundtrips;

static void *echo(void *arg)
{
    (void) arg;
    void *s = zmq_socket(ctx, ZMQ_REP);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_connect(s, "inproc://zperf_lat") != 0) {
        zperf_fail("zmq_connect");
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    for (long i = 0, n = zperf_warmup() + roundtrips; i < n; i++) {
        zperf_recv(s, &msg, size, i, n);
        if (zmq_msg_send(&msg, s, 0) < 0) {
            zperf_fail("zmq_msg_send");
        }
    }
    zmq_msg_close(&msg);
    zmq_close(s);
    return NULL;
}

int main(int argc, char *argv[])
{
    if (argc != 3) {
        fprintf(stderr, "usage: inproc_lat <message-size> <roundtrip-count>\n");
        return 1;
    }
    size = (size_t) zperf_arg(argv[1], "message size", 0);
    roundtrips = zperf_arg(argv[2], "roundtrip count", 1);

    ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    void *s = zmq_socket(ctx, ZMQ_REQ);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_bind(s, "inproc://zperf_lat") != 0) {
        zperf_fail("zmq_bind");
    }
    pthread_t thread;
    if (pthread_create(&thread, NULL, echo, NULL) != 0) {
        fprintf(stderr, "error in pthread_create\n");
        return 1;
    }
    zmq_msg_t msg;
    zmq_msg_init_size(&msg, size);
    memset(zmq_msg_data(&msg), 'z', size);
    zperf_round_trips(s, &msg, size, zperf_warmup());
    double start = zperf_now_us();
    zperf_round_trips(s, &msg, size, roundtrips);
    double elapsed = zperf_now_us() - start;
    zmq_msg_close(&msg);
    pthread_join(thread, NULL);

    zperf_report_lat(size, roundtrips, elapsed);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
