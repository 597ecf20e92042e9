/* qvpn_obs.h — the normalised observation of one frame, the engine's only input.
 *
 * The epan glue fills one of these per frame from other dissectors' fields and from
 * the bytes of their protocols' headers, which qvpn_wire.h reads; the engine never
 * sees a tvb, a tree or a field name.  The comment on each member names the
 * Wireshark field it comes from or matches.  Nothing here is trusted: every value
 * may be absent, truncated or hostile, and the engine copes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_OBS_H
#define QVPN_OBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A network address as the engine compares it: IPv4 (len 4) or IPv6 (len 16). */
typedef struct qvpn_addr {
    uint8_t len;            /* 0 = none, 4 = IPv4, 16 = IPv6 */
    uint8_t bytes[16];
} qvpn_addr;

/* TCP flag bits as in the header (tcp.flags). */
enum {
    QVPN_TCP_FIN = 0x01,
    QVPN_TCP_SYN = 0x02,
    QVPN_TCP_RST = 0x04,
    QVPN_TCP_PSH = 0x08,
    QVPN_TCP_ACK = 0x10
};

/* TLS record content types (tls.record.content_type). */
enum {
    QVPN_TLS_CT_CCS       = 20,
    QVPN_TLS_CT_ALERT     = 21,
    QVPN_TLS_CT_HANDSHAKE = 22,
    QVPN_TLS_CT_APPDATA   = 23
};

/* TLS handshake types (tls.handshake.type), as bits of qvpn_tls_obs.hs_types. */
enum {
    QVPN_TLS_HS_CLIENT_HELLO = 1,
    QVPN_TLS_HS_SERVER_HELLO = 2,
    QVPN_TLS_HS_CERTIFICATE  = 11,
    QVPN_TLS_HS_SERVER_DONE  = 14,
    QVPN_TLS_HS_CLIENT_KEX   = 16,
    QVPN_TLS_HS_FINISHED     = 20
};

/* ISAKMP exchange types (isakmp.exchangetype); the header is read, under its RFC
 * diagram, in qvpn_wire.c. */
enum {
    QVPN_IKE_EXCH_MAIN_MODE   = 2,   /* IKEv1 Identity Protection */
    QVPN_IKE_EXCH_AGGRESSIVE  = 4,
    QVPN_IKE_EXCH_INFO_V1     = 5,
    QVPN_IKE_EXCH_TRANSACTION = 6,   /* XAUTH, Mode Config (draft-ietf-ipsec-isakmp-mode-cfg) */
    QVPN_IKE_EXCH_QUICK_MODE  = 32,
    QVPN_IKE_EXCH_SA_INIT     = 34,  /* IKEv2 */
    QVPN_IKE_EXCH_AUTH        = 35,
    QVPN_IKE_EXCH_CHILD_SA    = 36,
    QVPN_IKE_EXCH_INFO_V2     = 37,
    QVPN_IKE_EXCH_INTERMEDIATE = 43
};

/* isakmp.flags bits */
enum {
    QVPN_IKE_FLAG_V1_ENCRYPTED = 0x01,
    QVPN_IKE_FLAG_V2_INITIATOR = 0x08,
    QVPN_IKE_FLAG_V2_RESPONSE  = 0x20
};

/* Payload types worth a bit in qvpn_ike_obs.payloads (isakmp.typepayload). */
enum {
    QVPN_IKE_PL_SA     = 1,
    QVPN_IKE_PL_KE     = 4,
    QVPN_IKE_PL_ID     = 5,
    QVPN_IKE_PL_HASH   = 8,
    QVPN_IKE_PL_NONCE  = 10,
    QVPN_IKE_PL_NOTIFY = 11,
    QVPN_IKE_PL_DELETE = 12,
    QVPN_IKE_PL_VID    = 13,
    QVPN_IKE_PL_NATD   = 20,
    QVPN_IKE_PL_V2_SA  = 33,
    QVPN_IKE_PL_V2_SK  = 46,
    QVPN_IKE_PL_V2_SKF = 53
};

#define QVPN_MAX_NOTIFY 4

/* Bytes of a frame the engine reads evidence from (qvpn_evidence.c), through the
 * core's readers.  Borrowed: valid during qvpn_engine_feed() only, never kept. */
typedef struct qvpn_span {
    const uint8_t *p;
    size_t         len;     /* captured bytes; 0 = none */
} qvpn_span;

