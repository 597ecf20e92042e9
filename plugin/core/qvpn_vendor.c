/* qvpn_vendor.c — the Vendor ID table (qvpn_vendor.h): one row per VID, whole or a
 * prefix, with what it says and where that comes from.
 *
 * Sources, as the rows cite them:
 *   ws      Wireshark epan/dissectors/packet-isakmp.c, vendor_id[] and the VID_*
 *           arrays above it (names as Wireshark shows them in isakmp.vid_string)
 *   lsw     libreswan programs/pluto/vendor.c, vid_tab[] (md5 of the quoted string
 *           where it says DEC_MD5_VID), and its comment citing [MS-IKEE]
 *   ssw     strongSwan src/libcharon/sa/ikev1/tasks/isakmp_vendor.c, vendor_ids[]
 *   nmap    nmap nselib/data/ike-fingerprints.lua (from ike-scan's ike-vendor-ids)
 *   RFC     the RFC named
 * MD5 values were checked with `python3 -c 'import hashlib; print(hashlib.md5(b"...")
 * .hexdigest())'` where a source gives the string only.
 *
 * Pure C11 + GLib.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "qvpn_vendor.h"

/* A VID given as a string literal: its bytes and length (without the NUL). */
#define V(s) (const uint8_t *)(s), (uint8_t)(sizeof(s) - 1)

#define SW  QVPN_VID_SOFTWARE
#define CAP QVPN_VID_CAPABILITY
#define WHOLE  false
#define PREFIX true

/* Families, shortened for the table. */
#define F_UNK  QVPN_VENDOR_UNKNOWN
#define F_WIN  QVPN_VENDOR_WINDOWS
#define F_IOS  QVPN_VENDOR_CISCO_IOS
#define F_CSC  QVPN_VENDOR_CISCO
#define F_SSW  QVPN_VENDOR_STRONGSWAN
#define F_LSW  QVPN_VENDOR_LIBRESWAN
#define F_FTN  QVPN_VENDOR_FORTINET
#define F_JNP  QVPN_VENDOR_JUNIPER
#define F_SNW  QVPN_VENDOR_SONICWALL
#define F_CKP  QVPN_VENDOR_CHECKPOINT
#define F_RAC  QVPN_VENDOR_RACOON
#define F_OTH  QVPN_VENDOR_OTHER

