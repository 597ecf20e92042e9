/* qvpn_wire.h — readers of the headers qvpn looks at, over a span of bytes.
 *
 * The glue finds a protocol's item in Wireshark's tree and hands its bytes over;
 * what the bytes mean is decided here, once, next to the RFC's diagram, and tested
 * without Wireshark (tests/unit/test_wire.c, tests/fuzz/fuzz_wire.c).  Every reader
 * takes (p, len) — len is what was captured, never what a length field claims —
 * and returns false when the span is too short or is not that protocol (p may be
 * NULL when len is 0); a reader never reads outside the span and never allocates.
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_WIRE_H
#define QVPN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qvpn_obs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --- network and transport headers --------------------------------------------- */

/* An IPv4 or IPv6 header, as far as qvpn uses it. */
typedef struct qvpn_ip_hdr {
    uint8_t   version;      /* 4 or 6 */
    uint8_t   proto;        /* IPv4 protocol, IPv6 next header */
    uint16_t  hdr_len;      /* IPv4: IHL * 4, whether or not the options were
                               captured; IPv6: the fixed 40 */
    qvpn_addr src;
    qvpn_addr dst;
} qvpn_ip_hdr;

/* IPv4 (RFC 791): 20 bytes, version 4, IHL at least 5. */
bool qvpn_ipv4_read(const uint8_t *p, size_t len, qvpn_ip_hdr *out);

/* IPv6 fixed header (RFC 8200): 40 bytes, version 6. */
bool qvpn_ipv6_read(const uint8_t *p, size_t len, qvpn_ip_hdr *out);

typedef struct qvpn_tcp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint8_t  data_offset;   /* header length in 32-bit words; 0 if not captured */
    bool     has_flags;     /* 14 bytes captured and a data offset of at least 5 */
    uint16_t flags;         /* the 12 low bits of bytes 12-13 (QVPN_TCP_*) */
} qvpn_tcp_hdr;

/* TCP (RFC 9293): the ports from 4 bytes on, the flags as has_flags says. */
bool qvpn_tcp_read(const uint8_t *p, size_t len, qvpn_tcp_hdr *out);

typedef struct qvpn_udp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint16_t length;        /* as the header says: header and data, untrusted */
} qvpn_udp_hdr;

/* UDP (RFC 768): 8 bytes. */
bool qvpn_udp_read(const uint8_t *p, size_t len, qvpn_udp_hdr *out);

typedef struct qvpn_esp_hdr {
    uint32_t spi;
    uint32_t seq;
    bool     has_seq;       /* 8 bytes captured */
} qvpn_esp_hdr;

/* ESP (RFC 4303): the SPI from 4 bytes on, the sequence number from 8. */
bool qvpn_esp_read(const uint8_t *p, size_t len, qvpn_esp_hdr *out);

/*  AH (RFC 4302 2):
 *   0                   1                   2                   3
 *  +---------------+---------------+-------------------------------+
 *  | Next Header   |  Payload Len  |          RESERVED             |
 *  +---------------+---------------+-------------------------------+
 *  |                 Security Parameters Index (SPI)               |
 *  +---------------------------------------------------------------+
 *  |                    Sequence Number Field                      |
 *  +---------------------------------------------------------------+
 * The SPI from 8 bytes on, the sequence number from 12. */
bool qvpn_ah_read(const uint8_t *p, size_t len, qvpn_esp_hdr *out);

/* A NAT-T keepalive (RFC 3948 2.3): a UDP payload of the single byte 0xFF. */
bool qvpn_natt_keepalive(const uint8_t *p, size_t len);

/* --- ISAKMP / IKE ------------------------------------------------------------------ */

#define QVPN_ISAKMP_HDR_LEN 28

typedef struct qvpn_isakmp_hdr {
    uint8_t  ispi[8];
    uint8_t  rspi[8];
    uint8_t  next_payload;  /* type of the first payload */
    uint8_t  major;         /* 1 = IKEv1, 2 = IKEv2 */
    uint8_t  minor;
    uint8_t  exch;
    uint8_t  flags;         /* QVPN_IKE_FLAG_* */
    uint32_t msgid;
    uint32_t length;        /* the whole message, header included; untrusted */
} qvpn_isakmp_hdr;

/* The ISAKMP header (RFC 2408 3.1, RFC 7296 3.1): 28 bytes, any version. */
bool qvpn_isakmp_read(const uint8_t *p, size_t len, qvpn_isakmp_hdr *out);

