/* bench-sync.c — sync a 40-bed unit and a 2,000-patient hospital, against curl
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates a hospital (50 units of 40 beds, 2,000 patients, each with an
 * encounter, a weight, an allergy entry, 4 orders, a pharmacy bag and 6
 * doses charted in the last 72 h, plus the catalog: about 32,000
 * resources) as NDJSON in a temporary folder, seeds the test FHIR server
 * (tests/fhir-server) with it and times, each the median of several runs:
 *
 *   unit full         a fresh database pulls one 40-bed unit
 *   unit incremental  the same database, nothing changed on the server
 *   hospital full     a fresh database pulls every patient ([unit] unset)
 *   hospital incr.    ditto, nothing changed
 *
 * and, in the same run, the curl command line fetching exactly the pages the
 * sync fetched (the server's request log), over one connection, to /dev/null.
 * The ratio ours/curl is what the sync adds to the transfer: mapping,
 * checks, SQLite writes with fsync per page. Targets (issue 6): unit <= 1 s,
 * incremental no-change <= 100 ms, ratio <= 1.5.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <string.h>

#include "mar-sync.h"
#include "mar-time.h"
#include "sync-test-server.h"

#define N_UNITS          50
#define BEDS_PER_UNIT    40
#define N_MEDICATIONS    200
#define N_STAFF          100
#define ORDERS           4
#define DOSES            6
#define RUNS             (g_getenv ("BENCH_RUNS") ? atoi (g_getenv ("BENCH_RUNS")) : 5)

/* ------------------------------------------------------------------------ */
/* The generated hospital                                                   */

typedef struct
{
  FILE   *out;
  gint64  stamp;     /* meta.lastUpdated of the next resource: distinct, increasing */
} Writer;

static char *
next_stamp (Writer *w)
{
  w->stamp += 1;
  return mar_time_format_utc (w->stamp);
}

static char *
gtin (int product)
{
  /* GS1's example company prefix 0614141, item 5xxxx, mod-10 check digit. */
  char digits[14];
  int sum = 0;

  g_snprintf (digits, sizeof digits, "00614141%05d", 50000 + product);
  for (int i = 0; i < 13; i++)
    sum += (digits[i] - '0') * ((i % 2 == 0) ? 3 : 1);
  return g_strdup_printf ("%s%d", digits, (10 - sum % 10) % 10);
}

