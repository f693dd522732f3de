/*
 * scale_sub <endpoint> <control-endpoint> <message-size> <subscribers> <message-count>: the SUB
 * side of the pubsub scale row (see ScaleTools.java): that many SUBs in one thread with zmq_poll;
 * reports the data messages delivered to all of them together per second and its memory.
 */
#include "scale_util.h"

#define BATCH 256

int main(int argc, char *argv[])
{
    if (argc != 6) {
        fprintf(stderr, "usage: scale_sub <endpoint> <control-endpoint> <message-size> <subscribers> <message-count>\n");
        return 1;
    }
    size_t size = (size_t) zperf_arg(argv[3], "message size", 1);
    int subs = (int) zperf_arg(argv[4], "subscribers", 1);
    long count = zperf_arg(argv[5], "message count", 1);
    long rcvtimeo = zperf_env_int("ZPERF_RCVTIMEO_MS", -1);

    void *ctx = zperf_ctx(subs + 1);
    void **s = calloc((size_t) subs, sizeof *s);
    zmq_pollitem_t *items = calloc((size_t) subs, sizeof *items);
    long *delivered = calloc((size_t) subs, sizeof *delivered);
    char *heard = calloc((size_t) subs, 1);
    char *ended = calloc((size_t) subs, 1);
    if (!s || !items || !delivered || !heard || !ended) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (int i = 0; i < subs; i++) {
        s[i] = zperf_socket(ctx, ZMQ_SUB);
        zperf_setopt(s[i], ZMQ_LINGER, 0, "zmq_setsockopt(ZMQ_LINGER)");
        if (zmq_setsockopt(s[i], ZMQ_SUBSCRIBE, "", 0) != 0) {
            zperf_fail("zmq_setsockopt(ZMQ_SUBSCRIBE)");
        }
        if (zmq_connect(s[i], argv[1]) != 0) {
            zperf_fail("zmq_connect");
        }
        items[i].socket = s[i];
        items[i].events = ZMQ_POLLIN;
    }
    void *ctl = zperf_socket(ctx, ZMQ_PUSH);
    zperf_setopt(ctl, ZMQ_LINGER, 1000, "zmq_setsockopt(ZMQ_LINGER)");
    if (zmq_connect(ctl, argv[2]) != 0) {
        zperf_fail("zmq_connect");
    }
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    int tag;

    /* set-up: every SUB has a tick */
    int heard_count = 0;
    double t0 = zperf_now_us();
    while (heard_count < subs) {
        if (zperf_elapsed_ms(t0) > zperf_setup_timeout_ms()) {
            fprintf(stderr, "error: %d of %d SUBs heard the PUB in %ld ms\n", heard_count, subs,
                    zperf_setup_timeout_ms());
            return 2;
        }
        int n = zmq_poll(items, subs, 100);
        if (n < 0) {
            zperf_fail("zmq_poll");
        }
        for (int i = 0; i < subs && n > 0; i++) {
            if (items[i].revents & ZMQ_POLLIN) {
                while (zperf_try_recv(s[i], &msg, &tag) >= 0) {
                    if (!heard[i]) {
                        heard[i] = 1;
                        heard_count++;
                    }
                }
            }
        }
    }
    if (zmq_send(ctl, "R", 1, 0) < 0) {
        zperf_fail("zmq_send");
    }

    /* the measured part: until every SUB has an end mark */
    int ended_count = 0;
    long total = 0;
    double first = 0, last = 0, progress = zperf_now_us();
    while (ended_count < subs) {
        int n = zmq_poll(items, subs, 100);
        if (n < 0) {
            zperf_fail("zmq_poll");
        }
        if (n == 0) {
            if (rcvtimeo >= 0 && zperf_elapsed_ms(progress) > rcvtimeo) {
                fprintf(stderr, "error: %d of %d SUBs got the end mark; nothing for %ld ms (%ld data messages delivered)\n",
                        ended_count, subs, rcvtimeo, total);
                return 2;
            }
            continue;
        }
        progress = zperf_now_us();
        long before = total;
        for (int i = 0; i < subs; i++) {
            if (!(items[i].revents & ZMQ_POLLIN)) {
                continue;
            }
            for (int k = 0; k < BATCH; k++) {
                int got = zperf_try_recv(s[i], &msg, &tag);
                if (got < 0) {
                    break;
                }
                zperf_check_size((size_t) got, size);
                if (tag == ZPERF_DATA) {
                    if (total == 0) {
                        first = zperf_now_us();
                    }
                    delivered[i]++;
                    total++;
                } else if (tag == ZPERF_END && !ended[i]) {
                    ended[i] = 1;
                    ended_count++;
                }
            }
        }
        if (total != before) {
            last = zperf_now_us();
        }
    }
    if (zmq_send(ctl, "F", 1, 0) < 0) {
        zperf_fail("zmq_send");
    }
    long min = -1, max = 0;
    for (int i = 0; i < subs; i++) {
        if (min < 0 || delivered[i] < min) {
            min = delivered[i];
        }
        if (delivered[i] > max) {
            max = delivered[i];
        }
    }
    long rss = zperf_rss_bytes();
    printf("subscribers: %d\n", subs);
    printf("message size: %d [B]\n", (int) size);
    printf("messages sent: %ld\n", count);
    printf("delivered: %ld (%.1f %% of %d x %ld)\n", total, 100.0 * (double) total / ((double) count * subs), subs, count);
    printf("delivered per subscriber: min %ld, max %ld\n", min, max);
    printf("mean throughput: %ld [msg/s]\n", total < 2 ? 0 : zperf_rate(total - 1, last - first));
    zperf_report_rss(rss);

    zmq_msg_close(&msg);
    for (int i = 0; i < subs; i++) {
        zmq_close(s[i]);
    }
    zmq_close(ctl);
    zmq_ctx_term(ctx);
    return 0;
}