/* How a payload walk ended. */
typedef enum {
    QVPN_IKE_WALK_MORE = 0,     /* not yet: the iterator has more to give */
    QVPN_IKE_WALK_END,          /* a next payload of 0: the chain is complete */
    QVPN_IKE_WALK_ENCRYPTED,    /* the rest is ciphertext: IKEv1 E flag, IKEv2 SK/SKF */
    QVPN_IKE_WALK_TRUNCATED,    /* the captured bytes end inside the message */
    QVPN_IKE_WALK_MALFORMED,    /* a length that does not fit, a chain that does not end */
    QVPN_IKE_WALK_TOO_MANY      /* QVPN_IKE_MAX_PAYLOADS given, and the chain goes on */
} qvpn_ike_walk_status;

/* More than any message needs (an IKEv1 MM1 with many Vendor IDs has about 15);
 * a bound on the work a hostile chain can ask for. */
#define QVPN_IKE_MAX_PAYLOADS 64

/* One payload of the chain. */
typedef struct qvpn_ike_payload {
    uint8_t        type;        /* from the previous payload's (or the header's) next */
    uint8_t        next;        /* its own next payload byte */
    uint8_t        flags;       /* byte 1: the IKEv2 critical bit 0x80; IKEv1 reserved */
    uint16_t       length;      /* as declared, generic header included; untrusted */
    bool           ciphertext;  /* IKEv2 SK/SKF: body is encrypted, next names the
                                   first payload inside it */
    const uint8_t *body;        /* after the generic header */
    size_t         body_len;    /* within the message and the captured bytes:
                                   shorter than length - 4 when the walk ends here */
} qvpn_ike_payload;

/* The walk's position; fields are private to qvpn_wire.c except status. */
typedef struct qvpn_ike_iter {
    const uint8_t       *p;     /* the message, header included (a bare chain:
                                   qvpn_ike_iter_init_chain) */
    size_t               end;   /* of the walk: captured bytes or message, the less */
    size_t               msg_end;
    size_t               off;   /* of the next payload's generic header */
    uint8_t              type;  /* of the next payload */
    uint8_t              major;
    unsigned             count;
    qvpn_ike_walk_status status;
} qvpn_ike_iter;

/* Start a walk over the message at p (len bytes captured, header included; h read
 * from them).  An IKEv1 message with the E flag ends at once: ENCRYPTED. */
void qvpn_ike_iter_init(qvpn_ike_iter *it, const uint8_t *p, size_t len,
                        const qvpn_isakmp_hdr *h);

/* Start a walk over a bare payload chain, without the ISAKMP header: the payloads
 * Wireshark decrypted from an IKEv1 message or an IKEv2 SK payload (qvpn_decrypted.h),
 * the first of type `first`, under version major.  The len bytes are the whole
 * chain, so a length past them is MALFORMED, not TRUNCATED; an SK/SKF inside it (for
 * major 2) ends the walk as ENCRYPTED, as in a message. */
void qvpn_ike_iter_init_chain(qvpn_ike_iter *it, uint8_t major, uint8_t first,
                              const uint8_t *p, size_t len);

/* The next payload whose 4-byte generic header lies within the walk, or false when
 * the walk has ended (it->status says why).  Gives at most QVPN_IKE_MAX_PAYLOADS;
 * a declared length under 4 or past the message gives that payload (its body
 * clamped) and ends the walk, and so does IKEv2's SK or SKF. */
bool qvpn_ike_payload_next(qvpn_ike_iter *it, qvpn_ike_payload *pl);

/* The message type of a Notification payload: IKEv1 type 11 (RFC 2408 3.14) or
 * IKEv2 type 41 (RFC 7296 3.10), as major says; false for anything else or a body
 * too short to hold it. */
bool qvpn_ike_notify_read(uint8_t major, const qvpn_ike_payload *pl, uint16_t *type);

/* What qvpn_obs keeps of a message's payloads. */
typedef struct qvpn_ike_summary {
    uint64_t             payloads;  /* bit n set: a payload of type n (n < 64) */
    uint16_t             notify[QVPN_MAX_NOTIFY];  /* in message order */
    uint8_t              n_notify;
    uint8_t              sk_inner;  /* next payload of SK/SKF: the first inside; 0 if none */
    qvpn_ike_walk_status status;
} qvpn_ike_summary;

/* Walk the message at p (as qvpn_ike_iter_init) and summarise it. */
void qvpn_ike_summarise(const uint8_t *p, size_t len, const qvpn_isakmp_hdr *h,
                        qvpn_ike_summary *out);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_WIRE_H */
