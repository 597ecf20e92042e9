/* qvpn_wire.c — header readers and the ISAKMP payload walk (qvpn_wire.h).
 *
 * Each reader sits under the diagram of what it reads.  Offsets are the diagram's;
 * the only length trusted is the span's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qvpn_bytes.h"
#include "qvpn_wire.h"

#include <string.h>

static void addr_set(qvpn_addr *a, const uint8_t *b, uint8_t len)
{
    memset(a, 0, sizeof(*a));
    a->len = len;
    memcpy(a->bytes, b, len);
}

/* --- IPv4, RFC 791 section 3.1 ---------------------------------------------------
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version|  IHL  |Type of Service|          Total Length         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Identification        |Flags|      Fragment Offset    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Time to Live |    Protocol   |         Header Checksum       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                       Source Address                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Destination Address                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Options                    |    Padding    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * IHL counts 32-bit words; under 5 the addresses are not where the diagram puts
 * them (Wireshark then says "bogus header length" and adds no ip.src/ip.dst).
 * Options need not be captured: nothing here reads them.
 */
bool qvpn_ipv4_read(const uint8_t *p, size_t len, qvpn_ip_hdr *out)
{
    if (len < 20 || p[0] >> 4 != 4 || (p[0] & 0x0f) < 5)
        return false;
    out->version = 4;
    out->hdr_len = (uint16_t)((p[0] & 0x0f) * 4);
    out->proto = p[9];
    addr_set(&out->src, p + 12, 4);
    addr_set(&out->dst, p + 16, 4);
    return true;
}

/* --- IPv6, RFC 8200 section 3 ----------------------------------------------------
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |Version| Traffic Class |           Flow Label                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +                                                               +
 *   |                         Source Address                        |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   +                                                               +
 *   |                      Destination Address                      |
 *   +                                                               +
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
bool qvpn_ipv6_read(const uint8_t *p, size_t len, qvpn_ip_hdr *out)
{
    if (len < 40 || p[0] >> 4 != 6)
        return false;
    out->version = 6;
    out->hdr_len = 40;
    out->proto = p[6];
    addr_set(&out->src, p + 8, 16);
    addr_set(&out->dst, p + 24, 16);
    return true;
}

/* --- TCP, RFC 9293 section 3.1 ---------------------------------------------------
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |          Source Port          |       Destination Port        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                        Sequence Number                        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Acknowledgment Number                      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Data |       |C|E|U|A|P|R|S|F|                               |
 *   | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *   |       |       |R|E|G|K|H|T|N|N|                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The flags are the 12 bits after the data offset, reserved bits included, as
 * Wireshark's tcp.flags; it adds them only once the data offset is at least 5
 * words, so with a smaller one there are none.  The ports alone come from 4 bytes:
 * the start of a header quoted or cut short still names them.
 */
bool qvpn_tcp_read(const uint8_t *p, size_t len, qvpn_tcp_hdr *out)
{
    if (len < 4)
        return false;
    out->sport = qvpn_get_u16(p);
    out->dport = qvpn_get_u16(p + 2);
    out->data_offset = len >= 13 ? (uint8_t)(p[12] >> 4) : 0;
    out->has_flags = len >= 14 && out->data_offset >= 5;
    out->flags = out->has_flags ? (uint16_t)(qvpn_get_u16(p + 12) & 0x0fff) : 0;
    return true;
}

/* --- UDP, RFC 768 ----------------------------------------------------------------
 *
 *    0      7 8     15 16    23 24    31
 *   +--------+--------+--------+--------+
 *   |     Source      |   Destination   |
 *   |      Port       |      Port       |
 *   +--------+--------+--------+--------+
 *   |                 |                 |
 *   |     Length      |    Checksum     |
 *   +--------+--------+--------+--------+
 */
bool qvpn_udp_read(const uint8_t *p, size_t len, qvpn_udp_hdr *out)
{
    if (len < 8)
        return false;
    out->sport = qvpn_get_u16(p);
    out->dport = qvpn_get_u16(p + 2);
    out->length = qvpn_get_u16(p + 4);
    return true;
}

/* --- ESP, RFC 4303 section 2 -----------------------------------------------------
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |               Security Parameters Index (SPI)                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      Sequence Number                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    Payload Data* (variable)                   |
 *
 * Wireshark shows esp.spi from 4 bytes on, as here: a capture cut after the SPI
 * still ties the frame to its SA.
 */
