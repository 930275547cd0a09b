/* bench-shift-log.c — the shift log and reports of a busy unit
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 4 (part 9) and issue 8: a 40-bed unit with 30 days of history,
 * documented through the record's API (every row is what the record
 * writes: entries and their hash chain, variances, projections, outbox),
 * plus administrations charted on another terminal through the store's
 * API. For one shift: the time to load the log (what the charge nurse's
 * screen opens: budget 200 ms), to make the CSV and the PDF of the log
 * and of each report, each as a ratio to a plain SELECT of the same
 * shift's record entries on the same file in the same run.
 *
 * The only shortcut: each day's documentation is one outer transaction
 * (the record's actions nest as savepoints), so generating takes seconds
 * of fsync less; the rows are the same.
 *
 * Usage: bench-shift-log [--beds N] [--days N] [--iterations N] [--keep PATH]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mar-audit.h"
#include "mar-fhir-import.h"
#include "mar-record.h"
#include "mar-report-render.h"
#include "mar-shift-log.h"
#include "mar-time.h"

#define NURSES 6
#define NACL_GTIN "00614141100101"
#define MEROPENEM_GTIN "00614141205103"

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef struct
{
  int            beds;
  int            days;
  GTimeZone     *tz;
  MarStore      *store;
  MarVerifier   *verifier;
  MarRecord     *record;
  MarSignature  *nurses[NURSES];
  guint          serial;
  guint          doses;
  guint          actions;
  guint          pulled;
  int            first_year, first_month, first_day;
} Bench;

static void
check (gboolean      ok,
       const GError *error,
       const char   *what)
{
  if (!ok)
    g_error ("%s: %s", what, error != NULL ? error->message : "failed");
}

static gint64
local (Bench *b,
       int    day,
       int    hour,
       int    minute)
{
  g_autoptr(GDate) date = g_date_new_dmy (b->first_day, b->first_month, b->first_year);

  if (day >= 0)
    g_date_add_days (date, (guint) day);
  else
    g_date_subtract_days (date, (guint) -day);
  return mar_time_from_local (b->tz, g_date_get_year (date), g_date_get_month (date), g_date_get_day (date),
                              hour, minute, 0);
}

/* The unit, its beds, patients, encounters and orders: two orders per
 * patient, as the demo ward's 4W-01 (0.9% NaCl 75 mL/h, continuous) and
 * 4W-10 (meropenem 1 g q8h) have them. */
