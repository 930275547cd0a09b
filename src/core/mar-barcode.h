/* mar-barcode.h — what a scan says, independent of how it was read
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A scanner (keyboard wedge, camera, image file) delivers bytes. This module
 * turns them into a MarScan: either a GS1 element string with its AIs
 * validated against the GS1 Barcode Syntax Dictionary, or a plain
 * identifier (wristband MRN, pharmacy bag label, staff badge) whose meaning
 * the cache decides. Every rejection is a MAR_BARCODE_ERROR with a message
 * that says why, in words a nurse or IT can act on.
 *
 * Pure: no I/O, no clock. The century of a two-digit GS1 year is resolved
 * against MarScanOptions.reference_time (GS1 General Specifications 7.12).
 *
 * What is GS1 and what is plain:
 * - a GS1 symbology identifier (]C1, ]d2, ]d8, ]Q3, ]e0, ]J1): an element
 *   string, FNC1 as GS or as MarScanOptions.gs_replacement;
 * - ]E0 (EAN-13, UPC-A as 12 digits, UPC-E as 8) and ]E4 (EAN-8): a GTIN;
 * - a plain identifier (]C0, ]d1, ]d7, ]Q1, ]J0, ]A0): a GS1 Digital Link
 *   URI ("https://…/01/…"), else a plain identifier;
 * - no identifier: data starting with GS (or the replacement) is an
 *   element string, "(01)…" the bracketed form, "http(s)://" a Digital
 *   Link, anything else a plain identifier.
 * zxing-cpp adds 6 to the Data Matrix modifier for DMRE (rectangular)
 * symbols: ]d7 is a plain DMRE, ]d8 a GS1 DMRE.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MAR_BARCODE_ERROR (mar_barcode_error_quark ())

typedef enum
{
  MAR_BARCODE_ERROR_EMPTY,            /* nothing scanned */
  MAR_BARCODE_ERROR_NOT_UTF8,         /* bytes that are not UTF-8 */
  MAR_BARCODE_ERROR_CONTROL_CHARACTER,/* a control character other than GS in the data */
  MAR_BARCODE_ERROR_SYMBOLOGY,        /* an AIM identifier we do not accept, or a malformed one */
  MAR_BARCODE_ERROR_UNKNOWN_AI,       /* an AI the syntax dictionary does not list */
  MAR_BARCODE_ERROR_TRUNCATED,        /* an AI without (enough) data */
  MAR_BARCODE_ERROR_TOO_LONG,         /* a value longer than its AI allows */
  MAR_BARCODE_ERROR_BAD_CHARACTER,    /* a character the AI's character set does not allow */
  MAR_BARCODE_ERROR_CHECK_DIGIT,      /* a GTIN, GSRN, SSCC, GLN... check digit that does not match */
  MAR_BARCODE_ERROR_BAD_DATE,         /* an impossible date or time */
  MAR_BARCODE_ERROR_DUPLICATE_AI,     /* the same AI twice with different values */
  MAR_BARCODE_ERROR_AI_ASSOCIATION,   /* the dictionary's req=/ex= pairing rules are broken */
  MAR_BARCODE_ERROR_FORMAT,           /* anything else malformed (brackets, separators) */
  /* Added with the implementation: */
  MAR_BARCODE_ERROR_EMBEDDED_NUL,     /* a NUL byte inside the data */
  MAR_BARCODE_ERROR_INPUT_TOO_LONG,   /* more than MAR_SCAN_MAX_LENGTH bytes */
  MAR_BARCODE_ERROR_INVALID_VALUE,    /* a value a GS1 rule refuses (country code, piece of total…) */
} MarBarcodeError;

/* No barcode we accept holds more; longer input is refused before it is
 * looked at. */
#define MAR_SCAN_MAX_LENGTH 4096

typedef enum
{
  MAR_SCAN_SOURCE_SCANNER = 0,  /* a handheld scanner (wedge timing) */
  MAR_SCAN_SOURCE_CAMERA,
  MAR_SCAN_SOURCE_IMAGE,
  MAR_SCAN_SOURCE_KEYED,        /* typed by a person: recorded as keyed (RULES.md, The record) */
} MarScanSource;

typedef enum
{
  MAR_SCAN_SYNTAX_GS1 = 1,      /* a GS1 element string: AIs parsed */
  MAR_SCAN_SYNTAX_PLAIN,        /* a plain identifier: MRN, bag label or badge; the cache says which */
} MarScanSyntax;

/* @options is required: the century of a GS1 date depends on it. */
typedef struct
{
  /* Characters a wedge scanner sends instead of GS (0x1D) because it cannot
   * type control characters; '\0' when not configured. It must not be a
   * letter, a digit or a control character. */
  gunichar     gs_replacement;
  /* Optional prefix printed before the MRN on wristbands ("MRN:"); removed
   * from plain identifiers that carry it. NULL when none. */
  const char  *mrn_prefix;
  /* Time against which two-digit GS1 years are resolved (Unix seconds);
   * its year is taken in UTC. */
  gint64       reference_time;
} MarScanOptions;