bool qvpn_esp_read(const uint8_t *p, size_t len, qvpn_esp_hdr *out)
{
    if (len < 4)
        return false;
    out->spi = qvpn_get_u32(p);
    out->has_seq = len >= 8;
    out->seq = out->has_seq ? qvpn_get_u32(p + 4) : 0;
    return true;
}

bool qvpn_ah_read(const uint8_t *p, size_t len, qvpn_esp_hdr *out)
{
    if (len < 8)
        return false;
    out->spi = qvpn_get_u32(p + 4);
    out->has_seq = len >= 12;
    out->seq = out->has_seq ? qvpn_get_u32(p + 8) : 0;
    return true;
}

/* RFC 3948 2.3: the keepalive is one octet, 0xFF, alone in a UDP datagram (an IKE
 * or non-ESP-marker payload is never one byte long). */
bool qvpn_natt_keepalive(const uint8_t *p, size_t len)
{
    return len == 1 && p[0] == 0xff;
}

/* --- ISAKMP header, RFC 2408 section 3.1 and RFC 7296 section 3.1 ----------------
 *
 *                        1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     Initiator Cookie / SPI                    |
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     Responder Cookie / SPI                    |
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                          Message ID                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                            Length                             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Read whatever the version: the caller decides what an unknown one means.
 */
bool qvpn_isakmp_read(const uint8_t *p, size_t len, qvpn_isakmp_hdr *out)
{
    if (len < QVPN_ISAKMP_HDR_LEN)
        return false;
    memcpy(out->ispi, p, 8);
    memcpy(out->rspi, p + 8, 8);
    out->next_payload = p[16];
    out->major = (uint8_t)(p[17] >> 4);
    out->minor = (uint8_t)(p[17] & 0x0f);
    out->exch = p[18];
    out->flags = p[19];
    out->msgid = qvpn_get_u32(p + 20);
    out->length = qvpn_get_u32(p + 24);
    return true;
}

/* --- the payload chain, RFC 2408 section 3.2 and RFC 7296 section 3.2 ------------
 *
 *                        1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Next Payload  |C|  RESERVED   |         Payload Length        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Each payload's type is named by the one before it (the header names the first),
 * and its length includes these 4 bytes.  The walk ends at a next payload of 0, at
 * the end of the message or of the captured bytes (whichever is first), at a length
 * under 4 — a length of 0 would otherwise name the same header forever, tcpdump's
 * isakmp-pointer-loop — and after QVPN_IKE_MAX_PAYLOADS, so its work is bounded by
 * that count whatever the bytes say.
 *
 * Ciphertext is not walked.  IKEv1's E flag encrypts everything after the header
 * (RFC 2408 3.1).  IKEv2's Encrypted payload, SK (RFC 7296 3.14), and its fragment,
 * SKF (RFC 7383 2.5), come last and carry the rest inside; their own next payload
 * names the first payload inside, which is all an observer can learn of it:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   | Next Payload  |C|  RESERVED   |         Payload Length        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   (SKF only: Fragment Number  |        Total Fragments)       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     Initialization Vector                     |
 *   ~                    Encrypted IKE Payloads                     ~
 */
void qvpn_ike_iter_init(qvpn_ike_iter *it, const uint8_t *p, size_t len,
                        const qvpn_isakmp_hdr *h)
{
    /* A declared length under the header's own is malformed; the walk then has
     * nothing to cover. */
    size_t msg_end = h->length > QVPN_ISAKMP_HDR_LEN ? (size_t)h->length : QVPN_ISAKMP_HDR_LEN;

    it->p = p;
    it->msg_end = msg_end;
    it->end = len < msg_end ? len : msg_end;
    it->off = QVPN_ISAKMP_HDR_LEN;
    it->type = h->next_payload;
    it->major = h->major;
    it->count = 0;
    it->status = QVPN_IKE_WALK_MORE;
    if (len < QVPN_ISAKMP_HDR_LEN)
        it->status = QVPN_IKE_WALK_TRUNCATED;
    else if (h->major == 1 && (h->flags & QVPN_IKE_FLAG_V1_ENCRYPTED))
        it->status = QVPN_IKE_WALK_ENCRYPTED;
    else if (h->length < QVPN_ISAKMP_HDR_LEN)
        it->status = QVPN_IKE_WALK_MALFORMED;
}

void qvpn_ike_iter_init_chain(qvpn_ike_iter *it, uint8_t major, uint8_t first,
                              const uint8_t *p, size_t len)
{
    it->p = p;
    it->msg_end = len;          /* the chain is all there: what runs past it is malformed */
    it->end = len;
    it->off = 0;
    it->type = first;
    it->major = major;
    it->count = 0;
    it->status = QVPN_IKE_WALK_MORE;
}

