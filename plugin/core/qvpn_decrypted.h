/* qvpn_decrypted.h — what Wireshark decrypted with the user's keys, read as bytes:
 * the payloads inside an encrypted IKE message, and the first bytes of the packet a
 * decrypted ESP carries (the tunnel's inside).
 *
 * Where the bytes come from (the glue, plugin/qvpn_fields.c):
 *   - IKEv1: the data source "Decrypted IKE", the message body after the 28-byte
 *     header, decrypted, padding included; the chain starts with the header's next
 *     payload.
 *   - IKEv2: the data source "Decrypted Data" of an SK payload: the inner payloads,
 *     then padding, then the pad-length byte (RFC 7296 3.14); the chain starts with
 *     the SK payload's next payload.
 *   - ESP: the first IP header Wireshark dissected after ESP's (its data source is
 *     the decrypted payload).
 *
 * Readers bounded by the bytes given, never by a length field; they never allocate
 * and keep no pointer into the bytes in what they return (the engine keeps the
 * result past the frame).  Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_DECRYPTED_H
#define QVPN_DECRYPTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qvpn_obs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One traffic selector (IKEv2 TS, RFC 7296 3.13.1) or proxy identity (IKEv1
 * Quick Mode ID, RFC 2407 4.6.2): addresses lo..hi, IP protocol, ports. */
typedef struct qvpn_ts {
    qvpn_addr lo, hi;       /* a single address: lo == hi */
    uint8_t   prefix;       /* the prefix length when lo..hi is one subnet (an
                               IPV4_ADDR_SUBNET ID, or a range that is exactly one);
                               0xff when it is no subnet */
    uint8_t   proto;        /* IP protocol; 0 = any */
    uint16_t  port_lo, port_hi;  /* 0..65535 = any */
} qvpn_ts;

#define QVPN_TS_MAX 4           /* selectors kept per side; more are counted */
#define QVPN_DEL_MAX_SPI 8      /* SPIs kept per Delete payload */
#define QVPN_CFG_MAX_SPLIT 4    /* split networks kept */

/* DPD (RFC 3706) and its IKEv1 notify types. */
enum {
    QVPN_NOTIFY_R_U_THERE     = 36136,
    QVPN_NOTIFY_R_U_THERE_ACK = 36137
};

/* Configuration exchange message types: IKEv1 Attribute payload (type 14,
 * draft-dukes-ike-mode-cfg) and IKEv2 CP (type 47, RFC 7296 3.15). */
enum {
    QVPN_CFG_REQUEST = 1,
    QVPN_CFG_REPLY   = 2,
    QVPN_CFG_SET     = 3,       /* IKEv1 only */
    QVPN_CFG_ACK     = 4        /* IKEv1 only */
};