static const qvpn_vid vid_table[] = {
    /* --- capabilities ---------------------------------------------------------- */
    { V("\xaf\xca\xd7\x13\x68\xa1\xf1\xc9\x6b\x86\x96\xfc\x77\x57\x01\x00"), WHOLE, CAP, F_UNK,
      QVPN_CAP_DPD, "RFC 3706 DPD", "RFC 3706 section 5.1; ws VID_rfc3706_dpd" },
    /* Truncated MD5("draft-ietf-ipsra-isakmp-xauth-06.txt"); the 16-byte draft-02
     * form starts with the same 8 bytes. */
    { V("\x09\x00\x26\x89\xdf\xd6\xb7\x12"), PREFIX, CAP, F_UNK, QVPN_CAP_XAUTH,
      "XAUTH", "ws VID_xauth, VID_draft_beaulieu_ike_xauth_02; lsw VID_MISC_XAUTH" },
    { V("\x4a\x13\x1c\x81\x07\x03\x58\x45\x5c\x57\x28\xf2\x0e\x95\x45\x2f"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_RFC, "RFC 3947 NAT-T", "RFC 3947 section 3.1: MD5(\"RFC 3947\"); ws VID_rfc3947_nat_t" },
    { V("\x4d\xf3\x79\x28\xe9\xfc\x4f\xd1\xb3\x26\x21\x70\xd5\x15\xc6\x62"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike (Mac OS X racoon)",
      "ws VID_draft_ietf_ipsec_nat_t_ike; lsw VID_MACOSX" },
    { V("\x44\x85\x15\x2d\x18\xb6\xbb\xcd\x0b\xe8\xa8\x46\x95\x79\xdd\xcc"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-00", "ws VID_draft_ietf_ipsec_nat_t_ike_00" },
    { V("\x16\xf6\xca\x16\xe4\xa4\x06\x6d\x83\x82\x1a\x0f\x0a\xea\xa8\x62"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-01", "ws VID_draft_ietf_ipsec_nat_t_ike_01" },
    { V("\xcd\x60\x46\x43\x35\xdf\x21\xf8\x7c\xfd\xb2\xfc\x68\xb6\xa4\x48"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-02", "ws VID_draft_ietf_ipsec_nat_t_ike_02" },
    { V("\x90\xcb\x80\x91\x3e\xbb\x69\x6e\x08\x63\x81\xb5\xec\x42\x7b\x1f"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-02\\n",
      "ws VID_draft_ietf_ipsec_nat_t_ike_02n: MD5 of the name with a newline" },
    { V("\x7d\x94\x19\xa6\x53\x10\xca\x6f\x2c\x17\x9d\x92\x15\x52\x9d\x56"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-03", "ws VID_draft_ietf_ipsec_nat_t_ike_03" },
    { V("\x99\x09\xb6\x4e\xed\x93\x7c\x65\x73\xde\x52\xac\xe9\x52\xfa\x6b"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-04", "ws VID_draft_ietf_ipsec_nat_t_ike_04" },
    { V("\x80\xd0\xbb\x3d\xef\x54\x56\x5e\xe8\x46\x45\xd4\xc8\x5c\xe3\xee"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-05", "ws VID_draft_ietf_ipsec_nat_t_ike_05" },
    { V("\x4d\x1e\x0e\x13\x6d\xea\xfa\x34\xc4\xf3\xea\x9f\x02\xec\x72\x85"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-06", "ws VID_draft_ietf_ipsec_nat_t_ike_06" },
    { V("\x43\x9b\x59\xf8\xba\x67\x6c\x4c\x77\x37\xae\x22\xea\xb8\xf5\x82"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-07", "ws VID_draft_ietf_ipsec_nat_t_ike_07" },
    { V("\x8f\x8d\x83\x82\x6d\x24\x6b\x6f\xc7\xa8\xa6\xa4\x28\xc1\x1d\xe8"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-08", "ws VID_draft_ietf_ipsec_nat_t_ike_08" },
    { V("\x42\xea\x5b\x6f\x89\x8d\x97\x73\xa5\x75\xdf\x26\xe7\xdd\x19\xe1"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-ietf-ipsec-nat-t-ike-09", "ws VID_draft_ietf_ipsec_nat_t_ike_09" },
    { V("\x27\xba\xb5\xdc\x01\xea\x07\x60\xea\x4e\x31\x90\xac\x27\xc0\xd0"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-stenberg-ipsec-nat-traversal-01",
      "ws VID_draft_stenberg_ipsec_nat_traversal_01" },
    { V("\x61\x05\xc4\x22\xe7\x68\x47\xe4\x3f\x96\x84\x80\x12\x92\xae\xcd"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-stenberg-ipsec-nat-traversal-02",
      "ws VID_draft_stenberg_ipsec_nat_traversal_02" },
    { V("\x6a\x74\x34\xc1\x9d\x7e\x36\x34\x80\x90\xa0\x23\x34\xc9\xc8\x05"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-huttunen-ipsec-esp-in-udp-00",
      "ws VID_draft_huttunen_ipsec_esp_in_udp_00" },
    { V("\x50\x76\x0f\x62\x4c\x63\xe5\xc5\x3e\xea\x38\x6c\x68\x5c\xa0\x83"), WHOLE, CAP, F_UNK,
      QVPN_CAP_NATT_DRAFT, "draft-huttunen-ipsec-esp-in-udp-01 (ESPThruNAT)",
      "ws VID_draft_huttunen_ipsec_esp_in_udp_01" },
    /* MD5("FRAGMENTATION"): IKEv1 fragmentation as Cisco and Microsoft send it, alone
     * (Windows, strongSwan, libreswan) or followed by 4 flag bytes (Cisco: 80000000,
     * c0000000). */
    { V("\x40\x48\xb7\xd5\x6e\xbc\xe8\x85\x25\xe7\xde\x7f\x00\xd6\xc2\xd3"), PREFIX, CAP, F_UNK,
      QVPN_CAP_FRAG, "IKE fragmentation (FRAGMENTATION)",
      "ws VID_CISCO_FRAG2 (md5(\"FRAGMENTATION\")), VID_CISCO_FRAG; lsw VID_IKE_FRAGMENTATION" },
    { V("\x48\x65\x61\x72\x74\x42\x65\x61\x74\x5f\x4e\x6f\x74\x69\x66\x79"), PREFIX, CAP, F_JNP,
      0, "Heartbeat Notify", "ws VID_HEARTBEAT_NOTIFY; lsw: ASCII \"HeartBeat_Notify\" + version (NetScreen)" },
    { V("\x8d\xb7\xa4\x18\x11\x22\x16\x60"), WHOLE, CAP, F_UNK, 0,
      "draft-ietf-ipsec-heartbeats-00", "ws VID_draft_ietf_ipsec_heartbeats_00" },
    { V("IKEv2"), WHOLE, CAP, F_LSW, 0, "CAN-IKEv2", "lsw VID_MISC_IKEv2 (libreswan/Openswan)" },

    /* --- Microsoft --------------------------------------------------------------- */
    /* MD5("MS NT5 ISAKMPOAKLEY") followed by a 4-byte version: qvpn_vid_version(). */
    { V("\x1e\x2b\x51\x69\x05\x99\x1c\x7d\x7c\x96\xfc\xbf\xb5\x87\xe4\x61"), PREFIX, SW, F_WIN, 0,
      "Microsoft Windows (MS NT5 ISAKMPOAKLEY)",
      "ws VID_MS_NT5_ISAKMPOAKLEY; versions: lsw comment citing [MS-IKEE] 2.2.3, nmap" },
    { V("\xfb\x1d\xe3\xcd\xf3\x41\xb7\xea\x16\xb7\xe5\xbe\x08\x55\xf1\x20"), WHOLE, CAP, F_WIN,
      QVPN_CAP_AUTHIP, "MS-Negotiation Discovery Capable (AuthIP)",
      "ws VID_MS_IKEE_20080212_MS_NDC; lsw VID_VISTA_AUTHIP" },
    { V("\xe3\xa5\x96\x6a\x76\x37\x9f\xe7\x07\x22\x82\x31\xe5\xce\x86\x52"), WHOLE, CAP, F_WIN,
      QVPN_CAP_AUTHIP, "IKE CGA version 1", "ws VID_MS_IKEE_20080212_CGA1; lsw VID_VISTA_AUTHIP2" },
    { V("\x21\x4c\xa4\xfa\xff\xa7\xf3\x2d\x67\x48\xe5\x30\x33\x95\xae\x83"), WHOLE, CAP, F_WIN,
      QVPN_CAP_AUTHIP, "MS-MamieExists (AuthIP)", "lsw VID_VISTA_AUTHIP3: MD5(\"MS-MamieExists\")" },
    { V("\x26\x24\x4d\x38\xed\xdb\x61\xb3\x17\x2a\x36\xe3\xd0\xcf\xb8\x19"), WHOLE, CAP, F_WIN,
      QVPN_CAP_INITIAL_CONTACT, "Microsoft Vid-Initial-Contact",
      "ws VID_MS_VID_INITIAL_CONTACT; lsw VID_INITIAL_CONTACT" },

    /* --- Cisco ------------------------------------------------------------------- */
    /* MD5("CISCO-UNITY") with its last two bytes replaced by the version (1.0). */
    { V("\x12\xf5\xf2\x8c\x45\x71\x68\xa9\x70\x2d\x9f\xe2\x74\xcc"), PREFIX, CAP, F_CSC,
      QVPN_CAP_UNITY, "Cisco Unity", "ws VID_CISCO_UNITY (14-byte prefix); lsw VID_CISCO_UNITY" },
    /* Truncated MD5("ALTIGA GATEWAY") + two version bytes. */
    { V("\x1f\x07\xf7\x0e\xaa\x65\x14\xd3\xb0\xfa\x96\x54\x2a\x50"), PREFIX, SW, F_CSC, 0,
      "Cisco VPN Concentrator (VPN 3000)", "ws VID_CISCO_CONCENTRATOR; lsw VID_CISCO3K; ssw" },
    { V("\xf6\xf7\xef\xc7\xf5\xae\xb8\xcb\x15\x8c\xb9\xd0\x94\xba\x69\xe7"), WHOLE, SW, F_CSC, 0,
      "Cisco VPN 3000 client", "ssw: MD5(\"ALTIGA NETWORKS\")" },
    { V("\x3e\x98\x40\x48"), PREFIX, SW, F_IOS, 0, "Cisco IOS",
      "lsw VID_CISCO_IOS \"Cisco IOS Device\"; nmap (Cisco IOS)" },
    { V("CISCO(COPYRIGHT)&Copyright (c) 2009 Cisco Systems, Inc."), WHOLE, SW, F_CSC, 0,
      "Cisco Copyright (IKEv2: IOS, ASA)", "ws VID_CISCO_COPYRIGHT; ssw \"Cisco Copyright (c) 2009\"" },
    { V("FLEXVPN-SUPPORTED"), WHOLE, SW, F_IOS, 0, "Cisco FlexVPN supported",
      "ws VID_CISCO_FLEXVPN_SUPPORTED; lsw VID_CISCO_FLEXVPN_SUPPORTED (FlexVPN runs on IOS)" },
    { V("CISCO-DELETE-REASON"), WHOLE, CAP, F_CSC, 0, "CISCO-DELETE-REASON",
      "ws VID_CISCO_DELETE_REASON; lsw VID_CISCO_DELETE_REASON" },
    { V("CISCO-DYNAMIC-ROUTE"), WHOLE, CAP, F_CSC, 0, "CISCO-DYNAMIC-ROUTE",
      "ws VID_CISCO_DYNAMIC_ROUTE" },
    { V("CISCOVPN-REV-02"), WHOLE, CAP, F_CSC, 0, "CISCO-VPN-REV-02", "ws VID_CISCO_VPN_REV_02" },
    { V("CISCO-GRE-MODE"), WHOLE, CAP, F_CSC, 0, "CISCO-GRE-MODE", "ws VID_CISCO_GRE_MODE" },

    /* --- open source ------------------------------------------------------------- */
    { V("\x88\x2f\xe5\x6d\x6f\xd2\x0d\xbc\x22\x51\x61\x3b\x2e\xbe\x5b\xeb"), WHOLE, SW, F_SSW, 0,
      "strongSwan", "ws VID_STRONGSWAN; ssw: MD5(\"strongSwan\")" },
    /* "OE" + ten characters: FreeS/WAN's, Openswan's and libreswan's own VID (a hash
     * of the version string mapped to printable characters, lsw DEC_FSWAN_VID and
     * VID_LIBRESWANSELF). */
    { V("OE"), PREFIX, SW, F_LSW, 0, "libreswan / Openswan / FreeS/WAN",
      "lsw VID_FSWAN_HASH, VID_LIBRESWANSELF; nmap (Linux FreeS/WAN, Openswan: ^4f45)" },
    { V("\x70\x03\xcb\xc1\x09\x7d\xbe\x9c\x26\x00\xba\x69\x83\xbc\x8b\x35"), WHOLE, SW, F_RAC, 0,
      "KAME/racoon", "ws VID_KAME_RACOON; lsw: MD5(\"KAME/racoon\")" },
    { V("\x20\xa3\x62\x2c\x1c\xea\x7c\xe3\x7b\xee\x3c\xa4\x84\x42\x52\x76"), WHOLE, SW, F_RAC, 0,
      "ipsec-tools", "ws VID_IPSEC_TOOLS: MD5(\"IPSec-Tools\")" },
    { V("\xf1\x4b\x94\xb7\xbf\xf1\xfe\xf0\x27\x73\xb8\xc4\x9f\xed\xed\x26"), WHOLE, SW, F_OTH, 0,
      "Shrew Soft", "ws VID_SHREWSOFT" },

    /* --- firewalls and gateways --------------------------------------------------- */
    { V("\x82\x99\x03\x17\x57\xa3\x60\x82\xc6\xa6\x21\xde"), PREFIX, SW, F_FTN, 0,
      "Fortinet FortiGate", "ws VID_FORTINET_FORTIGATE (12 bytes, then release and build)" },
    { V("\x1d\x6e\x17\x8f\x6c\x2c\x0b\xe2\x84\x98\x54\x65\x45\x0f\xe9\xd4"), WHOLE, SW, F_FTN, 0,
      "Fortinet FortiGate", "nmap (Fortinet FortiGate)" },
    { V("\x4c\x53\x42\x7b\x6d\x46\x5d\x1b\x33\x7b\xb7\x55\xa3\x7a\x7f\xef"), WHOLE, CAP, F_FTN, 0,
      "FortiClient Connect license", "ws VID_FORTINET_FORTICLIENT_CONNECT" },
    { V("\xb4\xf0\x1c\xa9\x51\xe9\xda\x8d\x0b\xaf\xbb\xd3\x4a\xd3\x04\x4e"), WHOLE, CAP, F_FTN, 0,
      "Fortinet Endpoint Control", "ws VID_FORTINET_ENDPOINT_CONTROL" },
    { V("\xf4\xed\x19\xe0\xc1\x14\xeb\x51\x6f\xaa\xac\x0e\xe3\x7d\xaf\x28\x07\xb4\x38\x1f"), PREFIX,
      SW, F_CKP, 0, "Check Point", "ws VID_CP_01_R65; nmap (Checkpoint VPN-1 / Firewall-1)" },
    { V("\x40\x4b\xf4\x39\x52\x2c\xa3\xf6"), WHOLE, SW, F_SNW, 0, "SonicWall",
      "ws VID_SONICWALL; lsw VID_SONICWALL_1" },
    { V("\x5b\x36\x2b\xc8\x20\xf6"), PREFIX, SW, F_SNW, 0, "SonicWall",
      "ssw \"Sonicwall 7\" and friends; nmap (^5b362bc820f6000N)" },
    { V("\xda\x8e\x93\x78\x80\x01\x00\x00"), WHOLE, SW, F_SNW, 0, "SonicWall",
      "lsw VID_SONICWALL_2; nmap" },
    /* NetScreen / Juniper: 20 bytes, then a version (8 bytes in captures). */
    { V("\x29\x9e\xe8\x28\x9f\x40\xa8\x97\x3b\xc7\x86\x87\xe2\xe7\x22\x6b\x53\x2c\x3b\x76"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_1" },
    { V("\x3a\x15\xe1\xf3\xcf\x2a\x63\x58\x2e\x3a\xc8\x2d\x1c\x64\xcb\xe3\xb6\xd7\x79\xe7"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_2" },
    { V("\x47\xd2\xb1\x26\xbf\xcd\x83\x48\x97\x60\xe2\xcf\x8c\x5d\x4d\x5a\x03\x49\x7c\x15"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_3" },
    { V("\x4a\x43\x40\xb5\x43\xe0\x2b\x84\xc8\x8a\x8b\x96\xa8\xaf\x9e\xbe\x77\xd9\xac\xcc"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_4" },
    { V("\x64\x40\x5f\x46\xf0\x3b\x76\x60\xa2\x3b\xe1\x16\xa1\x97\x50\x58\xe6\x9e\x83\x87"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_5" },
    { V("\x69\x93\x69\x22\x87\x41\xc6\xd4\xca\x09\x4c\x93\xe2\x42\xc9\xde\x19\xe7\xb7\xc6"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_6" },
    { V("\x8c\x0d\xc6\xcf\x62\xa0\xef\x1b\x5c\x6e\xab\xd1\xb6\x7b\xa6\x98\x66\xad\xf1\x6a"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_7" },
    { V("\x92\xd2\x7a\x9e\xcb\x31\xd9\x92\x46\x98\x6d\x34\x53\xd0\xc3\xd5\x7a\x22\x2a\x61"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_8" },
    { V("\x9b\x09\x6d\x9a\xc3\x27\x5a\x7d\x6f\xe8\xb9\x1c\x58\x31\x11\xb0\x9e\xfe\xd1\xa0"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_9" },
    { V("\xbf\x03\x74\x61\x08\xd7\x46\xc9\x04\xf1\xf3\x54\x7d\xe2\x4f\x78\x47\x9f\xed\x12"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_10" },
    { V("\xc2\xe8\x05\x00\xf4\xcc\x5f\xbf\x5d\xaa\xee\xd3\xbb\x59\xab\xae\xee\x56\xc6\x52"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_11" },
    { V("\xc8\x66\x0a\x62\xb0\x3b\x1b\x61\x30\xbf\x78\x16\x08\xd3\x2a\x6a\x8d\x0f\xb8\x9f"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_12" },
    { V("\xf8\x85\xda\x40\xb1\xe7\xa9\xab\xd1\x76\x55\xec\x5b\xbe\xc0\xf2\x1f\x0e\xd5\x2e"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_13" },
    { V("\x2a\x2b\xca\xc1\x9b\x8e\x91\xb4\x26\x10\x78\x07\xe0\x2e\x72\x49\x56\x9d\x6f\xd3"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_14" },
    { V("\x16\x6f\x93\x2d\x55\xeb\x64\xd8\xe4\xdf\x4f\xd3\x7e\x23\x13\xf0\xd0\xfd\x84\x51"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_15" },
    { V("\xa3\x5b\xfd\x05\xca\x1a\xc0\xb3\xd2\xf2\x4e\x9e\x82\xbf\xcb\xff\x9c\x9e\x52\xb5"), PREFIX,
      SW, F_JNP, 0, "Juniper NetScreen", "ws VID_NETSCREEN_16" },
    { V("\x2c\x9d\x7e\x81\x99\x5b\x99\x67\xd2\x3f\x57\x1a\xc6\x41\xf9\x34\x81\x22\xf1\xcc"), PREFIX,
      SW, F_JNP, 0, "Juniper SSG", "nmap (Juniper SSG-550M, NetScreen OS 6.20)" },
    { V("\x62\x50\x27\x74\x9d\x5a\xb9\x7f\x56\x16\xc1\x60\x27\x65\xcf\x48\x0a\x3b\x7d\x0b"), WHOLE,
      SW, F_OTH, 0, "ZyXEL ZyWALL", "ws VID_ZYWALL; ssw" },
    { V("\xc6\xf5\x7a\xc3\x98\xf4\x93\x20\x81\x45\xb7\x58"), PREFIX, SW, F_OTH, 0, "NCP Server",
      "lsw VID_NCP_SERVER (12-byte substring)" },
    { V("\xeb\x4c\x1b\x78\x8a\xfd\x4a\x9c\xb7\x73\x0a\x68"), PREFIX, SW, F_OTH, 0, "NCP Client",
      "lsw VID_NCP_CLIENT (12-byte substring)" },
};

const qvpn_vid *qvpn_vid_table(size_t *n)
{
    *n = G_N_ELEMENTS(vid_table);
    return vid_table;
}

const qvpn_vid *qvpn_vid_lookup(const uint8_t *body, size_t len)
{
    const qvpn_vid *best = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(vid_table); i++) {
        const qvpn_vid *r = &vid_table[i];
        bool fits = r->prefix ? len >= r->len : len == r->len;
        if (!fits || memcmp(body, r->bytes, r->len) != 0)
            continue;
        if (!best || r->len > best->len)
            best = r;
    }
    return best;
}

/* [MS-IKEE] 2.2.3 as libreswan's vendor.c quotes it (2-8), nmap's fingerprints (9). */
static const char *windows_version(uint32_t v)
{
    switch (v) {
    case 2: return "Windows 2000";
    case 3: return "Windows XP SP1";
    case 4: return "Windows Server 2003 / XP SP2";
    case 5: return "Windows Vista";
    case 6: return "Windows Server 2008";
    case 7: return "Windows 7";
    case 8: return "Windows Server 2008 R2";
    case 9: return "Windows 8 or later";
    default: return NULL;
    }
}

static size_t put_version(char *buf, size_t buflen, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static size_t put_version(char *buf, size_t buflen, const char *fmt, ...)
{
    va_list ap;

    if (buflen == 0)
        return 0;
    va_start(ap, fmt);
    int n = vsnprintf(buf, buflen, fmt, ap);
    va_end(ap);
    if (n < 0)
        return 0;
    return (size_t)n < buflen ? (size_t)n : buflen - 1;
}

size_t qvpn_vid_version(const qvpn_vid *row, const uint8_t *body, size_t len,
                        char *buf, size_t buflen)
{
    if (buflen)
        buf[0] = '\0';
    if (!row || !row->prefix || len < row->len)
        return 0;
    const uint8_t *v = body + row->len;
    size_t n = len - row->len;

    if (row->family == QVPN_VENDOR_WINDOWS && n == 4) {
        uint32_t ver = ((uint32_t)v[0] << 24) | ((uint32_t)v[1] << 16) |
                       ((uint32_t)v[2] << 8) | v[3];
        const char *name = windows_version(ver);
        return name ? put_version(buf, buflen, "%s", name) : 0;
    }
    if (row->caps & QVPN_CAP_UNITY && n == 2)           /* major, minor */
        return put_version(buf, buflen, "%u.%u", v[0], v[1]);
    if (row->family == QVPN_VENDOR_CISCO && row->len == 14 && n == 2)  /* VPN 3000: 0305 = 3.0.5 */
        return put_version(buf, buflen, "%u.%u.%u", v[0], v[1] >> 4, v[1] & 0x0f);
    return 0;
}
