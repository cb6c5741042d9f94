package dev.jclip.search.fetch;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Which addresses a fetch may connect to: public unicast only. Refused are the unspecified
 * address, loopback, link-local (169.254/16 holds cloud metadata services), private (10/8,
 * 172.16/12, 192.168/16, IPv6 unique local fc00::/7 and site-local fec0::/10), carrier-grade NAT
 * (100.64/10), multicast, broadcast and the reserved IPv4 blocks; IPv6 forms that embed an IPv4
 * address (mapped, translated ::ffff:0:0/96, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are
 * judged by that address.
 */
public final class AddressCheck {
    private static final Pattern CANONICAL_V4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** Digits, dots and hex prefixes only: a number in some notation rather than a name. */
    private static final Pattern NUMERIC_LOOKING = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]*))*\\.?");

    private AddressCheck() {
    }

    /**
     * Why a host written as {@code host} must not be resolved at all, or null. Numeric hosts other
     * than canonical dotted quads (2130706433, 0177.0.0.1, 0x7f.1, 127.1) are refused: resolvers
     * disagree on them (Java reads 0177 as decimal 177, curl and browsers as octal 127), so what
     * is checked here might not be what another tool would reach.
     */
    public static String hostRefusal(String host) {
        if (host.startsWith("[")) {
            return null; // an IPv6 literal: java.net.URI already validated it
        }
        if (NUMERIC_LOOKING.matcher(host).matches() && !CANONICAL_V4.matcher(host).matches()) {
            return "the host '" + host + "' is a non-canonical numeric IPv4 form (write it as a dotted quad a.b.c.d)";
        }
        return null;
    }

    /** Why {@code a} is not a public unicast address, or null when it is. */
    public static String refusal(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (a.isSiteLocalAddress()) {
            return "a private address";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            Inet4Address embedded = embeddedV4(b);
            if (embedded != null) {
                String why = refusal(embedded);
                return why == null ? null : why + " (embedded in " + a.getHostAddress() + ")";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique local (private) IPv6 address";
            }
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            int o0 = b[0] & 0xff, o1 = b[1] & 0xff;
            if (o0 == 0) {
                return "an address in 0.0.0.0/8 (this network)";
            }
            if (o0 == 100 && o1 >= 64 && o1 < 128) {
                return "a carrier-grade NAT (shared, private) address";
            }
            if (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0) {
                return "an IETF protocol assignment address (192.0.0.0/24)";
            }
            if (o0 == 198 && (o1 == 18 || o1 == 19)) {
                return "a benchmarking address (198.18.0.0/15)";
            }
            if (o0 >= 240) {
                return "a reserved or broadcast address";
            }
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address. */
    private static Inet4Address embeddedV4(byte[] b) {
        boolean zero10 = true;
        for (int i = 0; i < 10; i++) {
            zero10 &= b[i] == 0;
        }
        int off = -1;
        boolean zero8 = allZero(b, 0, 8);
        if (zero8 && b[8] == (byte) 0xff && b[9] == (byte) 0xff && b[10] == 0 && b[11] == 0) {
            off = 12; // IPv4-translated ::ffff:0:a.b.c.d (SIIT)
        } else if (zero10 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0 && !allZero(b, 12, 16)))) {
            off = 12; // ::ffff:a.b.c.d and the deprecated ::a.b.c.d
        } else if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12)) {
            off = 12; // NAT64 64:ff9b::a.b.c.d
        } else if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            off = 2; // 6to4 2002:aabb:ccdd::
        }
        if (off < 0) {
            return null;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[]{b[off], b[off + 1], b[off + 2], b[off + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