static void
populate (Bench *b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarOrder) nacl = mar_store_get_order (b->store, "mr-4w-01-nacl", &error);
  g_autoptr(MarOrder) meropenem = NULL;
  g_autoptr(MarLocation) unit = mar_location_new ();
  MarResourceInfo info = { MAR_TIME_UNSET, NULL };

  check (nacl != NULL, error, "demo NaCl order");
  meropenem = mar_store_get_order (b->store, "mr-4w-10-meropenem", &error);
  check (meropenem != NULL, error, "demo meropenem order");

  check (mar_store_begin (b->store, &error), error, "begin");
  unit->id = g_strdup ("loc-bench");
  unit->name = g_strdup ("Bench — Medical/Surgical");
  unit->physical_type = g_strdup ("wa");
  check (mar_store_upsert_location (b->store, unit, &info, NULL, &error), error, "unit");
  for (int i = 0; i < b->beds; i++)
    {
      g_autoptr(MarLocation) bed = mar_location_new ();
      g_autoptr(MarPatient) patient = mar_patient_new ();
      g_autoptr(MarEncounter) encounter = mar_encounter_new ();

      bed->id = g_strdup_printf ("loc-bench-%02d", i + 1);
      bed->name = g_strdup_printf ("B-%02d", i + 1);
      bed->part_of_id = g_strdup ("loc-bench");
      bed->physical_type = g_strdup ("bd");
      check (mar_store_upsert_location (b->store, bed, &info, NULL, &error), error, "bed");

      patient->id = g_strdup_printf ("pt-bench-%02d", i + 1);
      patient->mrn = g_strdup_printf ("880%05d", i + 1);
      patient->family = g_strdup_printf ("Benchley%02d", i + 1);
      patient->given = g_strdup ("Alex");
      patient->birth_date = g_strdup ("1960-01-01");
      patient->gender = g_strdup ("unknown");
      patient->active = TRUE;
      g_ptr_array_add (patient->identifiers, mar_identifier_new ("urn:oid:2.16.840.1.113883.3.9999.1",
                                                                 patient->mrn, "MR"));
      check (mar_store_upsert_patient (b->store, patient, &info, NULL, &error), error, "patient");

      encounter->id = g_strdup_printf ("enc-bench-%02d", i + 1);
      encounter->patient_id = g_strdup (patient->id);
      encounter->status = g_strdup ("in-progress");
      encounter->start = local (b, -1, 12, 0);
      encounter->end = MAR_TIME_UNSET;
      encounter->location_id = g_strdup (bed->id);
      check (mar_store_upsert_encounter (b->store, encounter, &info, NULL, &error), error, "encounter");

      g_free (nacl->id);
      nacl->id = g_strdup_printf ("mr-bench-%02d-nacl", i + 1);
      g_free (nacl->patient_id);
      nacl->patient_id = g_strdup (patient->id);
      g_free (nacl->encounter_id);
      nacl->encounter_id = g_strdup (encounter->id);
      nacl->bounds_start = local (b, -1, 7, 0);
      nacl->authored_on = nacl->bounds_start;
      check (mar_store_upsert_order (b->store, nacl, &info, NULL, &error), error, "NaCl order");

      g_free (meropenem->id);
      meropenem->id = g_strdup_printf ("mr-bench-%02d-meropenem", i + 1);
      g_free (meropenem->patient_id);
      meropenem->patient_id = g_strdup (patient->id);
      g_free (meropenem->encounter_id);
      meropenem->encounter_id = g_strdup (encounter->id);
      meropenem->bounds_start = local (b, -1, 8, 0);
      meropenem->authored_on = meropenem->bounds_start;
      check (mar_store_upsert_order (b->store, meropenem, &info, NULL, &error), error, "meropenem order");
    }
  check (mar_store_commit (b->store, &error), error, "commit");
}

/* Documenting ------------------------------------------------------------------ */

static MarRecordContext
context_at (Bench  *b,
            int     bed,
            gint64  at)
{
  g_autoptr(GError) error = NULL;
  MarRecordContext context = { .at = at, .now = at, .nurse = b->nurses[bed % NURSES] };

  /* The terminal synced a minute before (CACHE_STALE is not what this
   * measures). */
  check (mar_store_set_last_sync (b->store, at - 60, &error), error, "last sync");
  b->actions++;
  return context;
}

static MarScanResult *
scan (Bench      *b,
      const char *text,
      gboolean    keyed,
      gint64      at)
{
  g_autoptr(GError) error = NULL;
  MarScanResult *result = mar_verifier_resolve_scan (b->verifier, text, -1,
                                                     keyed ? MAR_SCAN_SOURCE_KEYED : MAR_SCAN_SOURCE_SCANNER,
                                                     at, &error);

  check (result != NULL, error, "scan");
  return result;
}

static gint64
start_bag (Bench             *b,
           int                bed,
           gint64             at,
           const char        *gtin,
           double             rate,
           const MarOverride *override,
           gboolean           unable)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) result = NULL;
  g_autofree char *mrn = g_strdup_printf ("880%05d", bed + 1);
  g_autofree char *name = g_strdup_printf ("Benchley%02d, Alex", bed + 1);
  g_autofree char *product_text = g_strdup_printf ("(01)%s(17)301231(10)BENCH(21)B%u", gtin, ++b->serial);
  g_autoptr(MarScanResult) patient = scan (b, mrn, unable, at);
  g_autoptr(MarScanResult) product = scan (b, product_text, FALSE, at);
  MarRecordContext context = context_at (b, bed, at);
  MarUnableToScan unable_to_scan = {
    .patient_reason = "damaged-wristband", .confirmed_name = name, .confirmed_birth_date = "1960-01-01",
  };
  MarStartRequest request = {
    .patient_scan = patient, .product_scan = product, .rate_ml_per_h = rate,
    .unable_to_scan = unable ? &unable_to_scan : NULL,
  };
  g_autoptr(MarInfusion) bag = NULL;

  if (override != NULL)
    {
      context.overrides = override;
      context.n_overrides = 1;
    }
  bag = mar_record_start (b->record, &context, &request, &result, &error);
  check (bag != NULL, error, "start");
  return bag->id;
}

