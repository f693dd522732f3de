package io.zconn.itests.arquillian.app;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Where the test MDBs put what they receive, per channel. */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Inbox {
    private final Map<String, BlockingQueue<String>> channels = new ConcurrentHashMap<>();

    private BlockingQueue<String> channel(String name) {
        return channels.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
    }

    public void add(String channel, String text) {
        channel(channel).add(text);
    }

    public String poll(String channel, long millis) throws InterruptedException {
        return channel(channel).poll(millis, TimeUnit.MILLISECONDS);
    }
}