typedef struct qvpn_tcp_obs {
    bool     present;
    uint32_t stream;        /* tcp.stream */
    uint16_t flags;         /* tcp.flags */
    uint32_t seg_len;       /* tcp.len */
} qvpn_tcp_obs;

typedef struct qvpn_tls_obs {
    uint32_t content_types; /* bit n set: a record of tls.record.content_type n */
    uint32_t hs_types;      /* bit n set: tls.handshake.type n (n < 32), SSLv2 too */
    bool     sslv2;         /* tls.record.version == 0x0002 */
    uint8_t  alert_level;   /* tls.alert_message.level; 0 = not visible (encrypted) */
    uint8_t  alert_desc;    /* tls.alert_message.desc */
    qvpn_span hello;        /* the TLS item's records, on frames with a ClientHello or
                               ServerHello (SSLv2 too): read for the offered suites */
} qvpn_tls_obs;

typedef struct qvpn_ike_obs {
    bool     present;
    uint8_t  version;       /* 1 or 2, from isakmp.version / isakmp.mjver */
    uint8_t  exch;          /* isakmp.exchangetype */
    uint8_t  flags;         /* isakmp.flags */
    uint8_t  ispi[8];       /* isakmp.ispi */
    uint8_t  rspi[8];       /* isakmp.rspi */
    uint32_t msgid;         /* isakmp.messageid */
    uint32_t length;        /* isakmp.length */
    uint64_t payloads;      /* bit n set: a payload of type n (n < 64) in the
                               message's chain, as isakmp.typepayload but without
                               the SA's Proposal (2) and Transform (3) substructures */
    uint16_t notify[QVPN_MAX_NOTIFY]; /* isakmp.notify.msgtype, cleartext, in order */
    uint8_t  n_notify;
    uint8_t  sk_inner;      /* next payload of IKEv2's SK/SKF payload: type of the
                               first encrypted payload (41 = Notify), 0 if none */
    bool     nat_t;         /* carried on UDP 4500 (non-ESP marker) */
    bool     malformed;     /* its payload chain does not hold together (qvpn_wire.c):
                               Wireshark calls it malformed, qvpn leaves it out */
    qvpn_span msg;          /* the message, header included, as captured (or as
                               Wireshark reassembled it from IP fragments) */
    qvpn_span decrypted;    /* what Wireshark decrypted with the user's keys (data source
                               "Decrypted IKE" / "Decrypted Data"; qvpn_decrypted.h) */
    /* Set by the engine, not the glue, once it read `decrypted`: */
    bool     decrypted_ok;  /* its payloads were read: notify[] and payloads include them */
    uint8_t  notify_dec;    /* bit i: notify[i] was read from the decrypted bytes */
} qvpn_ike_obs;

typedef struct qvpn_esp_obs {
    bool     present;
    uint32_t spi;           /* esp.spi */
    uint32_t seq;           /* esp.sequence */
    bool     udp_encap;     /* ESP in UDP 4500 (RFC 3948) */
    bool     ah;            /* AH (IP 51, RFC 4302) rather than ESP: ah.spi, ah.sequence */
    qvpn_span inner;        /* the packet ESP carries, when Wireshark decrypted it with
                               the user's esp_sa keys (its first IP item after ESP) */
} qvpn_esp_obs;

typedef struct qvpn_obs {
    uint32_t     frame;     /* frame.number, strictly increasing on the first pass */
    int64_t      ts_ns;     /* frame.time_epoch in nanoseconds */
    int64_t      rel_ts_ns; /* frame.time_relative in nanoseconds (for statistics) */
    qvpn_addr    src;       /* pinfo->src */
    qvpn_addr    dst;       /* pinfo->dst */
    uint16_t     sport;     /* tcp/udp source port, 0 if none */
    uint16_t     dport;
    qvpn_tcp_obs tcp;
    qvpn_tls_obs tls;
    qvpn_ike_obs ike;
    qvpn_esp_obs esp;
    bool         nat_keepalive; /* a NAT-T keepalive: UDP payload of one byte 0xFF */
    qvpn_span    ip_frag;   /* the outermost IP header when the frame is an IP fragment
                               (IPv4 MF or offset; IPv6 Fragment header) ... */
    bool         ip_frag_v6; /* ... an IPv6 one */
    qvpn_span    icmp;      /* an ICMP error (type on) and the packet it quotes ... */
    bool         icmp_v6;   /* ... ICMPv6 */
} qvpn_obs;

#ifdef __cplusplus
}
#endif

#endif /* QVPN_OBS_H */
