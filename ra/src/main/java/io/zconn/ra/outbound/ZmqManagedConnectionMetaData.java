package io.zconn.ra.outbound;

import jakarta.resource.spi.ManagedConnectionMetaData;

/** Describes the "EIS" behind a zconn managed connection: ZeroMQ, spoken by the zconn engine. */
public final class ZmqManagedConnectionMetaData implements ManagedConnectionMetaData {
    @Override
    public String getEISProductName() {
        return "ZeroMQ (zconn engine, ZMTP 3.1)";
    }

    @Override
    public String getEISProductVersion() {
        return "3.1";
    }

    /** @return 0: no limit other than the pool's */
    @Override
    public int getMaxConnections() {
        return 0;
    }

    /** @return an empty string: ZeroMQ connections carry no user */
    @Override
    public String getUserName() {
        return "";
    }
}
