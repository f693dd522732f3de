/* remote_lat <connect-endpoint> <message-size> <roundtrip-count>: REQ, connects, times round trips. */
#include "perf_util.h"

int main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: remote_lat <connect-endpoint> <message-size> <roundtrip-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[2], "message size", 0);
    long roundtrips = zperf_arg(argv[3], "roundtrip count", 1);

    void *ctx = zmq_ctx_new();
    if (!ctx) {
        zperf_fail("zmq_ctx_new");
    }
    void *s = zmq_socket(ctx, ZMQ_REQ);
    if (!s) {
        zperf_fail("zmq_socket");
    }
    zperf_options(s);
    if (zmq_connect(s, argv[1]) != 0) {
        zperf_fail("zmq_connect");
    }
    zmq_msg_t msg;
    zmq_msg_init_size(&msg, size);
    memset(zmq_msg_data(&msg), 'z', size);
    /* as in libzmq's remote_lat, the clock includes the connection set-up of the first round trip
       (unless ZPERF_WARMUP round trips came first) */
    zperf_round_trips(s, &msg, size, zperf_warmup());
    double start = zperf_now_us();
    zperf_round_trips(s, &msg, size, roundtrips);
    double elapsed = zperf_now_us() - start;
    zmq_msg_close(&msg);

    zperf_report_lat(size, roundtrips, elapsed);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
