package io.zconn.osgi.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the shared engine context, PID {@code io.zconn.context}. */
@ObjectClassDefinition(id = "io.zconn.context", name = "zconn context",
        description = "The engine context shared by all zconn sockets. Changing it closes and re-creates every socket.")
@interface ContextConfig {
    /** @return I/O threads */
    @AttributeDefinition(name = "I/O threads", min = "1", max = "64",
            description = "Number of I/O threads (1 to 64). Each serves many connections; one is enough for"
                    + " most applications.")
    int io_threads() default 1;
}
