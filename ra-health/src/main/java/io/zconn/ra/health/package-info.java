/**
 * MicroProfile Health checks over the zconn resource adapter's statistics MBeans: add this jar to an
 * application on a server with MicroProfile Health (WildFly with microprofile-health-smallrye, Payara,
 * Open Liberty with mpHealth) and {@code /health/ready} and {@code /health/live} include {@code zconn}.
 */
package io.zconn.ra.health;
