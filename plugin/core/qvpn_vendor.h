/* qvpn_vendor.h — who is talking: Vendor ID payloads (IKEv1 type 13, IKEv2 type 43)
 * mapped to an implementation or a capability.
 *
 * One data table (qvpn_vendor.c): the VID bytes (whole, or a prefix followed by a
 * version), the name, what it says (software or capability), and where the fact
 * comes from (RFC, Wireshark's packet-isakmp.c vendor table, the vendor's docs).
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef QVPN_VENDOR_H
#define QVPN_VENDOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a Vendor ID says about its sender. */
typedef enum {
    QVPN_VID_SOFTWARE = 0,   /* an implementation: Windows, Cisco IOS, strongSwan, ... */
    QVPN_VID_CAPABILITY      /* a feature: DPD, XAUTH, NAT-T, IKE fragmentation, ... */
} qvpn_vid_kind;

/* Families the texts give vendor-specific advice for. */
typedef enum {
    QVPN_VENDOR_UNKNOWN = 0,
    QVPN_VENDOR_WINDOWS,
    QVPN_VENDOR_CISCO_IOS,
    QVPN_VENDOR_CISCO_ASA,
    QVPN_VENDOR_CISCO,        /* Cisco, IOS or ASA not told (Unity, VPN 3000, FlexVPN) */
    QVPN_VENDOR_STRONGSWAN,
    QVPN_VENDOR_LIBRESWAN,    /* libreswan / Openswan / FreeS/WAN */
    QVPN_VENDOR_FORTINET,
    QVPN_VENDOR_PALOALTO,
    QVPN_VENDOR_JUNIPER,      /* Juniper / NetScreen */
    QVPN_VENDOR_SONICWALL,
    QVPN_VENDOR_CHECKPOINT,
    QVPN_VENDOR_RACOON,       /* racoon / ipsec-tools / KAME */
    QVPN_VENDOR_OTHER
} qvpn_vendor_family;

/* Capabilities, as bits (qvpn_vid.caps). */
enum {
    QVPN_CAP_DPD        = 1u << 0,   /* RFC 3706 */
    QVPN_CAP_XAUTH      = 1u << 1,
    QVPN_CAP_NATT_RFC   = 1u << 2,   /* RFC 3947 */
    QVPN_CAP_NATT_DRAFT = 1u << 3,   /* draft-ietf-ipsec-nat-t-ike-00..03, 02\n */
    QVPN_CAP_FRAG       = 1u << 4,   /* IKEv1 fragmentation: MD5("FRAGMENTATION"), sent
                                        by Cisco (+ 4 flag bytes), Windows, strongSwan,
                                        libreswan; MS-Negotiation Discovery is AuthIP */
    QVPN_CAP_UNITY      = 1u << 5,   /* Cisco Unity (mode config client extensions) */
    QVPN_CAP_AUTHIP     = 1u << 6,   /* Microsoft AuthIP */
    QVPN_CAP_INITIAL_CONTACT = 1u << 7 /* MS "Vid-Initial-Contact" */
};

/* One row of the table. */
typedef struct qvpn_vid {
    const uint8_t     *bytes;     /* the VID, or its prefix */
    uint8_t            len;
    bool               prefix;    /* bytes is a prefix; what follows is a version/flags */
    qvpn_vid_kind      kind;
    qvpn_vendor_family family;
    uint32_t           caps;      /* QVPN_CAP_* it announces */
    const char        *name;      /* "Microsoft Windows (MS NT5 ISAKMPOAKLEY)", "Cisco Unity",
                                     "strongSwan", "RFC 3947 NAT-T", "DPD" */
    const char        *source;    /* where the fact comes from */
} qvpn_vid;

/* The row a Vendor ID payload's body matches (whole VIDs exactly, prefixes as
 * prefixes; the longest match wins), or NULL.  Never reads past len. */
const qvpn_vid *qvpn_vid_lookup(const uint8_t *body, size_t len);

/* The version a prefix row's VID carries, as text ("Windows 7 / Server 2008 R2" for
 * MS NT5 ISAKMPOAKLEY 00000008; "5.x" ...), written to buf; 0 when none or
 * not known.  NUL-terminates. */
size_t qvpn_vid_version(const qvpn_vid *row, const uint8_t *body, size_t len,
                        char *buf, size_t buflen);

/* The whole table, for tests and the README (n rows). */
const qvpn_vid *qvpn_vid_table(size_t *n);

#ifdef __cplusplus
}
#endif

#endif /* QVPN_VENDOR_H */