static void
complete (Bench  *b,
          int     bed,
          gint64  id,
          gint64  at)
{
  g_autoptr(GError) error = NULL;
  MarRecordContext context = context_at (b, bed, at);

  check (mar_record_complete (b->record, &context, id, NULL, NULL, &error), error, "complete");
}

/* One bed's day: a NaCl bag from 07:00 (rate raised at 11:00, paused at
 * 13:00 for a quarter of an hour, completed at 19:00), the next one over
 * the night; meropenem due 08:00, 16:00 and 00:00, now and then late
 * (with a reason), not scanned (damaged wristband), missed, or with a
 * reaction; a site check; a dose charted on another terminal. */
static void
document_day (Bench *b,
              int    day,
              int    bed)
{
  g_autoptr(GError) error = NULL;
  int off = (bed * 7) % 30;
  MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };
  MarOverride late = { "TIME_LATE", "patient-off-unit", NULL };
  gint64 nacl = start_bag (b, bed, local (b, day, 7, off), NACL_GTIN, 75, NULL, FALSE);
  gint64 night;

  {
    MarRecordContext context = context_at (b, bed, local (b, day, 10, off));
    MarSiteCheckRequest request = { .site = "left forearm" };

    check (mar_record_add_site_check (b->record, &context, nacl, &request, &error) > 0, error, "site check");
  }
  {
    MarRecordContext context = context_at (b, bed, local (b, day, 11, off));

    context.overrides = &mismatch;
    context.n_overrides = 1;
    check (mar_record_change_rate (b->record, &context, nacl, 100, "provider-order", NULL, NULL, &error),
           error, "rate");
  }
  {
    MarRecordContext pause = context_at (b, bed, local (b, day, 13, off));
    MarRecordContext resume = context_at (b, bed, local (b, day, 13, off + 15));

    check (mar_record_pause (b->record, &pause, nacl, "patient-care", NULL, &error), error, "pause");
    check (mar_record_resume (b->record, &resume, nacl, NULL, &error), error, "resume");
  }
  complete (b, bed, nacl, local (b, day, 19, off));
  night = start_bag (b, bed, local (b, day, 19, off + 5), NACL_GTIN, 75, NULL, FALSE);
  complete (b, bed, night, local (b, day + 1, 6, 50 + off / 3));

  for (int k = 0; k < 3; k++)
    {
      guint n = b->doses++;
      gint64 due = k < 2 ? local (b, day, 8 + 8 * k, 0) : local (b, day + 1, 0, 0);
      gboolean is_late = n % 13 == 5;
      gint64 at = due + (is_late ? 90 : off % 20) * 60;
      gint64 bag;

      if (n % 23 == 7)
        continue;  /* missed */
      bag = start_bag (b, bed, at, MEROPENEM_GTIN, 100, is_late ? &late : NULL, n % 11 == 3);
      if (n % 37 == 11)
        {
          MarRecordContext context = context_at (b, bed, at + 10 * 60);
          const char *actions[] = { "slowed", NULL };
          MarReactionRequest request = { .kind = "rash", .severity = "mild", .actions = actions };

          check (mar_record_add_reaction (b->record, &context, bag, &request, &error) > 0, error, "reaction");
        }
      complete (b, bed, bag, at + 30 * 60);
    }

  {
    g_autoptr(MarAdministration) a = mar_administration_new ();
    MarResourceInfo info = { local (b, day, 13, off + 1), NULL };

    a->id = g_strdup_printf ("ma-bench-%02d-%d", bed + 1, day);
    a->version = g_strdup ("1");
    a->source = g_strdup ("urn:bedside-mar:terminal:BENCH-CART");
    a->patient_id = g_strdup_printf ("pt-bench-%02d", bed + 1);
    a->status = g_strdup ("completed");
    a->start = local (b, day, 12, 30 + off / 2);
    a->end = local (b, day, 13, off);
    a->due_time = MAR_TIME_UNSET;
    a->performer_id = g_strdup ("prac-n1003");
    mar_quantity_set (&a->dose, 100, "mL");
    mar_quantity_set (&a->rate, 200, "mL/h");
    check (mar_store_upsert_administration (b->store, a, &info, NULL, &error), error, "pulled");
    b->pulled++;
  }
}