/* What an encrypted IKE message holds, as far as qvpn uses it. */
typedef struct qvpn_ike_inner {
    uint64_t  payloads;         /* bit n: a payload of type n (n < 64) */
    bool      malformed;        /* a length that does not fit: what was read is kept */

    /* Notifications, error and status, in message order. */
    uint16_t  notify[QVPN_MAX_NOTIFY];
    uint8_t   n_notify;
    bool      dpd;              /* an R-U-THERE or R-U-THERE-ACK (IKEv1) ... */
    uint16_t  dpd_type;         /* ... which one ... */
    uint32_t  dpd_seq;          /* ... its sequence number (notify data, 4 bytes) */
    uint32_t  rekey_spi;        /* IKEv2 REKEY_SA (16393): the SPI of the SA replaced */

    /* Phase 2: IKEv1 Quick Mode's SA/ID payloads, IKEv2 SA/TSi/TSr. */
    bool      has_sa;           /* an SA payload: its first proposal below */
    uint8_t   sa_protocol;      /* 2 AH, 3 ESP (1: an IKE SA, IKEv2 rekey) */
    uint32_t  sa_spi;           /* the first proposal's SPI (4-byte SPIs only) */
    bool      has_sa_ike_spi;   /* ... an 8-byte SPI: an IKEv2 CREATE_CHILD_SA rekeying the
                                   IKE SA names the new SA's SPI of its sender ... */
    uint8_t   sa_ike_spi[8];    /* ... here (RFC 7296 1.3.2) */
    char      sa_text[400];     /* its suites as qvpn_ike_suites_text (qvpn_ike_sa.h),
                                   "" when none */
    uint16_t  pfs_group;        /* the KE payload's D-H group (PFS), 0 if none */
    qvpn_ts   ts_i[QVPN_TS_MAX], ts_r[QVPN_TS_MAX];  /* IKEv1: IDci, IDcr (the first and
                                   second ID payloads of Quick Mode); IKEv2: TSi, TSr */
    uint8_t   n_ts_i, n_ts_r;   /* kept */
    uint8_t   more_ts;          /* selectors over QVPN_TS_MAX, not kept */

    /* Delete payloads (IKEv1 type 12, IKEv2 type 42). */
    uint8_t   del_protocol;     /* 1 IKE/ISAKMP, 2 AH, 3 ESP; 0 no Delete */
    uint32_t  del_spi[QVPN_DEL_MAX_SPI];  /* 4-byte SPIs (AH/ESP); IKE SAs have none */
    uint8_t   n_del_spi;        /* kept; an IKE SA delete has 0 */

    /* Identity (IKEv1 phase 1 IDii/IDir in MM5/MM6/AM; IKEv2 IDi/IDr), as text:
     * "192.0.2.1", "fqdn:vpn.example.com", "user:bob@example.com", "der-asn1-dn"; ""
     * when none. */
    char      identity[96];
    bool      has_auth;         /* IKEv2 AUTH payload (type 39) */

    /* XAUTH / Mode Config (IKEv1 Attribute payload), IKEv2 CP. */
    uint8_t   cfg_type;         /* QVPN_CFG_*; 0 = no such payload */
    bool      xauth_asked;      /* XAUTH-USER-NAME or XAUTH-USER-PASSWORD (16521/16522)
                                   in a REQUEST */
    bool      has_xauth_status; /* XAUTH-STATUS (16527) in a SET ... */
    bool      xauth_ok;         /* ... its value (1 OK, 0 FAIL) */
    qvpn_addr cfg_address;      /* INTERNAL_IP4_ADDRESS (1) / INTERNAL_IP6_ADDRESS (8)
                                   in a REPLY or SET; len 0 when none */
    qvpn_ts   split[QVPN_CFG_MAX_SPLIT];  /* Cisco UNITY_SPLIT_INCLUDE (28676) entries,
                                   IKEv2 INTERNAL_IP4_SUBNET (13) / IP6 (15) */
    uint8_t   n_split;
} qvpn_ike_inner;

/* The payload chain of decrypted IKE bytes (see above: major says whether the
 * pad-length byte of IKEv2 ends them), starting with a payload of type first, from
 * an exchange exch (QVPN_IKE_EXCH_*: which ID payloads are phase 2's).  False when
 * not one payload could be read. */
bool qvpn_ike_inner_read(uint8_t major, uint8_t exch, uint8_t first,
                         const uint8_t *p, size_t len, qvpn_ike_inner *out);

/* A selector as text: "192.168.5.0/24", "10.1.1.1", "10.0.0.1-10.0.0.9",
 * "0.0.0.0/0", "::/0"; ":udp/500" or ":proto 47" appended when not any.  Always
 * NUL-terminates; returns the length written. */
size_t qvpn_ts_text(const qvpn_ts *ts, char *buf, size_t len);
/* Several, ", "-separated; "+N more" when more_ts. */
size_t qvpn_ts_list_text(const qvpn_ts *ts, size_t n, uint8_t more, char *buf, size_t len);

/* --- the tunnel's inside ---------------------------------------------------------- */

/* ICMP echo kinds (either family). */
enum {
    QVPN_INNER_OTHER = 0,
    QVPN_INNER_ECHO_REQUEST,
    QVPN_INNER_ECHO_REPLY
};

typedef struct qvpn_inner_pkt {
    qvpn_addr src, dst;
    uint8_t   proto;            /* IP protocol (IPv6: the upper layer after extension
                                   headers, as far as they were read) */
    uint16_t  sport, dport;     /* TCP/UDP; 0 otherwise */
    uint8_t   tcp_flags;        /* TCP */
    uint8_t   echo;             /* QVPN_INNER_* for ICMP/ICMPv6 */
    uint16_t  echo_id, echo_seq;
} qvpn_inner_pkt;

/* An IPv4 or IPv6 packet (the version nibble says which) as far as captured. */
bool qvpn_inner_pkt_read(const uint8_t *p, size_t len, qvpn_inner_pkt *out);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_DECRYPTED_H */