static void
write_hospital (const char *path,
                gint64      now)
{
  Writer w = { fopen (path, "w"), now - 2 * 86400 };
  int patient = 0;

  g_assert_nonnull (w.out);

  {
    g_autofree char *t = next_stamp (&w);

    fprintf (w.out, "{\"resourceType\":\"Location\",\"id\":\"loc-h\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
             "\"status\":\"active\",\"name\":\"General Hospital\"}\n", t);
  }
  for (int u = 0; u < N_UNITS; u++)
    {
      g_autofree char *t = next_stamp (&w);

      fprintf (w.out, "{\"resourceType\":\"Location\",\"id\":\"loc-u%02d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
               "\"status\":\"active\",\"name\":\"Unit %02d\",\"physicalType\":{\"coding\":[{\"system\":"
               "\"http://terminology.hl7.org/CodeSystem/location-physical-type\",\"code\":\"wa\"}]},"
               "\"partOf\":{\"reference\":\"Location/loc-h\"}}\n", u, t, u);
      for (int b = 0; b < BEDS_PER_UNIT; b++)
        {
          g_autofree char *tb = next_stamp (&w);

          fprintf (w.out, "{\"resourceType\":\"Location\",\"id\":\"loc-u%02d-b%02d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                   "\"status\":\"active\",\"name\":\"%02d-%02d\",\"physicalType\":{\"coding\":[{\"system\":"
                   "\"http://terminology.hl7.org/CodeSystem/location-physical-type\",\"code\":\"bd\"}]},"
                   "\"partOf\":{\"reference\":\"Location/loc-u%02d\"}}\n", u, b, tb, u, b, u);
        }
    }
  for (int m = 0; m < N_MEDICATIONS; m++)
    {
      g_autofree char *t = next_stamp (&w);
      g_autofree char *code = gtin (m);

      fprintf (w.out, "{\"resourceType\":\"Medication\",\"id\":\"med-%03d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
               "\"code\":{\"coding\":[{\"system\":\"https://www.gs1.org/gtin\",\"code\":\"%s\"}],\"text\":\"Product %d 1 g in 100 mL\"},"
               "\"status\":\"active\",\"form\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"385219001\"}]},"
               "\"amount\":{\"numerator\":{\"value\":100,\"unit\":\"mL\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL\"},"
               "\"denominator\":{\"value\":1,\"unit\":\"container\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"1\"}},"
               "\"ingredient\":[{\"itemCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\","
               "\"code\":\"%d\"}]},\"isActive\":true,\"strength\":{\"numerator\":{\"value\":1,\"unit\":\"g\",\"system\":"
               "\"http://unitsofmeasure.org\",\"code\":\"g\"},\"denominator\":{\"value\":100,\"unit\":\"mL\",\"system\":"
               "\"http://unitsofmeasure.org\",\"code\":\"mL\"}}}]}\n", m, t, code, m, 100000 + m);
    }
  for (int s = 0; s < N_STAFF; s++)
    {
      g_autofree char *t = next_stamp (&w);
      g_autofree char *t2 = next_stamp (&w);

      fprintf (w.out, "{\"resourceType\":\"Practitioner\",\"id\":\"prac-%03d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
               "\"identifier\":[{\"system\":\"urn:bedside-mar:badge\",\"value\":\"N%05d\"}],\"active\":true,"
               "\"name\":[{\"family\":\"Nurse%03d\",\"given\":[\"Alex\"]}]}\n", s, t, s, s);
      fprintf (w.out, "{\"resourceType\":\"PractitionerRole\",\"id\":\"role-%03d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
               "\"active\":true,\"practitioner\":{\"reference\":\"Practitioner/prac-%03d\"},"
               "\"code\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/practitioner-role\",\"code\":\"nurse\"}]}],"
               "\"location\":[{\"reference\":\"Location/loc-u%02d\"}]}\n", s, t2, s, s % N_UNITS);
    }

  for (int u = 0; u < N_UNITS; u++)
    for (int b = 0; b < BEDS_PER_UNIT; b++, patient++)
      {
        g_autofree char *tp = next_stamp (&w);
        g_autofree char *te = next_stamp (&w);
        g_autofree char *to = next_stamp (&w);
        g_autofree char *ta = next_stamp (&w);
        g_autofree char *admitted = mar_time_format_utc (now - 3 * 86400 + patient);

        fprintf (w.out, "{\"resourceType\":\"Patient\",\"id\":\"pt-%04d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                 "\"identifier\":[{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},"
                 "\"system\":\"urn:oid:2.16.840.1.113883.3.9999.1\",\"value\":\"%08d\"}],\"active\":true,"
                 "\"name\":[{\"family\":\"Patient%04d\",\"given\":[\"Sam\"]}],\"gender\":\"%s\",\"birthDate\":\"19%02d-0%d-1%d\"}\n",
                 patient, tp, 70000000 + patient, patient, patient % 2 ? "female" : "male",
                 30 + patient % 60, 1 + patient % 9, patient % 10);
        fprintf (w.out, "{\"resourceType\":\"Encounter\",\"id\":\"enc-%04d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                 "\"status\":\"in-progress\",\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"},"
                 "\"subject\":{\"reference\":\"Patient/pt-%04d\"},\"period\":{\"start\":\"%s\"},"
                 "\"location\":[{\"location\":{\"reference\":\"Location/loc-u%02d-b%02d\"},\"status\":\"active\"}]}\n",
                 patient, te, patient, admitted, u, b);
        fprintf (w.out, "{\"resourceType\":\"Observation\",\"id\":\"obs-%04d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                 "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\"}]},"
                 "\"subject\":{\"reference\":\"Patient/pt-%04d\"},\"effectiveDateTime\":\"%s\","
                 "\"valueQuantity\":{\"value\":%d.5,\"unit\":\"kg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}}\n",
                 patient, to, patient, admitted, 50 + patient % 50);
        fprintf (w.out, "{\"resourceType\":\"AllergyIntolerance\",\"id\":\"ai-%04d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                 "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical\",\"code\":\"active\"}]},"
                 "\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification\",\"code\":\"confirmed\"}]},"
                 "\"category\":[\"medication\"],\"criticality\":\"high\",\"code\":{\"coding\":[{\"system\":"
                 "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"7980\",\"display\":\"penicillin G\"}]},"
                 "\"patient\":{\"reference\":\"Patient/pt-%04d\"}}\n", patient, ta, patient);

        for (int o = 0; o < ORDERS; o++)
          {
            g_autofree char *t = next_stamp (&w);
            int med = (patient * 7 + o * 13) % N_MEDICATIONS;

            fprintf (w.out, "{\"resourceType\":\"MedicationRequest\",\"id\":\"mr-%04d-%d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                     "\"status\":\"active\",\"intent\":\"order\",\"priority\":\"routine\",\"subject\":{\"reference\":\"Patient/pt-%04d\"},"
                     "\"encounter\":{\"reference\":\"Encounter/enc-%04d\"},\"authoredOn\":\"%s\","
                     "\"medicationReference\":{\"reference\":\"Medication/med-%03d\"},"
                     "\"dosageInstruction\":[{\"timing\":{\"repeat\":{\"boundsPeriod\":{\"start\":\"%s\"},\"frequency\":1,"
                     "\"period\":8,\"periodUnit\":\"h\"}},\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"47625008\"}]},"
                     "\"doseAndRate\":[{\"doseQuantity\":{\"value\":1,\"unit\":\"g\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"g\"},"
                     "\"rateQuantity\":{\"value\":200,\"unit\":\"mL/h\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL/h\"}}]}]}\n",
                     patient, o, t, patient, patient, admitted, med, admitted);
          }
        {
          g_autofree char *t = next_stamp (&w);

          fprintf (w.out, "{\"resourceType\":\"MedicationDispense\",\"id\":\"md-%04d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
                   "\"identifier\":[{\"system\":\"urn:bedside-mar:pharmacy-label\",\"value\":\"RX%08d\"}],\"status\":\"completed\","
                   "\"subject\":{\"reference\":\"Patient/pt-%04d\"},\"authorizingPrescription\":[{\"reference\":\"MedicationRequest/mr-%04d-0\"}],"
                   "\"medicationReference\":{\"reference\":\"Medication/med-%03d\"},\"whenPrepared\":\"%s\"}\n",
                   patient, t, patient, patient, patient, (patient * 7) % N_MEDICATIONS, admitted);
        }
        for (int d = 0; d < DOSES; d++)
          {
            gint64 start = now - 60 * 3600 + d * 8 * 3600 + patient % 600;
            /* Charted after it ended, never before. */
            gint64 charted = MAX (start + 3600 + 60, w.stamp + 1);
            g_autofree char *t = mar_time_format_utc (charted);
            g_autofree char *s = mar_time_format_utc (start);
            g_autofree char *e = mar_time_format_utc (start + 1800);
            int o = d % ORDERS;

            w.stamp = charted;
            fprintf (w.out, "{\"resourceType\":\"MedicationAdministration\",\"id\":\"ma-%04d-%d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\",\"source\":\"urn:bedside-mar:terminal:U%02d\"},"
                     "\"identifier\":[{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"urn:uuid:00000000-0000-4000-8000-%04d%08d\"}],"
                     "\"status\":\"completed\",\"subject\":{\"reference\":\"Patient/pt-%04d\"},\"context\":{\"reference\":\"Encounter/enc-%04d\"},"
                     "\"request\":{\"reference\":\"MedicationRequest/mr-%04d-%d\"},\"medicationReference\":{\"reference\":\"Medication/med-%03d\"},"
                     "\"effectivePeriod\":{\"start\":\"%s\",\"end\":\"%s\"},"
                     "\"performer\":[{\"actor\":{\"reference\":\"Practitioner/prac-%03d\"}}],"
                     "\"dosage\":{\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"47625008\"}]},"
                     "\"dose\":{\"value\":100,\"unit\":\"mL\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL\"},"
                     "\"rateQuantity\":{\"value\":200,\"unit\":\"mL/h\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL/h\"}}}\n",
                     patient, d, t, u, d, patient, patient, patient, patient, o,
                     (patient * 7 + o * 13) % N_MEDICATIONS, s, e, patient % N_STAFF);
          }
      }
  g_assert_cmpint (fclose (w.out), ==, 0);
  /* Everything is older than the five-minute overlap of an incremental pull. */
  g_assert_cmpint (w.stamp, <, now - 10 * 60);
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                   */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

