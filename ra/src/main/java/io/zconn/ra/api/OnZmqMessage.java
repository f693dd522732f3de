package io.zconn.ra.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method of a {@link ZmqListener} MDB that receives messages. The method takes one
 * parameter, a {@link ZmqMessage}, a {@code String} (first frame as UTF-8) or a {@code byte[]}
 * (first frame), and returns {@code void} or a {@link ZmqMessage}/{@code String}/{@code byte[]}
 * which, for request/reply activations, is sent back as the reply.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnZmqMessage {
}
