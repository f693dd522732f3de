/*
 * scale_dealers <connect-endpoint> <message-size> <dealers> <reply-count>: that many DEALERs in one
 * thread with zmq_poll, each keeping one request in flight to a scale_router; replies per second
 * after the set-up round trip and ZPERF_WARMUP replies (see ScaleTools.java).
 */
#include "scale_util.h"

int main(int argc, char *argv[])
{
    if (argc != 5) {
        fprintf(stderr, "usage: scale_dealers <connect-endpoint> <message-size> <dealers> <reply-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[2], "message size", 0);
    int dealers = (int) zperf_arg(argv[3], "dealers", 1);
    long count = zperf_arg(argv[4], "reply count", 1);
    long rcvtimeo = zperf_env_int("ZPERF_RCVTIMEO_MS", -1);

    void *ctx = zperf_ctx(dealers);
    void **s = calloc((size_t) dealers, sizeof *s);
    zmq_pollitem_t *items = calloc((size_t) dealers, sizeof *items);
    if (!s || !items) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (int i = 0; i < dealers; i++) {
        s[i] = zperf_socket(ctx, ZMQ_DEALER);
        zperf_setopt(s[i], ZMQ_LINGER, 0, "zmq_setsockopt(ZMQ_LINGER)");
        if (zmq_connect(s[i], argv[1]) != 0) {
            zperf_fail("zmq_connect");
        }
        items[i].socket = s[i];
        items[i].events = ZMQ_POLLIN;
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    int tag;

    /* set-up: one round trip per DEALER, untimed */
    for (int i = 0; i < dealers; i++) {
        zperf_send_new(s[i], size);
    }
    long pending = dealers;
    double t0 = zperf_now_us();
    while (pending > 0) {
        if (zperf_elapsed_ms(t0) > zperf_setup_timeout_ms()) {
            fprintf(stderr, "error: %ld of %d DEALERs got a reply in %ld ms\n", dealers - pending, dealers,
                    zperf_setup_timeout_ms());
            return 2;
        }
        int n = zmq_poll(items, dealers, 100);
        if (n < 0) {
            zperf_fail("zmq_poll");
        }
        for (int i = 0; i < dealers && n > 0; i++) {
            if (items[i].revents & ZMQ_POLLIN) {
                int got;
                while ((got = zperf_try_recv(s[i], &msg, &tag)) >= 0) {
                    zperf_check_size((size_t) got, size);
                    pending--;
                }
            }
        }
    }

    long warm = zperf_warmup();
    long total = warm + count, sent = 0, received = 0;
    double start = zperf_now_us();
    for (int i = 0; i < dealers && sent < total; i++) {
        zperf_send_new(s[i], size);
        sent++;
    }
    double progress = zperf_now_us();
    while (received < total) {
        int n = zmq_poll(items, dealers, 100);
        if (n < 0) {
            zperf_fail("zmq_poll");
        }
        if (n == 0) {
            if (rcvtimeo >= 0 && zperf_elapsed_ms(progress) > rcvtimeo) {
                fprintf(stderr, "error: received %ld of %ld replies (none for %ld ms)\n", received, total, rcvtimeo);
                return 2;
            }
            continue;
        }
        progress = zperf_now_us();
        for (int i = 0; i < dealers; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) {
                continue;
            }
            int got;
            while ((got = zperf_try_recv(s[i], &msg, &tag)) >= 0) {
                zperf_check_size((size_t) got, size);
                received++;
                if (received == warm) {
                    start = zperf_now_us();
                }
                if (sent < total) {
                    zperf_send_new(s[i], size);
                    sent++;
                }
            }
        }
    }
    double elapsed = zperf_now_us() - start;
    long rss = zperf_rss_bytes();
    printf("dealers: %d\n", dealers);
    printf("message size: %d [B]\n", (int) size);
    printf("replies: %ld\n", count);
    printf("mean throughput: %ld [msg/s]\n", zperf_rate(count, elapsed));
    zperf_report_rss(rss);

    zmq_msg_close(&msg);
    for (int i = 0; i < dealers; i++) {
        zmq_close(s[i]);
    }
    zmq_ctx_term(ctx);
    return 0;
}