/* Measuring ------------------------------------------------------------------------ */

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
median_ms (GArray *times)
{
  g_array_sort (times, compare_times);
  return g_array_index (times, gint64, times->len / 2) / 1e6;
}

static double
max_ms (GArray *times)
{
  g_array_sort (times, compare_times);
  return g_array_index (times, gint64, times->len - 1) / 1e6;
}

/* The baseline: a plain SELECT of the shift's record entries (every
 * column, payload included) on its own connection to the same file. */
static gint64
plain_select (sqlite3 *db,
              gint64   start,
              gint64   end,
              guint   *rows)
{
  sqlite3_stmt *stmt = NULL;
  gint64 t0 = now_ns ();
  gsize bytes = 0;

  *rows = 0;
  if (sqlite3_prepare_v2 (db, "SELECT seq, uuid, kind, at, recorded_at, performer_id, witness_id, patient_id, "
                              "infusion_id, corrects_seq, payload, prev_hash, hash "
                              "FROM record_entries WHERE at >= ?1 AND at < ?2 ORDER BY at, seq",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_int64 (stmt, 2, end);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        bytes += sqlite3_column_bytes (stmt, c) + (sqlite3_column_text (stmt, c) != NULL);
      (*rows)++;
    }
  sqlite3_finalize (stmt);
  if (bytes == 0 && *rows > 0)
    g_error ("nothing read");
  return now_ns () - t0;
}

typedef struct
{
  GArray *build;   /* the report from the loaded log */
  GArray *csv;     /* build + CSV */
  GArray *pdf;     /* build + PDF */
  guint   pages;
  gsize   csv_bytes;
  gsize   pdf_bytes;
} Timing;

static void
time_report (MarShiftLog   *log,
             MarReportKind  kind,
             gint64         printed_at,
             int            iterations,
             Timing        *t)
{
  t->build = g_array_new (FALSE, FALSE, sizeof (gint64));
  t->csv = g_array_new (FALSE, FALSE, sizeof (gint64));
  t->pdf = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (int i = 0; i < iterations; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t0 = now_ns (), t1;

      {
        g_autoptr(MarReport) report = mar_shift_log_build_report (log, kind, printed_at);

        t1 = now_ns () - t0;
        g_array_append_val (t->build, t1);
        if (report->tables->len == 0)
          g_error ("a report without a table");
      }
      t0 = now_ns ();
      {
        g_autoptr(MarReport) report = mar_shift_log_build_report (log, kind, printed_at);
        g_autofree char *csv = mar_report_to_csv (report, 0);

        t1 = now_ns () - t0;
        g_array_append_val (t->csv, t1);
        t->csv_bytes = strlen (csv);
      }
      t0 = now_ns ();
      {
        g_autoptr(MarReport) report = mar_shift_log_build_report (log, kind, printed_at);
        g_autoptr(GBytes) pdf = mar_report_to_pdf (report, MAR_REPORT_PAPER_A4, &error);

        check (pdf != NULL, error, "PDF");
        t1 = now_ns () - t0;
        g_array_append_val (t->pdf, t1);
        t->pdf_bytes = g_bytes_get_size (pdf);
      }
    }
  {
    g_autoptr(MarReport) report = mar_shift_log_build_report (log, kind, printed_at);
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 10, 10);
    cairo_t *cr = cairo_create (surface);
    double w, h;

    mar_report_paper_get_size (MAR_REPORT_PAPER_A4, &w, &h);
    t->pages = mar_report_get_n_pages (report, cr, w, h);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
}

static void
timing_clear (Timing *t)
{
  g_array_unref (t->build);
  g_array_unref (t->csv);
  g_array_unref (t->pdf);
}

static gint64
count (sqlite3    *db,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— the shift log of a busy unit");
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  g_autoptr(MarShiftPlan) plan = mar_shift_plan_new_default ();
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) loads = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) opens = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(MarShiftLog) log = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *bundle = g_build_filename (MAR_SOURCE_ROOT, "data", "demo", "demo-ward.json", NULL);
  g_autofree char *date = NULL;
  g_autofree char *label = NULL;
  g_auto(MarShift) shift = { 0 };
  MarFhirImportOptions import_options = { 0 };
  MarScanOptions scan_options = { 0 };
  MarAuditReport audit;
  const char *badges[NURSES] = { "N1001", "N1002", "N1003", "N1004", "N1005", "N1006" };
  Bench b = { .beds = 40, .days = 30, .first_year = 2026, .first_month = 2, .first_day = 1 };
  int iterations = 9;
  sqlite3 *raw = NULL;
  guint rows = 0;
  gint64 t0, now;
  double base, open_ms, open_max;
  GOptionEntry entries[] = {
    { "beds", 0, 0, G_OPTION_ARG_INT, &b.beds, "Beds on the unit (default 40)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &b.days, "Days of history (default 30)", "N" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Runs of each measurement (default 9)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write the database here and keep it", "PATH" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (b.beds < 1 || b.days < 1 || iterations < 1)
    g_error ("--beds, --days and --iterations take a positive number");

  b.tz = g_time_zone_new_identifier ("America/New_York");
  if (keep != NULL)
    path = g_strdup (keep);
  else
    {
      folder = g_dir_make_tmp ("bench-shift-log-XXXXXX", &error);
      check (folder != NULL, error, "temporary folder");
      path = g_build_filename (folder, "mar.db", NULL);
    }
  b.store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
  check (b.store != NULL, error, "open");

  /* The demo ward gives the staff, the products and two orders to copy. */
  import_options.time_zone = b.tz;
  import_options.now = local (&b, -2, 12, 0);
  check (mar_fhir_import_file (b.store, bundle, &import_options, NULL, &error), error, "import the demo ward");
  for (int i = 0; i < NURSES; i++)
    {
      check (mar_staff_set_pin (b.store, badges[i], "1234", MAR_STAFF_AUTHORITY_ROOT, NULL,
                                g_get_real_time () / G_USEC_PER_SEC, &error), error, "PIN");
      b.nurses[i] = mar_staff_sign_in (b.store, badges[i], "1234", g_get_real_time () / G_USEC_PER_SEC, &error);
      check (b.nurses[i] != NULL, error, "sign in");
    }
  b.verifier = mar_verifier_new (b.store, library, b.tz, &scan_options);
  b.record = mar_record_new (b.verifier, &error);
  check (b.record != NULL, error, "record");
  populate (&b);

  t0 = now_ns ();
  for (int day = 0; day < b.days; day++)
    {
      check (mar_store_begin (b.store, &error), error, "begin");
      for (int bed = 0; bed < b.beds; bed++)
        document_day (&b, day, bed);
      check (mar_store_commit (b.store, &error), error, "commit");
      check (mar_audit_write_head_file (b.store, &error), error, "head file");
    }
  if (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("%s", sqlite3_errmsg (raw));
  printf ("history: %d beds, %d days, %u actions through the record in %.1f s: %" G_GINT64_FORMAT " entries, "
          "%" G_GINT64_FORMAT " bags, %" G_GINT64_FORMAT " variances, %" G_GINT64_FORMAT " outbox rows, "
          "%u administrations charted on another terminal\n",
          b.beds, b.days, b.actions, (now_ns () - t0) / 1e9, count (raw, "SELECT count (*) FROM record_entries"),
          count (raw, "SELECT count (*) FROM infusions"), count (raw, "SELECT count (*) FROM variances"),
          count (raw, "SELECT count (*) FROM outbox"), b.pulled);
  check (mar_audit_verify (b.store, NULL, &audit, &error), error, "audit verify");
  printf ("audit chain: %s (%" G_GINT64_FORMAT " entries)\n",
          audit.problem == MAR_AUDIT_INTACT ? "intact" : audit.message, audit.entries);
  mar_audit_report_clear (&audit);

  /* The day shift of the last day, read the next morning. */
  date = g_strdup_printf ("%04d-%02d-%02d", 2026, 2, 1);
  {
    g_autoptr(GDate) d = g_date_new_dmy (b.first_day, b.first_month, b.first_year);

    g_date_add_days (d, b.days - 1);
    g_free (date);
    date = g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (d), g_date_get_month (d), g_date_get_day (d));
  }
  check (mar_shift_plan_resolve (plan, b.tz, "day", date, &shift, &error), error, "shift");
  now = local (&b, b.days, 9, 0);
  label = mar_shift_dup_label (&shift, b.tz);

  for (int i = 0; i <= iterations; i++)
    {
      gint64 t;
      g_autoptr(MarShiftLog) one = NULL;

      t = plain_select (raw, shift.start, shift.end, &rows);
      if (i > 0)
        g_array_append_val (baseline, t);
      t0 = now_ns ();
      one = mar_shift_log_load (b.store, library, b.tz, "loc-bench", &shift, now, &error);
      t = now_ns () - t0;
      check (one != NULL, error, "load");
      if (i > 0)
        g_array_append_val (loads, t);
      g_clear_object (&one);

      /* What the GUI's mar_shift_log_load_async does in its thread: its
       * own read-only connection, then the load. */
      t0 = now_ns ();
      {
        g_autoptr(MarStore) reader = mar_store_open (path, MAR_STORE_OPEN_READ_ONLY, &error);

        check (reader != NULL, error, "open read-only");
        one = mar_shift_log_load (reader, library, b.tz, "loc-bench", &shift, now, &error);
        check (one != NULL, error, "load");
        g_clear_object (&one);
      }
      t = now_ns () - t0;
      if (i > 0)
        g_array_append_val (opens, t);
    }
  base = median_ms (baseline);
  log = mar_shift_log_load (b.store, library, b.tz, "loc-bench", &shift, now, &error);
  check (log != NULL, error, "load");

  {
    const MarShiftSummary *s = mar_shift_log_get_summary (log);

    printf ("shift: %s — %u events (%u record entries), %u patients, %u missed, %u overrides, %u late, "
            "unable to scan %u of %u, %u reactions, %u charted elsewhere\n",
            label, s->events, rows, s->patients, s->doses_missed, s->overrides, s->doses_late,
            s->unable_to_scan, s->verifications, s->reactions, s->pulled);
  }
  printf ("baseline: plain SELECT of the shift's %u record entries (every column): median %.2f ms\n", rows, base);
  printf ("%-24s %10s %10s   %s\n", "", "median ms", "×baseline", "");
  printf ("%-24s %10.2f %9.0f×   max %.2f ms\n", "shift log: load", median_ms (loads), median_ms (loads) / base,
          max_ms (loads));
  printf ("%-24s %10.2f %9.0f×   own read-only connection, as the GUI's async load\n", "shift log: open + load",
          median_ms (opens), median_ms (opens) / base);
  for (guint k = 0; k < MAR_REPORT_N_KINDS; k++)
    {
      Timing t = { 0 };
      const char *name = mar_report_kind_to_string (k);
      char what[64];

      if (k == MAR_REPORT_DOWNTIME)
        continue;
      time_report (log, k, now, iterations, &t);
      g_snprintf (what, sizeof what, "%s: build", name);
      printf ("%-24s %10.2f %9.0f×\n", what, median_ms (t.build), median_ms (t.build) / base);
      g_snprintf (what, sizeof what, "%s: CSV", name);
      printf ("%-24s %10.2f %9.0f×   %zu bytes\n", what, median_ms (t.csv), median_ms (t.csv) / base, t.csv_bytes);
      g_snprintf (what, sizeof what, "%s: PDF", name);
      printf ("%-24s %10.2f %9.0f×   %u pages, %zu bytes\n", what, median_ms (t.pdf), median_ms (t.pdf) / base,
              t.pages, t.pdf_bytes);
      timing_clear (&t);
    }
  open_ms = median_ms (opens);
  open_max = max_ms (opens);
  printf ("The charge nurse's screen opens the shift log of this %d-bed unit in %.1f ms (median; max %.1f ms): "
          "%s the 200 ms budget\n", b.beds, open_ms, open_max, open_max <= 200 ? "within" : "OVER");

  sqlite3_close (raw);
  g_clear_object (&log);
  g_clear_object (&b.record);
  g_clear_object (&b.verifier);
  for (int i = 0; i < NURSES; i++)
    mar_signature_unref (b.nurses[i]);
  g_clear_object (&b.store);
  g_time_zone_unref (b.tz);
  if (folder != NULL)
    {
      const char *suffixes[] = { "", "-wal", "-shm", ".chain", ".chain.lock" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
          g_unlink (file);
        }
      g_rmdir (folder);
    }
  return open_max <= 200 ? 0 : 1;
}