/* Where bytes stop before `need` more: the message's fault (malformed) when it
 * declares less than that, else the capture's (truncated). */
static qvpn_ike_walk_status short_of(const qvpn_ike_iter *it, size_t need)
{
    return it->off + need > it->msg_end ? QVPN_IKE_WALK_MALFORMED : QVPN_IKE_WALK_TRUNCATED;
}

static bool is_ciphertext(uint8_t major, uint8_t type)
{
    return major == 2 && (type == QVPN_IKE_PL_V2_SK || type == QVPN_IKE_PL_V2_SKF);
}

bool qvpn_ike_payload_next(qvpn_ike_iter *it, qvpn_ike_payload *pl)
{
    if (it->status != QVPN_IKE_WALK_MORE)
        return false;
    if (it->type == 0) {
        it->status = QVPN_IKE_WALK_END;
        return false;
    }
    if (it->count == QVPN_IKE_MAX_PAYLOADS) {
        it->status = QVPN_IKE_WALK_TOO_MANY;
        return false;
    }
    size_t left = it->end - it->off;
    if (left < 4) {
        it->status = short_of(it, 4);
        return false;
    }
    const uint8_t *g = it->p + it->off;
    pl->type = it->type;
    pl->next = g[0];
    pl->flags = g[1];
    pl->length = qvpn_get_u16(g + 2);
    pl->ciphertext = is_ciphertext(it->major, pl->type);
    pl->body = g + 4;
    if (pl->length < 4) {
        pl->body_len = 0;
        it->status = QVPN_IKE_WALK_MALFORMED;
    } else if (pl->length > left) {
        pl->body_len = left - 4;
        it->status = short_of(it, pl->length);
    } else {
        pl->body_len = (size_t)pl->length - 4;
        it->off += pl->length;
        if (pl->ciphertext)
            it->status = QVPN_IKE_WALK_ENCRYPTED;
    }
    it->type = pl->next;
    it->count++;
    return true;
}

/* --- Notification payloads -------------------------------------------------------
 *
 * IKEv1, RFC 2408 section 3.14 (payload type 11), after the generic header:
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |              Domain of Interpretation  (DOI)                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  Protocol-ID  |   SPI Size    |      Notify Message Type      |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ~                Security Parameter Index (SPI)                 ~
 *   ~                       Notification Data                       ~
 *
 * IKEv2, RFC 7296 section 3.10 (payload type 41): the same without the DOI.
 */
#define IKE_V2_PL_NOTIFY 41

bool qvpn_ike_notify_read(uint8_t major, const qvpn_ike_payload *pl, uint16_t *type)
{
    size_t at;

    if (major == 1 && pl->type == QVPN_IKE_PL_NOTIFY)
        at = 6;
    else if (major == 2 && pl->type == IKE_V2_PL_NOTIFY)
        at = 2;
    else
        return false;
    if (pl->body_len < at + 2)
        return false;
    *type = qvpn_get_u16(pl->body + at);
    return true;
}

void qvpn_ike_summarise(const uint8_t *p, size_t len, const qvpn_isakmp_hdr *h,
                        qvpn_ike_summary *out)
{
    qvpn_ike_iter it;
    qvpn_ike_payload pl;
    uint16_t type;

    memset(out, 0, sizeof(*out));
    qvpn_ike_iter_init(&it, p, len, h);
    while (qvpn_ike_payload_next(&it, &pl)) {
        if (pl.type < 64)
            out->payloads |= UINT64_C(1) << pl.type;
        if (out->n_notify < QVPN_MAX_NOTIFY && qvpn_ike_notify_read(h->major, &pl, &type))
            out->notify[out->n_notify++] = type;
        if (pl.ciphertext)
            out->sk_inner = pl.next;
    }
    out->status = it.status;
    /* What no implementation sends: a length no UDP datagram or TCP stream record
     * can carry, shorter than the header, or IKEv1 Proposal/Transform payloads
     * outside an SA payload (RFC 2408 3.5, 3.6 nest them). */
    bool nested_at_top = h->major == 1 &&
                         (out->payloads & ((UINT64_C(1) << 2) | (UINT64_C(1) << 3)));
    if (h->length < QVPN_ISAKMP_HDR_LEN || h->length > 65535 || nested_at_top)
        out->status = QVPN_IKE_WALK_MALFORMED;
}
