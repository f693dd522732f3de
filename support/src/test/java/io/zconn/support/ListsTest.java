package io.zconn.support;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ListsTest {
    @Test
    void splitsOnCommasOnlyAndKeepsInnerSpaces() {
        assertThat(Lists.split(" news today , weather ")).containsExactly("news today", "weather");
        assertThat(Lists.splitKeepingEmpty("news today")).containsExactly("news today");
    }

    @Test
    void emptyPiecesBetweenCommasAreIgnored() {
        assertThat(Lists.split("a,,b,")).containsExactly("a", "b");
        assertThat(Lists.splitKeepingEmpty("a,,b,")).as("a stray comma never subscribes to everything")
                .containsExactly("a", "b");
    }

    @Test
    void anEmptyTextIsTheEmptyEntryOnlyWhereItMeansSomething() {
        assertThat(Lists.split("")).isEmpty();
        assertThat(Lists.split(" ")).isEmpty();
        assertThat(Lists.splitKeepingEmpty("")).containsExactly("");
        assertThat(Lists.splitKeepingEmpty(" ")).containsExactly("");
        assertThat(Lists.split(null)).isEmpty();
        assertThat(Lists.splitKeepingEmpty(null)).isEmpty();
    }

    @Test
    void arraysAndCollectionsAreSplitElementByElement() {
        assertThat(Lists.split(new String[] {"tcp://a:1, tcp://b:2", "tcp://c:3"}))
                .containsExactly("tcp://a:1", "tcp://b:2", "tcp://c:3");
        assertThat(Lists.splitKeepingEmpty(new String[] {"x", ""})).containsExactly("x", "");
        assertThat(Lists.splitKeepingEmpty(List.of("", "y z"))).containsExactly("", "y z");
    }
}