typedef struct
{
  TestServer *server;
  char       *folder;
  guint       db_serial;
} Bench;

static MarSync *
bench_sync (Bench      *b,
            MarStore   *store,
            const char *unit)
{
  g_autoptr(MarHttpConfig) config = test_server_http_config (b->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
  MarSyncOptions options = { .unit_location = unit, .time_zone = tz, .max_push_wait = 0 };
  MarHttpClient *client = mar_http_client_new (config, &error);

  g_assert_no_error (error);
  return mar_sync_new (store, client, &options);
}

static MarStore *
fresh_store (Bench *b)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s/bench-%u.db", b->folder, b->db_serial++);
  MarStore *store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  return store;
}

static double
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

/* One sync; its wall time in ms, the CPU time this process spent (@cpu,
 * nullable) and, in @targets, the requests it made. */
static double
timed_pull (Bench       *b,
            MarSync     *sync,
            GPtrArray  **targets,
            guint       *created,
            double      *cpu)
{
  g_autoptr(GError) error = NULL;
  MarSyncReport report;
  gint64 start;
  double cpu_start;
  double ms;

  /* Not timed: the request log is cleared before the clock starts. */
  json_node_unref (test_server_admin (b->server, "DELETE", "requests", NULL));
  start = g_get_monotonic_time ();
  cpu_start = cpu_ms ();

  if (!mar_sync_run (sync, &report, NULL, &error))
    g_error ("sync failed: %s", error->message);
  ms = (g_get_monotonic_time () - start) / 1000.0;
  if (cpu != NULL)
    *cpu = cpu_ms () - cpu_start;
  if (created != NULL)
    {
      *created = 0;
      for (guint i = 0; i < MAR_FHIR_N_RESOURCE_TYPES; i++)
        *created += report.counts[i].created;
    }
  if (targets != NULL)
    *targets = test_server_requests (b->server);
  return ms;
}

