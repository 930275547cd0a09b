/* mar-verifier.h — from two scans to a verdict, with the facts from the cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verification engine (mar-verify.h) is pure; this is the part that
 * does I/O around it: parse what the scanner sent, find what it names in
 * the cache, read every fact the rules need in one read transaction, and
 * run the engine. The bedside app, marctl and the benchmarks all go
 * through here, so a verdict never depends on who asked for it.
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "mar-barcode.h"
#include "mar-drug-library.h"
#include "mar-store.h"
#include "mar-verify.h"

G_BEGIN_DECLS

/* What one scan is, once parsed and looked up. */
typedef struct _MarScanResult MarScanResult;

MarScanResult     *mar_scan_result_ref            (MarScanResult       *result);
void               mar_scan_result_unref          (MarScanResult       *result);
MarScanKind        mar_scan_result_get_kind       (const MarScanResult *result);
/* The parsed scan, or NULL when it could not be read. */
MarScan           *mar_scan_result_get_scan       (const MarScanResult *result);
/* Why it could not be read, or NULL. */
const char        *mar_scan_result_get_error      (const MarScanResult *result);
/* What the scan found in the cache (nullable, transfer none). */
const MarPatient  *mar_scan_result_get_patient    (const MarScanResult *result);
const MarProduct  *mar_scan_result_get_product    (const MarScanResult *result);
const MarDispense *mar_scan_result_get_dispense   (const MarScanResult *result);
const MarStaff    *mar_scan_result_get_staff      (const MarScanResult *result);

/* The result of one verification: the verdict and what it was about. */
typedef struct _MarVerification MarVerification;

MarVerification   *mar_verification_ref           (MarVerification       *verification);
void               mar_verification_unref         (MarVerification       *verification);
MarVerdict        *mar_verification_get_verdict   (const MarVerification *verification);
const MarPatient  *mar_verification_get_patient   (const MarVerification *verification);
const MarOrder    *mar_verification_get_order     (const MarVerification *verification);
const MarProduct  *mar_verification_get_product   (const MarVerification *verification);
const MarDispense *mar_verification_get_dispense  (const MarVerification *verification);
MarScanResult     *mar_verification_get_patient_scan (const MarVerification *verification);
MarScanResult     *mar_verification_get_product_scan (const MarVerification *verification);
gint64             mar_verification_get_time      (const MarVerification *verification);
/* The JSON object `marctl verify --json` prints (issue 3): verdict,
 * patient, order, product, findings, requires, plus the due time and the
 * outcome. Also the snapshot the record keeps of what was verified. */
JsonNode          *mar_verification_to_json       (const MarVerification *verification,
                                                   GTimeZone             *time_zone);

#define MAR_TYPE_VERIFIER (mar_verifier_get_type ())
G_DECLARE_FINAL_TYPE (MarVerifier, mar_verifier, MAR, VERIFIER, GObject)

MarVerifier       *mar_verifier_new               (MarStore             *store,
                                                   MarDrugLibrary       *library,
                                                   GTimeZone            *time_zone,
                                                   const MarScanOptions *scan_options);
MarStore          *mar_verifier_get_store         (MarVerifier          *self);
MarDrugLibrary    *mar_verifier_get_library       (MarVerifier          *self);
GTimeZone         *mar_verifier_get_time_zone     (MarVerifier          *self);

/* Sync facts (RULES.md CLOCK_SKEW): server − terminal, in seconds. */
void               mar_verifier_set_clock_skew    (MarVerifier          *self,
                                                   gboolean              known,
                                                   gint64                skew);

/* Parses @data and looks it up. Never fails for a bad scan (that is a
 * result of kind UNREADABLE); @error only for a database failure. @now
 * resolves two-digit GS1 years. */
MarScanResult     *mar_verifier_resolve_scan      (MarVerifier          *self,
                                                   const char           *data,
                                                   gssize                length,
                                                   MarScanSource         source,
                                                   gint64                now,
                                                   GError              **error);

/* Reads the facts for a wristband and a product scan and runs the engine
 * at @now. @error only for a database failure. */
MarVerification   *mar_verifier_verify            (MarVerifier          *self,
                                                   MarScanResult        *patient_scan,
                                                   MarScanResult        *product_scan,
                                                   gint64                now,
                                                   GError              **error);

/* The drug library in force on this terminal: the one IT installed in the
 * database (marctl library install), else the built-in default. */
MarDrugLibrary    *mar_drug_library_load_installed (MarStore            *store,
                                                    GError             **error);
/* Validates @path and installs it in the database; an invalid file is
 * refused with its error and the library in force stays. */
gboolean           mar_drug_library_install        (MarStore            *store,
                                                    const char          *path,
                                                    GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarScanResult, mar_scan_result_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarVerification, mar_verification_unref)

G_END_DECLS
