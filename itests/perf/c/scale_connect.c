/*
 * scale_connect <connect-endpoint> <connections> <concurrency>: opens concurrency DEALERs at a
 * time to a scale_router (1-byte requests); each connects, sends one byte and waits for the echo,
 * then all are closed (LINGER 0). ZPERF_WARMUP connections first, untimed; connections per second
 * (see ScaleTools.java).
 */
#include "scale_util.h"

int main(int argc, char *argv[])
{
    if (argc != 4) {
        fprintf(stderr, "usage: scale_connect <connect-endpoint> <connections> <concurrency>\n");
        return 1;
    }
    long connections = zperf_arg(argv[2], "connections", 1);
    int concurrency = (int) zperf_arg(argv[3], "concurrency", 1);
    int timeout = (int) zperf_setup_timeout_ms();

    void *ctx = zperf_ctx(concurrency * 4);
    void **batch = calloc((size_t) concurrency, sizeof *batch);
    if (!batch) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    long warm = zperf_warmup();
    long total = warm + connections, done = 0;
    int timing = warm == 0;
    double start = zperf_now_us();
    while (done < total) {
        int n = (int) (total - done < concurrency ? total - done : concurrency);
        for (int i = 0; i < n; i++) {
            void *s = zmq_socket(ctx, ZMQ_DEALER);
            if (!s) {
                zperf_fail("zmq_socket");
            }
            zperf_setopt(s, ZMQ_LINGER, 0, "zmq_setsockopt(ZMQ_LINGER)");
            zperf_setopt(s, ZMQ_RCVTIMEO, timeout, "zmq_setsockopt(ZMQ_RCVTIMEO)");
            if (zmq_connect(s, argv[1]) != 0) {
                zperf_fail("zmq_connect");
            }
            if (zmq_send(s, "C", 1, 0) < 0) {
                zperf_fail("zmq_send");
            }
            batch[i] = s;
        }
        for (int i = 0; i < n; i++) {
            if (zmq_msg_recv(&msg, batch[i], 0) < 0) {
                if (zmq_errno() == EAGAIN) {
                    fprintf(stderr, "error: %ld of %ld connections done; no echo in %d ms\n", done, total, timeout);
                    return 2;
                }
                zperf_fail("zmq_msg_recv");
            }
            zperf_check_size(zmq_msg_size(&msg), 1);
        }
        for (int i = 0; i < n; i++) {
            zmq_close(batch[i]);
        }
        done += n;
        if (!timing && done >= warm) {
            timing = 1;
            start = zperf_now_us();
            total = done + connections;
        }
    }
    double elapsed = zperf_now_us() - start;
    printf("connections: %ld, %d at a time\n", connections, concurrency);
    printf("connection rate: %ld [conn/s]\n", zperf_rate(connections, elapsed));
    fflush(stdout);
    zmq_msg_close(&msg);
    zmq_ctx_term(ctx);
    return 0;
}
