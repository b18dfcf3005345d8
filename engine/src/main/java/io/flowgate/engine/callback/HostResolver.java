package io.flowgate.engine.callback;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Looks up the addresses of a callback host; an IP literal comes back as itself, unqueried. */
@FunctionalInterface
interface HostResolver {

  List<InetAddress> resolve(String host) throws UnknownHostException;
}