typedef struct _MarScan MarScan;

GQuark         mar_barcode_error_quark      (void);

/* (transfer full) — NULL with @error set on a rejection. @length may be -1
 * for a NUL-terminated string; embedded NULs are rejected. */
MarScan       *mar_scan_parse               (const char           *data,
                                             gssize                length,
                                             const MarScanOptions *options,
                                             GError              **error);
MarScan       *mar_scan_ref                 (MarScan              *scan);
void           mar_scan_unref               (MarScan              *scan);

MarScanSyntax  mar_scan_get_syntax          (const MarScan        *scan);
MarScanSource  mar_scan_get_source          (const MarScan        *scan);
void           mar_scan_set_source          (MarScan              *scan,
                                             MarScanSource         source);
/* The AIM symbology identifier the data came with ("]d2", "]C1"), or NULL. */
const char    *mar_scan_get_symbology       (const MarScan        *scan);
/* The data as scanned (GS kept as 0x1D, a configured GS replacement
 * turned into GS, symbology identifier and CR/LF terminator removed); the
 * URI of a Digital Link, the text of the bracketed form. */
const char    *mar_scan_get_data            (const MarScan        *scan);
/* The human-readable form: "(01)00304090123459(17)271231(10)A12" (a "("
 * inside a value written "\(", so that it reads back the same) or the
 * plain identifier as scanned (with its prefix). */
const char    *mar_scan_get_display         (const MarScan        *scan);
/* The plain identifier with any configured prefix removed; NULL for GS1. */
const char    *mar_scan_get_identifier      (const MarScan        *scan);
/* TRUE when the plain identifier carried MarScanOptions.mrn_prefix: it was
 * printed as a wristband. */
gboolean       mar_scan_has_mrn_prefix      (const MarScan        *scan);

/* GS1: the value of an AI ("01", "17", "8018"...), or NULL. */
const char    *mar_scan_get_ai              (const MarScan        *scan,
                                             const char           *ai);
/* GS1: the AIs in the order scanned, as "AI" strings (transfer none);
 * NULL for a plain identifier. */
GPtrArray     *mar_scan_get_ais             (const MarScan        *scan);
/* (01) as GTIN-14, or NULL. EAN-13, UPC-A, UPC-E (]E0) and EAN-8 (]E4)
 * scans are (01) too. */
const char    *mar_scan_get_gtin            (const MarScan        *scan);
/* The 10-digit US NDC (digits only) inside a GTIN with the NDC prefix, or NULL:
 * GTIN-14 "003" + NDC10 + check digit, i.e. a UPC-A of number system 3.
 * A GTIN with another indicator digit is a different package: no NDC. */
const char    *mar_scan_get_ndc             (const MarScan        *scan);
const char    *mar_scan_get_lot             (const MarScan        *scan);
const char    *mar_scan_get_serial          (const MarScan        *scan);
/* (8018) GSRN of the patient (wristband), or NULL. */
const char    *mar_scan_get_gsrn            (const MarScan        *scan);
/* (17) expiry: the last day on which the product may be used, DD=00
 * already resolved to the month's last day. FALSE if no (17). */
gboolean       mar_scan_get_expiry_date     (const MarScan        *scan,
                                             GDate                *date);
/* (7003) expiry date and time, local wall-clock time. FALSE if absent. */
gboolean       mar_scan_get_expiry_time     (const MarScan        *scan,
                                             int                  *year,
                                             int                  *month,
                                             int                  *day,
                                             int                  *hour,
                                             int                  *minute);

/* GTIN-8/12/13/14 digits (check digit included) to GTIN-14; NULL with
 * @error set for a wrong length, a non-digit or a bad check digit. */
char          *mar_gtin_normalize           (const char           *gtin,
                                             GError              **error);
/* The GS1 mod-10 check digit over all digits but the last. */
gboolean       mar_gs1_check_digit_valid    (const char           *digits);
/* An NDC as published ("0338-0048-04", "00338004804", "0338004804") to
 * its 10 digits without hyphens; NULL where the form is ambiguous or
 * malformed. 11-digit HIPAA forms are resolved only where the hyphenated
 * segments say which padding zero to remove. */
char          *mar_ndc_to_ndc10             (const char           *ndc);
/* The 11-digit HIPAA form (5-4-2, digits only) of a published NDC; NULL
 * when malformed, and for 10 digits without hyphens, whose segments (and
 * so the place of the padding zero) are unknown. */
char          *mar_ndc_to_ndc11             (const char           *ndc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarScan, mar_scan_unref)

G_END_DECLS
