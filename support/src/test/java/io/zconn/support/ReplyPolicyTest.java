package io.zconn.support;

import io.zconn.engine.Message;
import io.zconn.engine.SocketType;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyPolicyTest {
    private static final Message EMPTY_REPLY = Message.of("");
    private static final Message OK = Message.of("ok");

    @Test
    void aFailedRepOrRouterRequestGetsAnEmptyReplyByDefault() {
        assertThat(ReplyPolicy.DEFAULT).isSameAs(ReplyPolicy.EMPTY);
        assertThat(ReplyPolicy.DEFAULT.answer(SocketType.REP, null, true)).isEqualTo(EMPTY_REPLY);
        assertThat(ReplyPolicy.DEFAULT.answer(SocketType.ROUTER, null, true)).isEqualTo(EMPTY_REPLY);
        assertThat(ReplyPolicy.DEFAULT.answer(SocketType.REP, OK, true)).as("a failure never sends a reply")
                .isEqualTo(EMPTY_REPLY);
    }

    @Test
    void noneLeavesAFailedRequestUnanswered() {
        assertThat(ReplyPolicy.NONE.answer(SocketType.REP, null, true)).isNull();
        assertThat(ReplyPolicy.NONE.answer(SocketType.ROUTER, null, true)).isNull();
    }

    @Test
    void repAlwaysAnswersASuccessfulCallEvenWithoutAReply() {
        for (ReplyPolicy p : ReplyPolicy.values()) {
            assertThat(p.answer(SocketType.REP, null, false)).isEqualTo(EMPTY_REPLY);
            assertThat(p.answer(SocketType.REP, new Message(), false)).isEqualTo(EMPTY_REPLY);
            assertThat(p.answer(SocketType.REP, OK, false)).isSameAs(OK);
        }
    }

    @Test
    void routerDealerAndPairSendOnlyAGivenReplyOnSuccess() {
        for (SocketType t : new SocketType[] {SocketType.ROUTER, SocketType.DEALER, SocketType.PAIR}) {
            assertThat(ReplyPolicy.EMPTY.answer(t, null, false)).isNull();
            assertThat(ReplyPolicy.EMPTY.answer(t, OK, false)).isSameAs(OK);
        }
        assertThat(ReplyPolicy.EMPTY.answer(SocketType.DEALER, null, true)).isNull();
        assertThat(ReplyPolicy.EMPTY.answer(SocketType.PULL, OK, false)).isNull();
        assertThat(ReplyPolicy.canReply(SocketType.PULL)).isFalse();
        assertThat(ReplyPolicy.canReply(SocketType.PAIR)).isTrue();
    }

    @Test
    void parsesCaseInsensitivelyAndNamesTheProperty() {
        assertThat(ReplyPolicy.parse("replyOnFailure", " none ")).isSameAs(ReplyPolicy.NONE);
        assertThat(ReplyPolicy.parse("replyOnFailure", null)).isSameAs(ReplyPolicy.EMPTY);
        assertThatThrownBy(() -> ReplyPolicy.parse("replyOnFailure", "maybe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replyOnFailure")
                .hasMessageContaining("maybe");
    }
}
