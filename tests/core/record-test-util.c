/* record-test-util.c — the demo ward with staff PINs, for the record's tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Importing the ward and hashing nine PINs (Argon2id, ~0.15 s each) is done
 * once per test program; each test gets a copy of that database.
 */

#include "config.h"

#include <gio/gio.h>

#include "mar-fhir-import.h"
#include "mar-time.h"
#include "record-test-util.h"
#include "store-test-util.h"

static const char * const badges[] = {
  "N1001", "N1002", "N1003", "N1004", "N1005", "N1006", "C2001", "C2002", "T3001",
};

static char *template_folder;
static MarSignature *template_signatures[4];

static void
remove_template (void)
{
  test_remove_folder (template_folder);
  g_clear_pointer (&template_folder, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (template_signatures); i++)
    g_clear_pointer (&template_signatures[i], mar_signature_unref);
}

static void
make_template (GTimeZone *tz,
               gint64     anchor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autofree char *db = NULL;
  g_autofree char *bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "demo-ward.json", NULL);
  MarFhirImportOptions options = { 0 };
  const char *signed_in[] = { "N1001", "N1002", "C2001", "T3001" };

  template_folder = test_make_folder ();
  db = g_build_filename (template_folder, "mar.db", NULL);
  store = mar_store_open (db, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  options.time_zone = tz;
  options.now = anchor - 60;
  g_assert_true (mar_fhir_import_file (store, bundle, &options, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (badges); i++)
    {
      g_assert_true (mar_staff_set_pin (store, badges[i], RW_PIN, MAR_STAFF_AUTHORITY_ROOT, NULL,
                                        anchor - 3600, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (signed_in); i++)
    {
      template_signatures[i] = mar_staff_sign_in (store, signed_in[i], RW_PIN, anchor, &error);
      g_assert_no_error (error);
    }
  g_clear_object (&store);  /* the last close checkpoints the WAL into the file */
  atexit (remove_template);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = g_file_new_for_path (to);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (source, target, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

void
record_ward_reopen (RecordWard *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  MarScanOptions scan_options = { 0 };

  g_clear_object (&w->record);
  g_clear_object (&w->verifier);
  g_clear_object (&w->store);
  w->store = mar_store_open (w->db, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  w->verifier = mar_verifier_new (w->store, library, w->tz, &scan_options);
  w->record = mar_record_new (w->verifier, &error);
  g_assert_no_error (error);
}

RecordWard *
record_ward_new (void)
{
  RecordWard *w = g_new0 (RecordWard, 1);
  g_autofree char *from = NULL;
  g_autofree char *from_head = NULL;
  g_autofree char *to_head = NULL;

  w->tz = g_time_zone_new_identifier ("America/New_York");
  g_assert_true (mar_time_parse_fhir (RW_ANCHOR, w->tz, &w->anchor, NULL, NULL));
  if (template_folder == NULL)
    make_template (w->tz, w->anchor);

  w->folder = test_make_folder ();
  w->db = g_build_filename (w->folder, "mar.db", NULL);
  from = g_build_filename (template_folder, "mar.db", NULL);
  copy_file (from, w->db);
  from_head = g_strconcat (from, ".chain", NULL);
  to_head = g_strconcat (w->db, ".chain", NULL);
  copy_file (from_head, to_head);

  w->nurse = mar_signature_ref (template_signatures[0]);
  w->nurse2 = mar_signature_ref (template_signatures[1]);
  w->charge = mar_signature_ref (template_signatures[2]);
  w->it = mar_signature_ref (template_signatures[3]);
  record_ward_reopen (w);
  return w;
}

void
record_ward_free (RecordWard *w)
{
  if (w == NULL)
    return;
  g_clear_object (&w->record);
  g_clear_object (&w->verifier);
  g_clear_object (&w->store);
  g_clear_pointer (&w->nurse, mar_signature_unref);
  g_clear_pointer (&w->nurse2, mar_signature_unref);
  g_clear_pointer (&w->charge, mar_signature_unref);
  g_clear_pointer (&w->it, mar_signature_unref);
  g_time_zone_unref (w->tz);
  test_remove_folder (w->folder);
  g_free (w->folder);
  g_free (w->db);
  g_free (w);
}

gint64
rw_at (RecordWard *w,
       double      minutes)
{
  return w->anchor + (gint64) (minutes * 60);
}

MarScanResult *
rw_scan (RecordWard *w,
         const char *text,
         gboolean    keyed)
{
  g_autoptr(GError) error = NULL;
  MarScanResult *scan = mar_verifier_resolve_scan (w->verifier, text, -1,
                                                   keyed ? MAR_SCAN_SOURCE_KEYED : MAR_SCAN_SOURCE_SCANNER,
                                                   w->anchor, &error);

  g_assert_no_error (error);
  return scan;
}

MarSignature *
rw_sign_in (RecordWard *w,
            const char *badge,
            gint64      now)
{
  g_autoptr(GError) error = NULL;
  MarSignature *signature = mar_staff_sign_in (w->store, badge, RW_PIN, now, &error);

  g_assert_no_error (error);
  return signature;
}

MarRecordContext
rw_context (RecordWard   *w,
            double        minutes,
            MarSignature *nurse,
            MarSignature *witness)
{
  MarRecordContext context = {
    .at = rw_at (w, minutes),
    .now = rw_at (w, minutes),
    .nurse = nurse,
    .witness = witness,
  };
  g_autoptr(GError) error = NULL;
  gint64 last_sync;

  /* The terminal synced a minute before (CACHE_STALE is the verifier's
   * rule, tested there): tests act hours after the import. */
  g_assert_true (mar_store_get_last_sync (w->store, &last_sync, &error));
  if (last_sync == MAR_TIME_UNSET || last_sync < context.at - 60)
    g_assert_true (mar_store_set_last_sync (w->store, context.at - 60, &error));
  g_assert_no_error (error);
  return context;
}

MarInfusion *
rw_start_nacl (RecordWard *w,
               const char *product_scan,
               double      minutes,
               double      rate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, product_scan, FALSE);
  MarRecordContext context = rw_context (w, minutes, w->nurse, NULL);
  MarStartRequest request = {
    .patient_scan = patient, .product_scan = product, .rate_ml_per_h = rate,
  };
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  MarInfusion *bag;

  if (rate != 75)
    {
      context.overrides = &mismatch;
      context.n_overrides = 1;
    }
  bag = mar_record_start (w->record, &context, &request, &check, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bag);
  return bag;
}

MarInfusion *
rw_start_heparin (RecordWard        *w,
                  double             minutes,
                  double             rate,
                  const MarOverride *overrides,
                  guint              n_overrides)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarScanResult) patient = rw_scan (w, RW_BED1, FALSE);
  g_autoptr(MarScanResult) product = rw_scan (w, RW_HEPARIN_S02, FALSE);
  g_autoptr(MarSignature) witness = rw_sign_in (w, "N1002", rw_at (w, minutes));
  MarRecordContext context = rw_context (w, minutes, w->nurse, witness);
  MarStartRequest request = {
    .patient_scan = patient, .product_scan = product, .rate_ml_per_h = rate, .site = "left forearm",
    .pump = "PUMP-7", .channel = "A",
  };
  MarInfusion *bag;

  context.overrides = overrides;
  context.n_overrides = n_overrides;
  bag = mar_record_start (w->record, &context, &request, &check, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bag);
  return bag;
}
