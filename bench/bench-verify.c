/* bench-verify.c — verification latency on a hospital-sized cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Issue 3: on a cache of 2,000 patients, 40,000 orders and 5,000 products,
 * the time from two scans to a verdict (parse both scans, look them up,
 * read every fact in one snapshot, run the engine), median and p99 per
 * verdict, and the ratio to a bare indexed SQLite lookup of the same
 * patient measured in the same run on the same file. Target: ≤ 1 ms p99.
 *
 * Usage: bench-verify [--patients N] [--iterations N] [--keep PATH]
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "mar-store.h"
#include "mar-time.h"
#include "mar-verifier.h"

#define ORDERS_PER_PATIENT 20
#define PRODUCTS 5000
#define INGREDIENTS 400
#define ADMINISTRATIONS_PER_PATIENT 30

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
gtin_check_digit (const char *first13)
{
  int sum = 0;

  /* GS1 mod 10: weights 3,1,3,… from the right of the 13 digits. */
  for (int i = 0; i < 13; i++)
    sum += (first13[12 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return (10 - sum % 10) % 10;
}

static char *
make_gtin (int n)
{
  char digits[15];

  g_snprintf (digits, sizeof digits, "0061414%06d", n);
  digits[13] = (char) ('0' + gtin_check_digit (digits));
  digits[14] = '\0';
  return g_strdup (digits);
}

static char *
ingredient_code (int n)
{
  return g_strdup_printf ("%d", 900000 + n);
}

/* A MedicationRequest's JSON of realistic size (2–3 kB): the store keeps
 * it beside the row, and it must not slow the scan path. */
static char *
order_json (const char *id,
            const char *patient)
{
  GString *json = g_string_new (NULL);

  g_string_append_printf (json,
    "{\"resourceType\":\"MedicationRequest\",\"id\":\"%s\",\"status\":\"active\",\"intent\":\"order\","
    "\"subject\":{\"reference\":\"Patient/%s\"},\"note\":[", id, patient);
  for (int i = 0; i < 20; i++)
    g_string_append_printf (json, "%s{\"text\":\"Pharmacy note %d: infuse via dedicated line, "
                            "monitor site every hour, verify pump programming with second nurse.\"}",
                            i > 0 ? "," : "", i);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

typedef struct
{
  int      patients;
  GRand   *rand;
  gint64   now;
  GTimeZone *tz;
} Generator;

static void
check (gboolean      ok,
       const GError *error)
{
  if (!ok)
    g_error ("generating the cache failed: %s", error != NULL ? error->message : "?");
}

static void
populate (MarStore  *store,
          Generator *g)
{
  g_autoptr(GError) error = NULL;
  MarResourceInfo info = { MAR_TIME_UNSET, NULL };
  int units = MAX (1, g->patients / 40);

  check (mar_store_begin (store, &error), error);

  for (int u = 0; u < units; u++)
    {
      g_autoptr(MarLocation) unit = mar_location_new ();

      unit->id = g_strdup_printf ("unit-%d", u);
      unit->name = g_strdup_printf ("Unit %d", u);
      unit->physical_type = g_strdup ("wa");
      check (mar_store_upsert_location (store, unit, &info, NULL, &error), error);
      for (int b = 0; b < 40; b++)
        {
          g_autoptr(MarLocation) bed = mar_location_new ();

          bed->id = g_strdup_printf ("bed-%d-%d", u, b);
          bed->name = g_strdup_printf ("%d-%02d", u, b + 1);
          bed->part_of_id = g_strdup (unit->id);
          bed->physical_type = g_strdup ("bd");
          check (mar_store_upsert_location (store, bed, &info, NULL, &error), error);
        }
    }

  for (int p = 0; p < PRODUCTS; p++)
    {
      g_autoptr(MarProduct) product = mar_product_new ();
      MarIngredient *ingredient = mar_ingredient_new ();

      product->id = g_strdup_printf ("med-%d", p);
      product->gtin = make_gtin (p);
      product->name = g_strdup_printf ("Product %d 250 mL bag", p);
      product->form_system = g_strdup (MAR_SYSTEM_SNOMED);
      product->form_code = g_strdup ("385219001");
      mar_quantity_set (&product->amount.numerator, 250, "mL");
      mar_quantity_set (&product->amount.denominator, 1, "1");
      ingredient->system = g_strdup (MAR_SYSTEM_RXNORM);
      ingredient->code = ingredient_code (p % INGREDIENTS);
      ingredient->display = g_strdup_printf ("ingredient %d", p % INGREDIENTS);
      mar_quantity_set (&ingredient->strength.numerator, 1, "g");
      mar_quantity_set (&ingredient->strength.denominator, 250, "mL");
      g_ptr_array_add (product->ingredients, ingredient);
      check (mar_store_upsert_product (store, product, &info, NULL, &error), error);
    }

  for (int i = 0; i < g->patients; i++)
    {
      g_autoptr(MarPatient) patient = mar_patient_new ();
      g_autoptr(MarEncounter) encounter = mar_encounter_new ();
      g_autoptr(MarWeight) weight = mar_weight_new ();
      int unit = i / 40 % units;

      patient->id = g_strdup_printf ("pt-%d", i);
      patient->mrn = g_strdup_printf ("%08d", 10000000 + i);
      patient->family = g_strdup_printf ("Family%d", i);
      patient->given = g_strdup ("Given");
      patient->birth_date = g_strdup ("1960-05-17");
      patient->gender = g_strdup ("female");
      g_ptr_array_add (patient->identifiers, mar_identifier_new (MAR_SYSTEM_V2_0203, patient->mrn, "MR"));
      check (mar_store_upsert_patient (store, patient, &info, NULL, &error), error);

      encounter->id = g_strdup_printf ("enc-%d", i);
      encounter->patient_id = g_strdup (patient->id);
      encounter->status = g_strdup ("in-progress");
      encounter->start = g->now - 3 * 86400;
      encounter->end = MAR_TIME_UNSET;
      encounter->location_id = g_strdup_printf ("bed-%d-%d", unit, i % 40);
      check (mar_store_upsert_encounter (store, encounter, &info, NULL, &error), error);

      weight->id = g_strdup_printf ("wt-%d", i);
      weight->patient_id = g_strdup (patient->id);
      weight->status = g_strdup ("final");
      mar_quantity_set (&weight->weight, 70, "kg");
      weight->effective = g->now - 86400;
      check (mar_store_upsert_weight (store, weight, &info, NULL, &error), error);

      for (int a = 0; a < 2; a++)
        {
          g_autoptr(MarAllergy) allergy = mar_allergy_new ();
          g_autofree char *code = ingredient_code ((int) g_rand_int_range (g->rand, 0, INGREDIENTS));

          allergy->id = g_strdup_printf ("al-%d-%d", i, a);
          allergy->patient_id = g_strdup (patient->id);
          allergy->clinical_status = g_strdup ("active");
          allergy->verification_status = g_strdup ("confirmed");
          allergy->criticality = g_strdup (a == 0 ? "high" : "low");
          allergy->category = g_strdup ("medication");
          g_ptr_array_add (allergy->codings, mar_coding_new (MAR_SYSTEM_RXNORM, code, NULL));
          check (mar_store_upsert_allergy (store, allergy, &info, NULL, &error), error);
        }

      for (int o = 0; o < ORDERS_PER_PATIENT; o++)
        {
          g_autoptr(MarOrder) order = mar_order_new ();
          g_autofree char *json = NULL;
          MarResourceInfo order_info = { MAR_TIME_UNSET, NULL };
          int product = (i * ORDERS_PER_PATIENT + o) % PRODUCTS;

          order->id = g_strdup_printf ("mr-%d-%d", i, o);
          order->status = o < 17 ? MAR_ORDER_STATUS_ACTIVE : MAR_ORDER_STATUS_STOPPED;
          order->intent = g_strdup ("order");
          order->patient_id = g_strdup (patient->id);
          order->authored_on = g->now - 2 * 86400;
          order->medication_product_id = g_strdup_printf ("med-%d", product);
          order->medication_display = g_strdup_printf ("Product %d", product);
          order->route_system = g_strdup (MAR_SYSTEM_SNOMED);
          order->route_code = g_strdup ("47625008");
          mar_quantity_set (&order->dose, 1, "g");
          if (o % 4 == 0)
            mar_quantity_set (&order->rate, 100, "mL/h");
          else
            {
              static const double periods[] = { 6, 8, 12, 24 };

              order->frequency = 1;
              order->period = periods[o % 4];
              g_strlcpy (order->period_unit, "h", sizeof order->period_unit);
              order->bounds_start = g->now - 2 * 86400 + (o % 3) * 1800;
            }
          json = order_json (order->id, patient->id);
          order_info.json = json;
          check (mar_store_upsert_order (store, order, &order_info, NULL, &error), error);
        }

      for (int a = 0; a < ADMINISTRATIONS_PER_PATIENT; a++)
        {
          g_autoptr(MarAdministration) administration = mar_administration_new ();
          int o = a % ORDERS_PER_PATIENT;

          administration->id = g_strdup_printf ("ma-%d-%d", i, a);
          administration->source = g_strdup ("urn:bedside-mar:terminal:other");
          administration->patient_id = g_strdup (patient->id);
          administration->order_id = g_strdup_printf ("mr-%d-%d", i, o);
          administration->status = g_strdup ("completed");
          administration->start = g->now - 3 * 86400 + a * 7200;
          administration->end = administration->start + 1800;
          administration->bag_id = g_strdup_printf ("01%s21S%d-%d", "00614141000001", i, a);
          mar_quantity_set (&administration->dose, 250, "mL");
          check (mar_store_upsert_administration (store, administration, &info, NULL, &error), error);
        }
    }

  check (mar_store_record_import (store, g->now - 60, &error), error);
  check (mar_store_commit (store, &error), error);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_us (GArray *ns,
               double  p)
{
  guint index;

  if (ns->len == 0)
    return NAN;
  g_array_sort (ns, compare_gint64);
  index = (guint) MIN ((double) ns->len - 1, floor (p * (ns->len - 1) + 0.5));
  return g_array_index (ns, gint64, index) / 1000.0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— verification latency");
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *keep = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  g_autoptr(MarVerifier) verifier = NULL;
  GArray *by_verdict[3];
  g_autoptr(GArray) baseline = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *raw = NULL;
  sqlite3_stmt *lookup = NULL;
  MarScanOptions scan_options = { 0 };
  Generator g = { 2000, NULL, 0, NULL };
  int iterations = 6000;
  gint64 t0;
  double base_median;
  GOptionEntry entries[] = {
    { "patients", 0, 0, G_OPTION_ARG_INT, &g.patients, "Patients in the cache (default 2000)", "N" },
    { "iterations", 0, 0, G_OPTION_ARG_INT, &iterations, "Verifications to time (default 6000)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep, "Write the cache here and keep it", "PATH" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  g.rand = g_rand_new_with_seed (20261122);
  g.tz = g_time_zone_new_identifier ("America/New_York");
  g.now = mar_time_from_local (g.tz, 2026, 11, 22, 10, 0, 0);

  if (keep != NULL)
    path = g_strdup (keep);
  else
    {
      folder = g_dir_make_tmp ("bench-verify-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (folder, "mar.db", NULL);
    }

  store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  t0 = now_ns ();
  populate (store, &g);
  printf ("cache: %d patients, %d orders, %d products, %d administrations (built in %.1f s)\n",
          g.patients, g.patients * ORDERS_PER_PATIENT, PRODUCTS, g.patients * ADMINISTRATIONS_PER_PATIENT,
          (now_ns () - t0) / 1e9);

  verifier = mar_verifier_new (store, library, g.tz, &scan_options);
  for (guint v = 0; v < G_N_ELEMENTS (by_verdict); v++)
    by_verdict[v] = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* The baseline: the cheapest useful thing a database can do for a scan,
   * one indexed look-up of the patient, on its own connection. */
  if (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (raw, "SELECT id, family, given FROM patients WHERE mrn = ?1", -1, &lookup, NULL) != SQLITE_OK)
    g_error ("baseline: %s", sqlite3_errmsg (raw));

  for (int n = 0; n < iterations; n++)
    {
      int i = g_rand_int_range (g.rand, 0, g.patients);
      int o = g_rand_int_range (g.rand, 0, ORDERS_PER_PATIENT);
      /* Mostly a product this patient has an order for (pass or warn), a
       * quarter of the time any product (a block: no order, allergy). */
      int product = n % 4 == 3 ? g_rand_int_range (g.rand, 0, PRODUCTS)
                               : (i * ORDERS_PER_PATIENT + o) % PRODUCTS;
      g_autofree char *mrn = g_strdup_printf ("%08d", 10000000 + i);
      g_autofree char *gtin = make_gtin (product);
      g_autofree char *scan = g_strdup_printf ("]d201%s17301231" "10LOT%d\x1d" "21S%d", gtin, n, n);
      gint64 start, end;
      gint64 at = g.now + g_rand_int_range (g.rand, -3600, 3600);

      {
        g_autoptr(MarScanResult) wristband = NULL;
        g_autoptr(MarScanResult) bag = NULL;
        g_autoptr(MarVerification) verification = NULL;

        start = now_ns ();
        wristband = mar_verifier_resolve_scan (verifier, mrn, -1, MAR_SCAN_SOURCE_SCANNER, at, &error);
        bag = mar_verifier_resolve_scan (verifier, scan, -1, MAR_SCAN_SOURCE_SCANNER, at, &error);
        verification = mar_verifier_verify (verifier, wristband, bag, at, &error);
        end = now_ns ();
        if (verification == NULL)
          g_error ("%s", error->message);
        {
          gint64 elapsed = end - start;
          g_array_append_val (by_verdict[mar_verdict_get_kind (mar_verification_get_verdict (verification))],
                              elapsed);
        }
      }

      start = now_ns ();
      sqlite3_bind_text (lookup, 1, mrn, -1, SQLITE_STATIC);
      if (sqlite3_step (lookup) != SQLITE_ROW)
        g_error ("baseline found no patient %s", mrn);
      sqlite3_reset (lookup);
      end = now_ns ();
      {
        gint64 elapsed = end - start;
        g_array_append_val (baseline, elapsed);
      }
    }

  base_median = percentile_us (baseline, 0.5);
  printf ("baseline (indexed SQLite look-up of the patient): median %.1f µs, p99 %.1f µs\n",
          base_median, percentile_us (baseline, 0.99));
  printf ("%-6s %7s %12s %12s %16s %14s\n", "verdict", "n", "median µs", "p99 µs", "median/baseline", "p99 ≤ 1 ms");
  for (guint v = 0; v < G_N_ELEMENTS (by_verdict); v++)
    {
      double median = percentile_us (by_verdict[v], 0.5);
      double p99 = percentile_us (by_verdict[v], 0.99);

      printf ("%-7s %7u %12.1f %12.1f %15.0f× %14s\n",
              mar_verdict_kind_to_string ((MarVerdictKind) v), by_verdict[v]->len,
              median, p99, median / base_median,
              by_verdict[v]->len == 0 ? "-" : p99 <= 1000 ? "yes" : "NO");
      g_array_unref (by_verdict[v]);
    }

  sqlite3_finalize (lookup);
  sqlite3_close (raw);
  g_clear_object (&verifier);
  g_clear_object (&store);
  if (folder != NULL)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_rmdir (folder);
    }
  g_rand_free (g.rand);
  g_time_zone_unref (g.tz);
  return 0;
}