/* curl(1) fetching the same pages: one process, one connection, bodies to
 * /dev/null, the same CA. */
static double
timed_curl (Bench     *b,
            GPtrArray *targets)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autofree char *config_path = g_build_filename (b->folder, "curl.conf", NULL);
  g_autofree char *ca = test_server_path (b->server, "ca.pem");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) cleared = NULL;
  int status = 0;
  gint64 start;
  double ms;

  g_string_append_printf (config, "silent\nfail\ncompressed\ncacert = \"%s\"\nnoproxy = \"*\"\n", ca);
  for (guint i = 0; i < targets->len; i++)
    {
      const char *t = g_ptr_array_index (targets, i);

      if (!g_str_has_prefix (t, "GET "))
        continue;
      g_string_append_printf (config, "url = \"https://127.0.0.1:%u/fhir/%s\"\noutput = \"/dev/null\"\n",
                              b->server->port, t + 4);
    }
  g_file_set_contents (config_path, config->str, -1, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  {
    const char *argv[] = { "curl", "--config", config_path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  }
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("curl failed: %s", error->message);
  cleared = test_server_admin (b->server, "DELETE", "requests", NULL);
  return ms;
}

typedef struct
{
  double full, full_curl, incremental, incremental_curl, full_cpu;
  guint  full_requests, incremental_requests, resources;
} Figures;

static void
measure (Bench      *b,
         const char *unit,
         guint       runs,
         Figures    *out)
{
  g_autofree double *full = g_new0 (double, runs);
  g_autofree double *full_curl = g_new0 (double, runs);
  g_autofree double *incremental = g_new0 (double, runs);
  g_autofree double *incremental_curl = g_new0 (double, runs);
  g_autofree double *full_cpu = g_new0 (double, runs);

  for (guint r = 0; r < runs; r++)
    {
      g_autoptr(MarStore) store = fresh_store (b);
      g_autoptr(MarSync) sync = bench_sync (b, store, unit);
      g_autoptr(GPtrArray) full_targets = NULL;
      g_autoptr(GPtrArray) incremental_targets = NULL;

      /* The same run: ours, then curl on the same pages (the server
       * warmed up alike for both). */
      full[r] = timed_pull (b, sync, &full_targets, &out->resources, &full_cpu[r]);
      full_curl[r] = timed_curl (b, full_targets);
      incremental[r] = timed_pull (b, sync, &incremental_targets, NULL, NULL);
      incremental_curl[r] = timed_curl (b, incremental_targets);
      out->full_requests = full_targets->len;
      out->incremental_requests = incremental_targets->len;
    }
  out->full = median (full, runs);
  out->full_curl = median (full_curl, runs);
  out->incremental = median (incremental, runs);
  out->incremental_curl = median (incremental_curl, runs);
  out->full_cpu = median (full_cpu, runs);
}

static const char *
verdict (gboolean met)
{
  return met ? "met" : "MISSED";
}

static void
report (const char    *name,
        const Figures *f,
        gboolean       unit)
{
  double full_ratio = f->full / f->full_curl;
  double incremental_ratio = f->incremental / f->incremental_curl;

  g_print ("%-9s full:        %8.1f ms, curl %8.1f ms, ratio %.2f [<= 1.5: %s]%s%s%s\n"
           "           (%u requests, %u resources, our CPU %.0f ms)\n",
           name, f->full, f->full_curl, full_ratio, verdict (full_ratio <= 1.5),
           unit ? " [<= 1 s: " : "", unit ? verdict (f->full <= 1000) : "", unit ? "]" : "",
           f->full_requests, f->resources, f->full_cpu);
  g_print ("%-9s incremental: %8.1f ms, curl %8.1f ms, ratio %.2f [<= 1.5: %s] [<= 100 ms: %s]\n"
           "           (%u requests)\n",
           name, f->incremental, f->incremental_curl, incremental_ratio, verdict (incremental_ratio <= 1.5),
           verdict (f->incremental <= 100), f->incremental_requests);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *missing = test_server_missing_prerequisite ();
  g_autoptr(GError) error = NULL;
  g_autofree char *seed = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Figures unit = { 0 }, hospital = { 0 };
  Bench b = { 0 };
  gint64 start;

  signal (SIGPIPE, SIG_IGN);
  if (missing != NULL)
    {
      g_printerr ("%s\n", missing);
      return 1;
    }
  b.folder = g_dir_make_tmp ("mar-bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  seed = g_build_filename (b.folder, "hospital.ndjson", NULL);
  write_hospital (seed, now);

  b.server = test_server_new ();
  test_server_add_seed (b.server, seed);
  start = g_get_monotonic_time ();
  test_server_start (b.server, &(TestServerOptions) { .quiet = TRUE }, 0);
  g_print ("Hospital: %d units x %d beds = %d patients, %d resources; server ready in %.1f s\n",
           N_UNITS, BEDS_PER_UNIT, N_UNITS * BEDS_PER_UNIT,
           1 + N_UNITS * (1 + BEDS_PER_UNIT) + N_MEDICATIONS + 2 * N_STAFF +
           N_UNITS * BEDS_PER_UNIT * (4 + ORDERS + 1 + DOSES),
           (g_get_monotonic_time () - start) / 1e6);

  /* One warm-up sync so that Node's JIT has seen every query. */
  {
    g_autoptr(MarStore) store = fresh_store (&b);
    g_autoptr(MarSync) sync = bench_sync (&b, store, "loc-u07");

    timed_pull (&b, sync, NULL, NULL, NULL);
  }

  measure (&b, "loc-u07", RUNS, &unit);
  /* BENCH_UNIT_ONLY: the unit alone (a quick look, or a profile). */
  if (g_getenv ("BENCH_UNIT_ONLY") == NULL)
    measure (&b, NULL, MIN (RUNS, 3), &hospital);

  g_print ("Median of %d runs (hospital: %d); curl fetched the same pages in the same run.\n",
           RUNS, MIN (RUNS, 3));
  report ("unit", &unit, TRUE);
  if (g_getenv ("BENCH_UNIT_ONLY") == NULL)
    report ("hospital", &hospital, FALSE);

  test_server_free (b.server);
  test_remove_tree (b.folder);
  g_free (b.folder);
  return 0;
}
