package io.zconn.ra;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the adapter's log lines (logger {@code io.zconn.ra}) while open. */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.zconn.ra");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Level before = logger.getLevel();

    /** Starts collecting, from level INFO. */
    public LogCapture() {
        logger.setLevel(Level.INFO);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        lines.add(r.getLevel() + " " + r.getMessage());
    }

    /**
     * @param code e.g. {@code ZCONNRA0040}
     * @return how many lines carry it
     */
    public long count(String code) {
        return lines.stream().filter(l -> l.contains(code + ":")).count();
    }

    /** @return all lines so far */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(before);
    }
}
