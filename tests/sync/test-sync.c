/* test-sync.c — sync against a real FHIR R4 server: pull, push, faults, TLS, lock
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each test starts its own server (tests/fhir-server, Medplum's FHIR router
 * over HTTPS with certificates made for the run), mostly seeded with the
 * demo ward moved to "now", and syncs a fresh database against it. Faults
 * come from the server's /__admin endpoints. Waits (retry backoff,
 * Retry-After) run on a fake clock and are checked, not slept; only the
 * client-timeout case waits for real (about a second).
 *
 * The rule under test for push: after every fault the outbox drains and
 * the server holds each record exactly once (its count endpoint).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mar-outbox.h"
#include "mar-store-private.h"
#include "mar-sync.h"
#include "mar-time.h"
#include "record-test-util.h"
#include "sync-test-server.h"

#define UNIT          "loc-4w"
#define MRN_01        "74120318"
#define NACL_BAG      "(01)00614141100101(17)301231(10)NS6021(21)S01"
#define HEPARIN_BAG   "(01)00614141301102(17)301231(10)HP1102(21)S02"
#define MRN_ARRIVING  "99000001"
#define URI_SYSTEM    "urn:ietf:rfc:3986"

/* ------------------------------------------------------------------------ */
/* The fake clock                                                           */

typedef struct
{
  gint64  offset;      /* µs added to the real clocks */
  GArray *sleeps;      /* (element-type gint64) requested waits, µs */
} FakeClock;

static gint64
fake_real_time (gpointer user_data)
{
  return g_get_real_time () + ((FakeClock *) user_data)->offset;
}

static gint64
fake_monotonic_time (gpointer user_data)
{
  return g_get_monotonic_time () + ((FakeClock *) user_data)->offset;
}

static gboolean
fake_sleep (gint64        usec,
            GCancellable *cancellable,
            gpointer      user_data)
{
  FakeClock *clock = user_data;

  if (g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_array_append_val (clock->sleeps, usec);
  clock->offset += usec;
  return TRUE;
}

static gboolean
slept_exactly (FakeClock *clock,
               gint64     seconds)
{
  for (guint i = 0; i < clock->sleeps->len; i++)
    if (g_array_index (clock->sleeps, gint64, i) == seconds * G_USEC_PER_SEC)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                 */

typedef enum
{
  SEED_NONE,
  SEED_DEMO,           /* the demo ward, moved to now */
  SEED_DEMO_ARRIVING,  /* plus a patient not on the unit, with old data */
  SEED_CATALOG,        /* 30 Medications, 10 minutes apart */
} Seed;

typedef struct
{
  Seed        seed;
  gboolean    hospital;       /* no [unit] location */
  guint       page_size;      /* the sync's _count; 0: default */
  guint       timeout_s;      /* the client's; 0: 30 */
  const char *certificate;    /* the server's */
  gboolean    journal;
  gboolean    no_server;
} Setup;

typedef struct
{
  const Setup   *setup;
  TestServer    *server;
  char          *folder;
  char          *db_path;
  MarStore      *store;
  MarSync       *sync;
  MarVerifier   *verifier;
  MarHttpClient *client;     /* arranges data on the server */
  GTimeZone     *tz;
  gint64         now;
  FakeClock      clock;
  /* Progress callbacks. */
  guint          pages_seen;
  GCancellable  *cancellable;
} Fixture;

static void
write_text (const char *path,
            const char *text,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonObject *
demo_resource (JsonNode   *bundle,
               const char *id)
{
  JsonArray *entries = json_object_get_array_member (json_node_get_object (bundle), "entry");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i), "resource");

      if (g_str_equal (json_object_get_string_member (r, "id"), id))
        return r;
    }
  g_error ("the demo ward has no %s", id);
}

static void
append_line (GString    *out,
             JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);
  g_string_append_printf (out, "%s\n", text);
}

static void
set_last_updated (JsonObject *resource,
                  gint64      when)
{
  g_autofree char *text = mar_time_format_utc (when);
  JsonObject *meta = json_object_new ();

  json_object_set_string_member (meta, "versionId", "1");
  json_object_set_string_member (meta, "lastUpdated", text);
  json_object_set_object_member (resource, "meta", meta);
}

/* A patient who is not on the unit yet, whose data is ten days old: their
 * arrival must still bring all of it (FHIR-PROFILE.md, "whatever their age"). */
static char *
write_arriving_patient (Fixture    *f,
                        const char *demo_path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *path = g_build_filename (f->folder, "arriving.ndjson", NULL);
  gint64 old = f->now - 10 * 86400;
  JsonNode *bundle;
  JsonObject *patient, *order, *allergy, *weight;

  json_parser_load_from_file (parser, demo_path, &error);
  g_assert_no_error (error);
  bundle = json_parser_get_root (parser);

  patient = json_object_ref (demo_resource (bundle, "pt-4w-01"));
  json_object_set_string_member (patient, "id", "pt-arriving");
  {
    g_autoptr(JsonNode) identifiers = parse_json (
      "[{\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},"
      "\"system\":\"urn:oid:2.16.840.1.113883.3.9999.1\",\"value\":\"" MRN_ARRIVING "\"}]");
    json_object_set_member (patient, "identifier", json_node_ref (identifiers));
  }
  set_last_updated (patient, old);

  order = json_object_ref (demo_resource (bundle, "mr-4w-01-nacl"));
  json_object_set_string_member (order, "id", "mr-arriving-nacl");
  json_object_set_object_member (order, "subject", json_node_get_object (parse_json ("{\"reference\":\"Patient/pt-arriving\"}")));
  json_object_remove_member (order, "encounter");
  set_last_updated (order, old);

  allergy = json_object_ref (demo_resource (bundle, "ai-4w-01-nkda"));
  json_object_set_string_member (allergy, "id", "ai-arriving");
  json_object_set_object_member (allergy, "patient", json_node_get_object (parse_json ("{\"reference\":\"Patient/pt-arriving\"}")));
  set_last_updated (allergy, old);

  weight = json_object_ref (demo_resource (bundle, "obs-weight-4w-01-1"));
  json_object_set_string_member (weight, "id", "obs-weight-arriving");
  json_object_set_object_member (weight, "subject", json_node_get_object (parse_json ("{\"reference\":\"Patient/pt-arriving\"}")));
  set_last_updated (weight, old);

  append_line (out, patient);
  append_line (out, order);
  append_line (out, allergy);
  append_line (out, weight);
  json_object_unref (patient);
  json_object_unref (order);
  json_object_unref (allergy);
  json_object_unref (weight);
  write_text (path, out->str, 0600);
  return g_steal_pointer (&path);
}

static char *
write_catalog (Fixture *f)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *path = g_build_filename (f->folder, "catalog.ndjson", NULL);

  for (int i = 0; i < 30; i++)
    {
      g_autofree char *when = mar_time_format_utc (f->now - 86400 + i * 600);

      g_string_append_printf (out,
        "{\"resourceType\":\"Medication\",\"id\":\"med-%02d\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
        "\"code\":{\"text\":\"Product %d\"},\"status\":\"active\"}\n", i, when, i);
    }
  write_text (path, out->str, 0600);
  return g_steal_pointer (&path);
}

static MarSync *
make_sync (Fixture    *f,
           MarStore   *store,
           const char *ca_file,
           const char *pin)
{
  g_autoptr(MarHttpConfig) config = test_server_http_config (f->server);
  g_autoptr(GError) error = NULL;
  MarHttpClock clock = { fake_real_time, fake_monotonic_time, fake_sleep, &f->clock };
  MarSyncOptions options = {
    .unit_location = f->setup->hospital ? NULL : UNIT,
    .page_size = f->setup->page_size,
    .max_push_wait = 120,
    .time_zone = f->tz,
  };
  MarHttpClient *client;
  MarSync *sync;

  if (ca_file != NULL)
    {
      g_free (config->ca_file);
      config->ca_file = g_strdup (ca_file);
    }
  config->pinned_key = g_strdup (pin);
  config->timeout_ms = (f->setup->timeout_s > 0 ? f->setup->timeout_s : 30) * 1000;
  client = mar_http_client_new (config, &error);
  g_assert_no_error (error);
  sync = mar_sync_new (store, client, &options);
  mar_sync_set_clock (sync, &clock);
  return sync;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = mar_drug_library_new_default ();
  MarScanOptions scan_options = { 0 };
  TestServerOptions server_options = { 0 };

  f->setup = data;
  f->clock.sleeps = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->tz = g_time_zone_new_identifier ("America/New_York");
  f->now = g_get_real_time () / G_USEC_PER_SEC;
  f->folder = g_dir_make_tmp ("mar-test-sync-db-XXXXXX", &error);
  g_assert_no_error (error);
  f->db_path = g_build_filename (f->folder, "mar.db", NULL);
  f->store = mar_store_open (f->db_path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  f->verifier = mar_verifier_new (f->store, library, f->tz, &scan_options);

  if (f->setup->no_server)
    return;

  f->server = test_server_new ();
  if (f->setup->seed == SEED_DEMO || f->setup->seed == SEED_DEMO_ARRIVING)
    {
      g_autofree char *demo = test_write_shifted_demo (f->folder, f->now, f->tz);

      test_server_add_seed (f->server, demo);
      if (f->setup->seed == SEED_DEMO_ARRIVING)
        {
          g_autofree char *arriving = write_arriving_patient (f, demo);

          test_server_add_seed (f->server, arriving);
        }
    }
  else if (f->setup->seed == SEED_CATALOG)
    {
      g_autofree char *catalog = write_catalog (f);

      test_server_add_seed (f->server, catalog);
    }
  server_options.certificate = f->setup->certificate;
  server_options.journal = f->setup->journal;
  server_options.quiet = TRUE;
  test_server_start (f->server, &server_options, 0);
  f->client = test_server_client (f->server);
  f->sync = make_sync (f, f->store, NULL, NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->sync, mar_sync_free);
  g_clear_pointer (&f->client, mar_http_client_free);
  g_clear_object (&f->verifier);
  g_clear_object (&f->store);
  g_clear_pointer (&f->server, test_server_free);
  g_clear_object (&f->cancellable);
  test_remove_tree (f->folder);
  g_free (f->folder);
  g_free (f->db_path);
  g_time_zone_unref (f->tz);
  g_array_unref (f->clock.sleeps);
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static gint64
clock_now (Fixture *f)
{
  return fake_real_time (&f->clock) / G_USEC_PER_SEC;
}

static void
pull_ok (Fixture       *f,
         MarSyncReport *report)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_sync_pull (f->sync, report, NULL, &error));
  g_assert_no_error (error);
}

static void
push_ok (Fixture       *f,
         MarSyncReport *report)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_sync_push (f->sync, report, NULL, &error));
  g_assert_no_error (error);
}

static guint
total (const MarSyncReport *report,
       gsize                offset)
{
  guint sum = 0;

  for (guint i = 0; i < MAR_FHIR_N_RESOURCE_TYPES; i++)
    sum += G_STRUCT_MEMBER (guint, &report->counts[i], offset);
  return sum;
}

#define CREATED(r)   total ((r), G_STRUCT_OFFSET (MarSyncTypeCounts, created))
#define UPDATED(r)   total ((r), G_STRUCT_OFFSET (MarSyncTypeCounts, updated))
#define COUNT(r, t, field) ((r)->counts[MAR_FHIR_RESOURCE_ ## t].field)

static JsonObject *
verify_at (Fixture    *f,
           const char *patient,
           const char *product,
           gint64      now)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarScanResult) patient_scan = NULL;
  g_autoptr(MarScanResult) product_scan = NULL;
  g_autoptr(MarVerification) verification = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (mar_sync_update_verifier (f->verifier, &error));
  g_assert_no_error (error);
  patient_scan = mar_verifier_resolve_scan (f->verifier, patient, -1, MAR_SCAN_SOURCE_SCANNER, now, &error);
  g_assert_no_error (error);
  product_scan = mar_verifier_resolve_scan (f->verifier, product, -1, MAR_SCAN_SOURCE_SCANNER, now, &error);
  g_assert_no_error (error);
  verification = mar_verifier_verify (f->verifier, patient_scan, product_scan, now, &error);
  g_assert_no_error (error);
  node = mar_verification_to_json (verification, f->tz);
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
verify (Fixture    *f,
        const char *patient,
        const char *product)
{
  return verify_at (f, patient, product, clock_now (f));
}

static gboolean
has_finding (JsonObject *result,
             const char *code)
{
  JsonArray *findings = json_object_get_array_member (result, "findings");

  for (guint i = 0; i < json_array_get_length (findings); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (findings, i), "code"), code))
      return TRUE;
  return FALSE;
}

static const char *
verdict_of (JsonObject *result)
{
  return json_object_get_string_member (result, "verdict");
}

static JsonNode *
server_read (Fixture    *f,
             const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = mar_http_client_get (f->client, target, NULL, NULL, &error);

  g_assert_no_error (error);
  return json_node_ref (response->json);
}

/* Changes a resource on the server, as another system would. */
static void
server_update (Fixture    *f,
               const char *type,
               const char *id,
               const char *member,
               const char *json_value)
{
  g_autofree char *target = g_strconcat (type, "/", id, NULL);
  g_autoptr(JsonNode) resource = server_read (f, target);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;

  json_object_set_member (json_node_get_object (resource), member, parse_json (json_value));
  response = mar_http_client_update (f->client, type, id, resource, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static char *
server_create (Fixture    *f,
               const char *type,
               const char *json)
{
  g_autoptr(JsonNode) resource = parse_json (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;
  JsonObject *object = json_node_get_object (resource);

  if (json_object_has_member (object, "id"))
    response = mar_http_client_update (f->client, type, json_object_get_string_member (object, "id"),
                                       resource, NULL, NULL, NULL, &error);
  else
    response = mar_http_client_create (f->client, type, resource, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_strdup (response->resource_id);
}

static void
clear_requests (Fixture *f)
{
  json_node_unref (test_server_admin (f->server, "DELETE", "requests", NULL));
}

static gint64
count_by_uuid (Fixture    *f,
               const char *type,
               const char *uuid)
{
  g_autofree char *query = g_strdup_printf ("identifier=" URI_SYSTEM "%%7Curn:uuid:%s", uuid);

  return test_server_count (f->server, type, query);
}

static gint64
count_rows (Fixture    *f,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static MarPatient *
patient (Fixture    *f,
         const char *id)
{
  g_autoptr(GError) error = NULL;
  MarPatient *p = mar_store_get_patient (f->store, id, &error);

  g_assert_no_error (error);
  return p;
}

/* A realistic administration as the record queues it (FHIR-PROFILE.md,
 * Written): our UUID and the bag as identifiers, the scanned product
 * contained with its lot and expiry. */
static char *
administration_json (const char *uuid,
                     const char *status,
                     const char *part_of)
{
  g_autofree char *part = part_of != NULL
    ? g_strdup_printf (",\"partOf\":[{\"reference\":\"urn:uuid:%s\"}]", part_of) : g_strdup ("");
  g_autofree char *end = g_str_equal (status, "completed")
    ? g_strdup (",\"end\":\"2026-11-22T03:00:00Z\"") : g_strdup ("");

  return g_strdup_printf (
    "{\"resourceType\":\"MedicationAdministration\","
    "\"identifier\":[{\"system\":\"" URI_SYSTEM "\",\"value\":\"urn:uuid:%s\"},"
    "  {\"system\":\"urn:bedside-mar:bag\",\"value\":\"010061414110010121S01\"}],"
    "\"status\":\"%s\","
    "\"contained\":[{\"resourceType\":\"Medication\",\"id\":\"bag\","
    "  \"code\":{\"coding\":[{\"system\":\"https://www.gs1.org/gtin\",\"code\":\"00614141100101\"}]},"
    "  \"batch\":{\"lotNumber\":\"NS6021\",\"expirationDate\":\"2030-12-31\"}}],"
    "\"medicationReference\":{\"reference\":\"#bag\"},"
    "\"subject\":{\"reference\":\"Patient/pt-4w-01\"},"
    "\"context\":{\"reference\":\"Encounter/enc-4w-01\"},"
    "\"effectivePeriod\":{\"start\":\"2026-11-22T01:00:00Z\"%s},"
    "\"performer\":[{\"function\":{\"coding\":[{\"system\":"
    "  \"http://terminology.hl7.org/CodeSystem/med-admin-perform-function\",\"code\":\"performer\"}]},"
    "  \"actor\":{\"reference\":\"Practitioner/prac-n1001\"}}],"
    "\"request\":{\"reference\":\"MedicationRequest/mr-4w-01-nacl\"},"
    "\"dosage\":{\"route\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"47625008\"}]},"
    "  \"dose\":{\"value\":0,\"unit\":\"mL\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL\"},"
    "  \"rateQuantity\":{\"value\":125,\"unit\":\"mL/h\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mL/h\"}}"
    "%s}",
    uuid, status, end, part);
}

/* One the server refuses (400): the record left out when it happened. */
static char *
refused_administration_json (const char *uuid)
{
  g_autofree char *json = administration_json (uuid, "in-progress", NULL);
  g_autoptr(JsonNode) node = parse_json (json);

  json_object_remove_member (json_node_get_object (node), "effectivePeriod");
  return json_to_string (node, FALSE);
}

static gint64
enqueue (Fixture            *f,
         const char         *type,
         const char         *uuid,
         MarOutboxOperation  operation,
         const char         *depends_on,
         const char         *json)
{
  g_autoptr(JsonNode) node = parse_json (json);
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;

  g_assert_true (mar_store_begin (f->store, &error));
  g_assert_true (mar_outbox_enqueue (f->store, type, uuid, operation, depends_on, "pt-4w-01", node,
                                     clock_now (f), &seq, &error));
  g_assert_no_error (error);
  g_assert_true (mar_store_commit (f->store, &error));
  return seq;
}

static char *
enqueue_administration (Fixture    *f,
                        gint64     *seq)
{
  char *uuid = g_uuid_string_random ();
  g_autofree char *json = administration_json (uuid, "in-progress", NULL);
  gint64 s = enqueue (f, "MedicationAdministration", uuid, MAR_OUTBOX_CREATE, NULL, json);

  if (seq != NULL)
    *seq = s;
  return uuid;
}

static void
assert_drained (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  MarOutboxCounts counts;

  g_assert_true (mar_outbox_get_counts (f->store, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.pending, ==, 0);
  g_assert_cmpuint (counts.failed, ==, 0);
}

static MarOutboxEntry *
outbox_entry (Fixture *f,
              gint64   seq)
{
  g_autoptr(GError) error = NULL;
  MarOutboxEntry *entry = mar_outbox_get (f->store, seq, &error);

  g_assert_no_error (error);
  return entry;
}

/* ------------------------------------------------------------------------ */
/* Pull                                                                     */

static void
test_pull_full_then_incremental (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(MarPatient) p = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GError) error = NULL;
  MarSyncReport first, second;
  gint64 last_sync;

  pull_ok (f, &first);
  g_assert_true (first.pull_complete);
  /* The twelve patients on 4 West, not the duplicate record elsewhere. */
  g_assert_cmpuint (first.arrivals, ==, 12);
  g_assert_cmpuint (COUNT (&first, PATIENT, created), ==, 12);
  g_assert_cmpuint (COUNT (&first, LOCATION, created), ==, 13);
  g_assert_cmpuint (COUNT (&first, MEDICATION, created), ==, 25);
  g_assert_cmpuint (COUNT (&first, PRACTITIONER, created), ==, 10);
  g_assert_cmpuint (COUNT (&first, ENCOUNTER, created), ==, 12);
  g_assert_cmpuint (COUNT (&first, MEDICATION_REQUEST, created), ==, 34);
  g_assert_cmpuint (COUNT (&first, ALLERGY_INTOLERANCE, created), ==, 12);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM patients WHERE id = 'pt-4w-02-duplicate'"), ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM patients WHERE data_incomplete = 1"), ==, 0);
  g_assert_cmpuint (total (&first, G_STRUCT_OFFSET (MarSyncTypeCounts, quarantined)), ==, 0);

  p = patient (f, "pt-4w-01");
  g_assert_false (p->data_incomplete);
  orders = mar_store_list_orders (f->store, "pt-4w-01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 2);
  g_assert_true (mar_store_get_last_sync (f->store, &last_sync, &error));
  g_assert_cmpint (ABS (last_sync - clock_now (f)), <=, 5);

  /* Nothing changed: nothing is written, and every search is incremental. */
  clear_requests (f);
  pull_ok (f, &second);
  g_assert_cmpuint (CREATED (&second), ==, 0);
  g_assert_cmpuint (UPDATED (&second), ==, 0);
  g_assert_cmpuint (second.arrivals, ==, 0);
  requests = test_server_requests (f->server);
  g_assert_cmpuint (requests->len, >, 10);
  for (guint i = 0; i < requests->len; i++)
    {
      const char *r = g_ptr_array_index (requests, i);

      g_test_message ("%s", r);
      if (strstr (r, "/_history") != NULL)
        g_assert_nonnull (strstr (r, "_since="));
      else
        g_assert_nonnull (strstr (r, "_lastUpdated=ge"));
    }
}

static void
test_pull_change_reaches_verdict (Fixture       *f,
                                  gconstpointer  data)
{
  MarSyncReport report;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) heparin_before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(JsonObject) heparin_after = NULL;

  pull_ok (f, &report);
  before = verify (f, MRN_01, NACL_BAG);
  g_assert_cmpstr (verdict_of (before), ==, "pass");
  heparin_before = verify (f, MRN_01, HEPARIN_BAG);
  g_assert_false (has_finding (heparin_before, "ALLERGY"));

  /* The prescriber stops the saline; a heparin allergy is recorded. */
  server_update (f, "MedicationRequest", "mr-4w-01-nacl", "status", "\"stopped\"");
  g_free (server_create (f, "AllergyIntolerance",
    "{\"resourceType\":\"AllergyIntolerance\","
    "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical\",\"code\":\"active\"}]},"
    "\"verificationStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification\",\"code\":\"confirmed\"}]},"
    "\"category\":[\"medication\"],\"criticality\":\"high\","
    "\"code\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"5224\",\"display\":\"heparin\"}]},"
    "\"patient\":{\"reference\":\"Patient/pt-4w-01\"}}"));

  pull_ok (f, &report);
  g_assert_cmpuint (COUNT (&report, MEDICATION_REQUEST, updated), ==, 1);
  g_assert_cmpuint (COUNT (&report, ALLERGY_INTOLERANCE, created), ==, 1);
  after = verify (f, MRN_01, NACL_BAG);
  g_assert_cmpstr (verdict_of (after), ==, "block");
  g_assert_true (has_finding (after, "ORDER_DISCONTINUED"));
  heparin_after = verify (f, MRN_01, HEPARIN_BAG);
  g_assert_cmpstr (verdict_of (heparin_after), ==, "block");
  g_assert_true (has_finding (heparin_after, "ALLERGY"));
}

static void
test_pull_deletions (Fixture       *f,
                     gconstpointer  data)
{
  MarSyncReport report;
  g_autoptr(GPtrArray) allergies = NULL;
  g_autoptr(MarAllergy) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  pull_ok (f, &report);
  allergies = mar_store_list_allergies (f->store, "pt-4w-01", &error);
  g_assert_cmpuint (allergies->len, ==, 1);
  g_clear_pointer (&allergies, g_ptr_array_unref);

  reply = test_server_admin (f->server, "POST", "delete",
                             "{\"type\":\"AllergyIntolerance\",\"id\":\"ai-4w-01-nkda\"}");
  pull_ok (f, &report);
  g_assert_cmpuint (COUNT (&report, ALLERGY_INTOLERANCE, removed), ==, 1);
  allergies = mar_store_list_allergies (f->store, "pt-4w-01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (allergies->len, ==, 0);
  /* Marked removed, never deleted (RULES.md, The record). */
  kept = mar_store_get_allergy (f->store, "ai-4w-01-nkda", &error);
  g_assert_no_error (error);
  g_assert_true (kept->removed);

  /* Read again by the overlap: removed once. */
  pull_ok (f, &report);
  g_assert_cmpuint (COUNT (&report, ALLERGY_INTOLERANCE, removed), ==, 0);
}

static void
on_arrival_page (const char *type,
                 guint       entries,
                 gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(MarPatient) p = NULL;
  g_autoptr(JsonObject) result = NULL;

  if (!g_str_equal (type, "Encounter") || f->pages_seen > 0)
    return;
  p = mar_store_get_patient (f->store, "pt-arriving", NULL);
  if (p == NULL)
    return;
  f->pages_seen++;
  /* Stored with the Encounter, before their orders: blocked meanwhile. */
  g_assert_true (p->data_incomplete);
  result = verify (f, MRN_ARRIVING, NACL_BAG);
  g_assert_cmpstr (verdict_of (result), ==, "block");
  g_assert_true (has_finding (result, "PATIENT_DATA_INCOMPLETE"));
}

static void
test_pull_arrival (Fixture       *f,
                   gconstpointer  data)
{
  MarSyncReport report;
  g_autoptr(MarPatient) p = NULL;
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) allergies = NULL;
  g_autoptr(MarWeight) weight = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean exists = TRUE;

  pull_ok (f, &report);
  g_assert_true (mar_store_has_resource (f->store, "Patient", "pt-arriving", &exists, &error));
  g_assert_false (exists);

  /* A new bed on the unit, and the patient admitted to it. */
  g_free (server_create (f, "Location",
    "{\"resourceType\":\"Location\",\"id\":\"loc-4w-13\",\"status\":\"active\",\"name\":\"4W-13\","
    "\"partOf\":{\"reference\":\"Location/loc-4w\"}}"));
  g_free (server_create (f, "Encounter",
    "{\"resourceType\":\"Encounter\",\"status\":\"in-progress\","
    "\"class\":{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"IMP\"},"
    "\"subject\":{\"reference\":\"Patient/pt-arriving\"},"
    "\"location\":[{\"location\":{\"reference\":\"Location/loc-4w-13\"},\"status\":\"active\"}]}"));

  mar_sync_set_progress_func (f->sync, on_arrival_page, f);
  pull_ok (f, &report);
  g_assert_cmpuint (f->pages_seen, ==, 1);
  g_assert_cmpuint (report.arrivals, ==, 1);

  p = patient (f, "pt-arriving");
  g_assert_false (p->data_incomplete);
  /* Ten days old, and pulled all the same. */
  orders = mar_store_list_orders (f->store, "pt-arriving", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 1);
  allergies = mar_store_list_allergies (f->store, "pt-arriving", &error);
  g_assert_cmpuint (allergies->len, ==, 1);
  weight = mar_store_get_latest_weight (f->store, "pt-arriving", &error);
  g_assert_no_error (error);

  result = verify (f, MRN_ARRIVING, NACL_BAG);
  g_assert_false (has_finding (result, "PATIENT_DATA_INCOMPLETE"));
  g_assert_false (has_finding (result, "NO_ACTIVE_ORDER"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "order"), "id"),
                   ==, "mr-arriving-nacl");
}

static void
test_pull_quarantine (Fixture       *f,
                      gconstpointer  data)
{
  MarSyncReport report;
  g_autoptr(GPtrArray) quarantined = NULL;
  g_autoptr(JsonObject) rejected = NULL;
  g_autoptr(JsonObject) fixed = NULL;
  g_autoptr(GError) error = NULL;
  MarQuarantined *entry;

  pull_ok (f, &report);

  /* "unknown" is an R4 status the profile refuses (it cannot be told from
   * an active order); the other change of the same pull is applied. */
  server_update (f, "MedicationRequest", "mr-4w-01-nacl", "status", "\"unknown\"");
  server_update (f, "MedicationRequest", "mr-4w-01-heparin", "priority", "\"urgent\"");
  pull_ok (f, &report);
  g_assert_true (report.pull_complete);
  g_assert_cmpuint (COUNT (&report, MEDICATION_REQUEST, quarantined), ==, 1);
  g_assert_cmpuint (COUNT (&report, MEDICATION_REQUEST, updated), ==, 1);
  quarantined = mar_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (quarantined->len, ==, 1);
  entry = g_ptr_array_index (quarantined, 0);
  g_assert_cmpstr (entry->resource_type, ==, "MedicationRequest");
  g_assert_cmpstr (entry->resource_id, ==, "mr-4w-01-nacl");
  g_assert_cmpstr (entry->patient_id, ==, "pt-4w-01");
  g_assert_nonnull (strstr (entry->reason, "status"));
  g_clear_pointer (&quarantined, g_ptr_array_unref);

  rejected = verify (f, MRN_01, NACL_BAG);
  g_assert_cmpstr (verdict_of (rejected), ==, "block");
  g_assert_true (has_finding (rejected, "DATA_REJECTED"));

  /* Read again by the overlap: still one entry. */
  pull_ok (f, &report);
  quarantined = mar_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (quarantined->len, ==, 1);
  g_clear_pointer (&quarantined, g_ptr_array_unref);

  /* Fixed on the server: stored, released, the patient unblocked. */
  server_update (f, "MedicationRequest", "mr-4w-01-nacl", "status", "\"active\"");
  pull_ok (f, &report);
  g_assert_cmpuint (COUNT (&report, MEDICATION_REQUEST, updated), ==, 1);
  quarantined = mar_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (quarantined->len, ==, 0);
  fixed = verify (f, MRN_01, NACL_BAG);
  g_assert_false (has_finding (fixed, "DATA_REJECTED"));
  g_assert_cmpstr (verdict_of (fixed), ==, "pass");
}

static void
test_pull_quarantine_unresolved (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  MarSyncReport report;
  g_autoptr(GPtrArray) quarantined = NULL;
  g_autoptr(GError) error = NULL;

  pull_ok (f, &report);
  /* An order for a product the catalog does not have yet. */
  g_free (server_create (f, "MedicationRequest",
    "{\"resourceType\":\"MedicationRequest\",\"id\":\"mr-4w-01-new\",\"status\":\"active\",\"intent\":\"order\","
    "\"subject\":{\"reference\":\"Patient/pt-4w-01\"},"
    "\"medicationReference\":{\"reference\":\"Medication/med-not-yet\"}}"));
  pull_ok (f, &report);
  g_assert_cmpuint (COUNT (&report, MEDICATION_REQUEST, quarantined), ==, 1);

  /* Ten minutes later another order changes: the watermark moves past the
   * overlap, so the refused order is not read again by the searches. */
  reply = test_server_admin (f->server, "POST", "clock", "{\"offsetSeconds\":600}");
  server_update (f, "MedicationRequest", "mr-4w-01-heparin", "priority", "\"urgent\"");
  pull_ok (f, &report);
  g_assert_cmpuint (report.released, ==, 0);

  /* The product arrives: the order is stored without changing itself. */
  g_free (server_create (f, "Medication",
    "{\"resourceType\":\"Medication\",\"id\":\"med-not-yet\",\"status\":\"active\",\"code\":{\"text\":\"New\"}}"));
  pull_ok (f, &report);
  g_assert_cmpuint (report.released, ==, 1);
  quarantined = mar_store_list_quarantined (f->store, &error);
  g_assert_cmpuint (quarantined->len, ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM orders WHERE id = 'mr-4w-01-new'"), ==, 1);
}

static void
on_page_cancel (const char *type,
                guint       entries,
                gpointer    user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (type, "Medication") && ++f->pages_seen == 2)
    g_cancellable_cancel (f->cancellable);
}

static void
on_page_break_network (const char *type,
                       guint       entries,
                       gpointer    user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (type, "Medication") && ++f->pages_seen == 2)
    test_server_fault (f->server, "{\"kind\":\"reset\",\"count\":100}");
}

/* Interrupted after a page (4 per page, 10 minutes apart; the second when
 * cancelled, the second or the third when the network fails, as the next
 * page may already be on its way): the next pull starts from the last
 * stored page's newest minus five minutes. */
static void
check_resumed (Fixture *f,
               gint64   expected_stored)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autofree char *mark = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  MarSyncReport report;
  gint64 stored = count_rows (f, "SELECT count(*) FROM products");
  gint64 t;

  if (expected_stored > 0)
    g_assert_cmpint (stored, ==, expected_stored);
  g_assert_cmpint (stored % 4, ==, 0);
  g_assert_cmpint (stored, >=, 8);
  g_assert_cmpint (stored, <, 30);
  mark = mar_store_dup_watermark (f->store, "Medication", &error);
  g_assert_no_error (error);
  g_assert_true (mar_time_parse_fhir (mark, f->tz, &t, NULL, NULL));
  g_assert_cmpint (t, ==, f->now - 86400 + (stored - 1) * 600);

  mar_sync_set_progress_func (f->sync, NULL, NULL);
  test_server_admin (f->server, "DELETE", "faults", NULL);
  clear_requests (f);
  pull_ok (f, &report);
  /* The overlap re-reads the last one stored (skipped: same version). */
  g_assert_cmpuint (COUNT (&report, MEDICATION, created), ==, 30 - stored);
  g_assert_cmpuint (COUNT (&report, MEDICATION, unchanged), ==, 1);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM products"), ==, 30);

  requests = test_server_requests (f->server);
  expected = mar_time_format_utc (t - MAR_SYNC_OVERLAP);
  {
    const char *first = g_ptr_array_index (requests, 1);  /* after Location */
    g_autofree char *escaped = g_uri_escape_string (expected, NULL, FALSE);

    g_test_message ("%s", first);
    g_assert_true (g_str_has_prefix (first, "GET Medication?"));
    g_assert_true (strstr (first, expected) != NULL || strstr (first, escaped) != NULL);
  }
}

static void
test_pull_interrupted_cancelled (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MarSyncReport report;
  gint64 last_sync = 0;

  f->cancellable = g_cancellable_new ();
  mar_sync_set_progress_func (f->sync, on_page_cancel, f);
  g_assert_false (mar_sync_pull (f->sync, &report, f->cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (report.pull_complete);
  /* An incomplete pull is not a sync (CACHE_STALE keeps counting). */
  g_assert_true (mar_store_get_last_sync (f->store, &last_sync, NULL));
  g_assert_cmpint (last_sync, ==, MAR_TIME_UNSET);
  check_resumed (f, 8);
}

static void
test_pull_interrupted_network (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MarSyncReport report;

  mar_sync_set_progress_func (f->sync, on_page_break_network, f);
  g_assert_false (mar_sync_pull (f->sync, &report, NULL, &error));
  g_assert_error (error, MAR_HTTP_ERROR, MAR_HTTP_ERROR_CONNECTION_LOST);
  check_resumed (f, 0);
}

static void
on_page_cancel_orders (const char *type,
                       guint       entries,
                       gpointer    user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (type, "MedicationRequest"))
    g_cancellable_cancel (f->cancellable);
}

static void
test_pull_interrupted_arrivals (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) blocked = NULL;
  g_autoptr(JsonObject) passed = NULL;
  MarSyncReport report;

  f->cancellable = g_cancellable_new ();
  mar_sync_set_progress_func (f->sync, on_page_cancel_orders, f);
  g_assert_false (mar_sync_pull (f->sync, &report, f->cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM patients WHERE data_incomplete = 1"), ==, 12);
  blocked = verify (f, MRN_01, NACL_BAG);
  g_assert_true (has_finding (blocked, "PATIENT_DATA_INCOMPLETE"));

  mar_sync_set_progress_func (f->sync, NULL, NULL);
  pull_ok (f, &report);
  g_assert_cmpuint (report.arrivals, ==, 12);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM patients WHERE data_incomplete = 1"), ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM orders"), ==, 34);
  passed = verify (f, MRN_01, NACL_BAG);
  g_assert_cmpstr (verdict_of (passed), ==, "pass");
}

static void
test_pull_hospital (Fixture       *f,
                    gconstpointer  data)
{
  MarSyncReport report, again;

  pull_ok (f, &report);
  g_assert_cmpuint (COUNT (&report, PATIENT, created), ==, 13);
  g_assert_cmpuint (report.arrivals, ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM patients WHERE data_incomplete = 1"), ==, 0);
  /* Every running or paused administration, whatever its age. */
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM administrations WHERE status IN ('in-progress', 'on-hold')"),
                   ==, test_server_count (f->server, "MedicationAdministration", "status=in-progress,on-hold"));
  pull_ok (f, &again);
  g_assert_cmpuint (CREATED (&again), ==, 0);
  g_assert_cmpuint (UPDATED (&again), ==, 0);
}

static void
test_pull_own_administrations (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *server_id = NULL;
  g_autofree char *sql = NULL;
  MarSyncReport report;

  pull_ok (f, &report);
  uuid = enqueue_administration (f, NULL);
  g_assert_true (mar_sync_run (f->sync, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpuint (report.own_skipped, ==, 1);
  g_assert_true (mar_outbox_lookup_server_id (f->store, uuid, &server_id, NULL, &error));
  sql = g_strdup_printf ("SELECT count(*) FROM administrations WHERE id = '%s'", server_id);
  g_assert_cmpint (count_rows (f, sql), ==, 0);
}

static void
test_pull_clock_skew_and_stale (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) skewed = NULL;
  g_autoptr(JsonObject) stale = NULL;
  g_autoptr(JsonObject) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSyncState) state = NULL;
  MarSyncReport report;
  gboolean known = FALSE;
  gint64 skew = 0;

  pull_ok (f, &report);
  g_assert_true (report.clock_skew_known);
  g_assert_cmpint (ABS (report.clock_skew), <=, 2);
  fresh = verify (f, MRN_01, NACL_BAG);
  g_assert_false (has_finding (fresh, "CLOCK_SKEW"));
  g_assert_false (has_finding (fresh, "CACHE_STALE"));

  /* RULES.md CLOCK_SKEW: the server's Date is 10 minutes ahead. */
  reply = test_server_admin (f->server, "POST", "clock", "{\"offsetSeconds\":600}");
  pull_ok (f, &report);
  g_assert_cmpint (report.clock_skew, >=, 598);
  g_assert_cmpint (report.clock_skew, <=, 602);
  g_assert_true (mar_sync_load_clock_skew (f->store, &known, &skew, &error));
  g_assert_true (known);
  g_assert_cmpint (skew, ==, report.clock_skew);
  state = mar_sync_state_load (f->store, &error);
  g_assert_true (state->clock_skew_known);
  skewed = verify (f, MRN_01, NACL_BAG);
  g_assert_true (has_finding (skewed, "CLOCK_SKEW"));

  /* RULES.md CACHE_STALE: 20 minutes without a sync. */
  stale = verify_at (f, MRN_01, NACL_BAG, clock_now (f) + 20 * 60);
  g_assert_true (has_finding (stale, "CACHE_STALE"));
}

/* ------------------------------------------------------------------------ */
/* Push                                                                     */

static void
test_push_exactly_once (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *bag = g_uuid_string_random ();
  g_autofree char *segment = g_uuid_string_random ();
  g_autofree char *bag_json = administration_json (bag, "in-progress", NULL);
  g_autofree char *segment_json = administration_json (segment, "in-progress", bag);
  g_autofree char *closed_json = administration_json (bag, "completed", NULL);
  g_autofree char *bag_id = NULL;
  g_autofree char *segment_id = NULL;
  g_autofree char *bag_target = NULL;
  g_autofree char *segment_target = NULL;
  g_autofree char *expected_part_of = NULL;
  g_autoptr(JsonNode) bag_copy = NULL;
  g_autoptr(JsonNode) segment_copy = NULL;
  g_autoptr(GError) error = NULL;
  MarSyncReport report;

  /* The segment is queued first but depends on its bag's first record. */
  enqueue (f, "MedicationAdministration", segment, MAR_OUTBOX_CREATE, bag, segment_json);
  enqueue (f, "MedicationAdministration", bag, MAR_OUTBOX_CREATE, NULL, bag_json);
  enqueue (f, "MedicationAdministration", bag, MAR_OUTBOX_UPDATE, NULL, closed_json);

  push_ok (f, &report);
  g_assert_cmpuint (report.pushed, ==, 3);
  g_assert_cmpuint (report.push_pending, ==, 0);
  assert_drained (f);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", bag), ==, 1);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", segment), ==, 1);

  g_assert_true (mar_outbox_lookup_server_id (f->store, bag, &bag_id, NULL, &error));
  g_assert_true (mar_outbox_lookup_server_id (f->store, segment, &segment_id, NULL, &error));
  bag_target = g_strconcat ("MedicationAdministration/", bag_id, NULL);
  segment_target = g_strconcat ("MedicationAdministration/", segment_id, NULL);
  bag_copy = server_read (f, bag_target);
  segment_copy = server_read (f, segment_target);
  /* The update closed the bag's first record on the server. */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (bag_copy), "status"), ==, "completed");
  /* The segment's partOf names the server's id of its bag. */
  expected_part_of = g_strconcat ("MedicationAdministration/", bag_id, NULL);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_object_get_array_member (json_node_get_object (segment_copy),
                                                                                  "partOf"), 0),
                     "reference"), ==, expected_part_of);

  /* Nothing left: pushing again sends nothing. */
  push_ok (f, &report);
  g_assert_cmpuint (report.pushed, ==, 0);
}

typedef struct
{
  Setup       setup;          /* first: the fixture reads it */
  const char *fault;          /* JSON for /__admin/faults */
  gint64      retry_after;    /* a wait that must have been exactly this, or 0 */
  guint       min_retries;
} FaultCase;

/* The client times out after 1 s (the "delay" case answers after 2.5 s). */
#define FAULT(json, wait, retries) { { .seed = SEED_NONE, .timeout_s = 1 }, json, wait, retries }

static const FaultCase fault_cases[] = {
  FAULT ("{\"kind\":\"status\",\"status\":500,\"count\":3,\"method\":\"POST\"}", 0, 3),
  FAULT ("{\"kind\":\"status\",\"status\":503,\"retryAfter\":\"3\",\"method\":\"POST\"}", 3, 1),
  FAULT ("{\"kind\":\"rate-limit\",\"retryAfter\":\"7\",\"count\":2,\"method\":\"POST\"}", 7, 2),
  FAULT ("{\"kind\":\"reset\",\"method\":\"POST\"}", 0, 1),
  FAULT ("{\"kind\":\"reset-after-commit\",\"method\":\"POST\"}", 0, 1),
  FAULT ("{\"kind\":\"truncate\",\"method\":\"POST\"}", 0, 1),
  FAULT ("{\"kind\":\"malformed\",\"method\":\"POST\"}", 0, 1),
  FAULT ("{\"kind\":\"wrong-content-type\",\"method\":\"POST\"}", 0, 1),
  FAULT ("{\"kind\":\"delay\",\"ms\":2500,\"method\":\"POST\"}", 0, 1),
  /* A PUT whose answer was lost may come back as a 412 (the first try
   * changed the version): read again, found already as ours, sent. */
  FAULT ("{\"kind\":\"reset-after-commit\",\"method\":\"PUT\"}", 0, 0),
  FAULT ("{\"kind\":\"truncate\",\"method\":\"PUT\"}", 0, 0),
  FAULT ("{\"kind\":\"status\",\"status\":502,\"method\":\"PUT\"}", 0, 1),
};

static void
test_push_fault (Fixture       *f,
                 gconstpointer  data)
{
  const FaultCase *c = data;
  g_autofree char *first = g_uuid_string_random ();
  g_autofree char *second = g_uuid_string_random ();
  g_autofree char *first_json = administration_json (first, "in-progress", NULL);
  g_autofree char *second_json = administration_json (second, "in-progress", NULL);
  g_autofree char *closed_json = administration_json (first, "completed", NULL);
  g_autofree char *server_id = NULL;
  g_autofree char *target = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(GError) error = NULL;
  MarSyncReport report;

  enqueue (f, "MedicationAdministration", first, MAR_OUTBOX_CREATE, NULL, first_json);
  enqueue (f, "MedicationAdministration", second, MAR_OUTBOX_CREATE, NULL, second_json);
  enqueue (f, "MedicationAdministration", first, MAR_OUTBOX_UPDATE, NULL, closed_json);
  test_server_fault (f->server, c->fault);

  push_ok (f, &report);
  g_test_message ("pushed %u, retries %u, waits %u", report.pushed, report.push_retries, f->clock.sleeps->len);
  g_assert_cmpuint (report.push_retries, >=, c->min_retries);
  if (c->retry_after > 0)
    g_assert_true (slept_exactly (&f->clock, c->retry_after));
  g_assert_cmpuint (report.pushed, ==, 3);
  assert_drained (f);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", first), ==, 1);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", second), ==, 1);
  g_assert_cmpint (test_server_count (f->server, "MedicationAdministration", NULL), ==, 2);
  g_assert_true (mar_outbox_lookup_server_id (f->store, first, &server_id, NULL, &error));
  target = g_strconcat ("MedicationAdministration/", server_id, NULL);
  copy = server_read (f, target);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (copy), "status"), ==, "completed");
}

static void
killed_case (Fixture    *f,
             const char *fault)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  MarSyncReport report;
  gint64 seq;
  guint port = f->server->port;

  first = enqueue_administration (f, &seq);
  second = enqueue_administration (f, NULL);
  test_server_fault (f->server, fault);

  /* The server is gone: the entry waits, pending, with its error. */
  push_ok (f, &report);
  g_assert_cmpuint (report.push_pending, ==, 2);
  g_assert_cmpuint (report.pushed, ==, 0);
  {
    g_autoptr(MarOutboxEntry) entry = outbox_entry (f, seq);

    g_assert_cmpint (entry->state, ==, MAR_OUTBOX_PENDING);
    g_assert_cmpint (entry->attempts, >=, 1);
    g_assert_nonnull (entry->last_error);
  }

  /* It comes back with what it had committed (its journal). */
  test_server_reap (f->server);
  test_server_start (f->server, &(TestServerOptions) { .journal = TRUE, .quiet = TRUE }, port);
  f->clock.offset += (gint64) 3600 * G_USEC_PER_SEC;
  push_ok (f, &report);
  g_assert_cmpuint (report.pushed, ==, 2);
  assert_drained (f);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", first), ==, 1);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", second), ==, 1);
}

static void
test_push_killed_after_commit (Fixture       *f,
                               gconstpointer  data)
{
  killed_case (f, "{\"kind\":\"kill-after-commit\",\"method\":\"POST\"}");
}

static void
test_push_killed_before (Fixture       *f,
                         gconstpointer  data)
{
  killed_case (f, "{\"kind\":\"kill\",\"method\":\"POST\"}");
}

static void
test_push_refused_parks (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *bad = g_uuid_string_random ();
  g_autofree char *bad_json = refused_administration_json (bad);
  g_autofree char *dependent = g_uuid_string_random ();
  g_autofree char *dependent_json = administration_json (dependent, "in-progress", bad);
  g_autofree char *good = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(JsonNode) bad_node = parse_json (bad_json);
  g_autoptr(MarHttpResponse) direct = NULL;
  g_autoptr(GError) error = NULL;
  MarSyncReport report;
  gint64 bad_seq, dependent_seq;
  guint count = 0;

  bad_seq = enqueue (f, "MedicationAdministration", bad, MAR_OUTBOX_CREATE, NULL, bad_json);
  dependent_seq = enqueue (f, "MedicationAdministration", dependent, MAR_OUTBOX_CREATE, bad, dependent_json);
  good = enqueue_administration (f, NULL);

  push_ok (f, &report);
  g_assert_cmpuint (report.push_parked, ==, 1);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", good), ==, 1);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", bad), ==, 0);

  /* The server's own words, for IT. */
  direct = mar_http_client_send (f->client,
                                 &(MarHttpRequest) { .method = MAR_HTTP_POST,
                                                     .target = "MedicationAdministration",
                                                     .body = bad_node },
                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (direct->status, ==, 400);
  expected = mar_http_operation_outcome_to_string (direct->json);
  {
    g_autoptr(MarOutboxEntry) parked = outbox_entry (f, bad_seq);
    g_autoptr(MarOutboxEntry) waiting = outbox_entry (f, dependent_seq);

    g_assert_cmpint (parked->state, ==, MAR_OUTBOX_FAILED);
    g_assert_cmpstr (parked->last_error, ==, expected);
    /* What depends on it waits, pending. */
    g_assert_cmpint (waiting->state, ==, MAR_OUTBOX_PENDING);
    g_assert_cmpint (waiting->attempts, ==, 0);
  }

  /* IT puts it back; the server still refuses it. */
  g_assert_true (mar_outbox_retry (f->store, bad_seq, &count, &error));
  g_assert_cmpuint (count, ==, 1);
  push_ok (f, &report);
  g_assert_cmpuint (report.push_parked, ==, 1);
}

static void
test_push_conflict (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *uuid = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *server_id = NULL;
  g_autofree char *version_before = NULL;
  g_autofree char *version_after = NULL;
  g_autofree char *target = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GError) error = NULL;
  MarSyncReport report;
  guint puts = 0, conflicts_read = 0;

  uuid = enqueue_administration (f, NULL);
  push_ok (f, &report);
  g_assert_true (mar_outbox_lookup_server_id (f->store, uuid, &server_id, &version_before, &error));

  /* Someone else annotates it on the server: our version is stale. */
  server_update (f, "MedicationAdministration", server_id, "note", "[{\"text\":\"Checked by pharmacy\"}]");

  closed = administration_json (uuid, "completed", NULL);
  enqueue (f, "MedicationAdministration", uuid, MAR_OUTBOX_UPDATE, NULL, closed);
  clear_requests (f);
  push_ok (f, &report);
  {
    g_autoptr(GPtrArray) failed = mar_outbox_list (f->store, MAR_OUTBOX_FAILED, NULL);

    for (guint i = 0; i < failed->len; i++)
      g_test_message ("refused: %s", ((MarOutboxEntry *) g_ptr_array_index (failed, i))->last_error);
  }
  g_assert_cmpuint (report.pushed, ==, 1);
  assert_drained (f);

  /* FHIR-PROFILE.md: a 412 re-reads and retries. */
  requests = test_server_requests (f->server);
  for (guint i = 0; i < requests->len; i++)
    {
      const char *r = g_ptr_array_index (requests, i);

      if (g_str_has_prefix (r, "PUT "))
        puts++;
      if (g_str_has_prefix (r, "GET MedicationAdministration/"))
        conflicts_read++;
    }
  g_assert_cmpuint (puts, ==, 2);
  g_assert_cmpuint (conflicts_read, ==, 1);
  target = g_strconcat ("MedicationAdministration/", server_id, NULL);
  copy = server_read (f, target);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (copy), "status"), ==, "completed");
  g_assert_true (mar_outbox_lookup_server_id (f->store, uuid, NULL, &version_after, &error));
  g_assert_cmpstr (version_after, !=, version_before);
  g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", uuid), ==, 1);
}

static void
test_push_audit_event (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *json = g_strdup_printf (
    "{\"resourceType\":\"AuditEvent\","
    "\"type\":{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":\"110100\"},"
    "\"recorded\":\"2026-11-22T01:00:00Z\","
    "\"agent\":[{\"requestor\":false,\"who\":{\"display\":\"4W-CART-1\"}}],"
    "\"source\":{\"observer\":{\"display\":\"4W-CART-1\"}},"
    "\"entity\":[{\"what\":{\"identifier\":{\"system\":\"urn:bedside-mar:audit-chain\",\"value\":\"128\"}},"
    "  \"detail\":[{\"type\":\"hash\",\"valueString\":\"9c1185a5c5e9fc54612808977ee8f548b2258d31\"}]}]}");
  g_autofree char *query = g_strdup_printf ("_id=%s", uuid);
  MarSyncReport report;

  enqueue (f, "AuditEvent", uuid, MAR_OUTBOX_CREATE, NULL, json);
  /* No identifier search in R4: PUT with our UUID as the id, so a retry
   * after a lost answer is the same resource. */
  test_server_fault (f->server, "{\"kind\":\"reset-after-commit\",\"method\":\"PUT\"}");
  push_ok (f, &report);
  g_assert_cmpuint (report.pushed, ==, 1);
  assert_drained (f);
  g_assert_cmpint (test_server_count (f->server, "AuditEvent", query), ==, 1);
}

/* What the record (issue 4) queues for a real bag's life: the first
 * record, rate segments and a bolus (partOf the first one), a reaction
 * (AdverseEvent), a site check (Observation), the close of the first
 * record (an update) and the audit chain's head (AuditEvent). All of it
 * reaches the server once, through a lost answer and a server error. */
static void
test_push_record_history (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(RecordWard) w = record_ward_new ();
  g_autoptr(MarInfusion) bag = rw_start_nacl (w, RW_NACL_S01, 0, 75);
  g_autoptr(MarSync) sync = make_sync (f, w->store, NULL, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) resources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *bag_id = NULL;
  MarSyncReport report;
  MarOutboxCounts counts;
  GHashTableIter iter;
  gpointer uuid, type;

  {
    MarRecordContext context = rw_context (w, 10, w->nurse, NULL);
    MarOverride mismatch = { "RATE_MISMATCH", "provider-order", NULL };

    context.overrides = &mismatch;
    context.n_overrides = 1;
    g_assert_true (mar_record_change_rate (w->record, &context, bag->id, 100, "provider-order", NULL, NULL, &error));
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 20, w->nurse, NULL);

    g_assert_true (mar_record_give_bolus (w->record, &context, bag->id, 50, NULL, &error));
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 30, w->nurse, NULL);
    MarReactionRequest request = { .kind = "chills", .severity = "mild" };

    g_assert_cmpint (mar_record_add_reaction (w->record, &context, bag->id, &request, &error), >, 0);
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 40, w->nurse, NULL);
    MarSiteCheckRequest request = { .site = "left forearm" };

    g_assert_cmpint (mar_record_add_site_check (w->record, &context, bag->id, &request, &error), >, 0);
    g_assert_no_error (error);
  }
  {
    MarRecordContext context = rw_context (w, 60, w->nurse, NULL);

    g_assert_true (mar_record_complete (w->record, &context, bag->id, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  entries = mar_outbox_list (w->store, -1, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      MarOutboxEntry *e = g_ptr_array_index (entries, i);

      g_test_message ("outbox %" G_GINT64_FORMAT ": %s %s", e->seq,
                      e->operation == MAR_OUTBOX_UPDATE ? "update" : "create", e->resource_type);
      g_hash_table_replace (resources, g_strdup (e->resource_uuid), g_strdup (e->resource_type));
    }
  g_assert_cmpuint (g_hash_table_size (resources), >=, 5);

  test_server_fault (f->server, "[{\"kind\":\"reset-after-commit\",\"method\":\"POST\"},"
                                "{\"kind\":\"status\",\"status\":503,\"method\":\"PUT\"}]");
  g_assert_true (mar_sync_push (sync, &report, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.push_parked, ==, 0);
  g_assert_true (mar_outbox_get_counts (w->store, &counts, &error));
  if (counts.failed > 0)
    {
      g_autoptr(GPtrArray) failed = mar_outbox_list (w->store, MAR_OUTBOX_FAILED, NULL);

      for (guint i = 0; i < failed->len; i++)
        g_test_message ("refused %s: %s", ((MarOutboxEntry *) g_ptr_array_index (failed, i))->resource_type,
                        ((MarOutboxEntry *) g_ptr_array_index (failed, i))->last_error);
    }
  g_assert_cmpuint (counts.pending, ==, 0);
  g_assert_cmpuint (counts.failed, ==, 0);
  g_assert_cmpuint (report.pushed, ==, entries->len);

  /* Each record once on the server. */
  g_hash_table_iter_init (&iter, resources);
  while (g_hash_table_iter_next (&iter, &uuid, &type))
    {
      /* No identifier search in R4: created on our UUID as the id. */
      if (g_str_equal (type, "AuditEvent") || g_str_equal (type, "AdverseEvent"))
        {
          g_autofree char *query = g_strdup_printf ("_id=%s", (char *) uuid);

          g_assert_cmpint (test_server_count (f->server, type, query), ==, 1);
        }
      else
        {
          g_test_message ("%s %s", (char *) type, (char *) uuid);
          g_assert_cmpint (count_by_uuid (f, type, uuid), ==, 1);
        }
    }

  /* The segments name the bag's first record by the server's id (R4 has no
   * part-of search for MedicationAdministration: read them). */
  g_assert_true (mar_outbox_lookup_server_id (w->store, bag->uuid, &bag_id, NULL, &error));
  {
    g_autofree char *expected = g_strconcat ("MedicationAdministration/", bag_id, NULL);
    g_autoptr(JsonNode) all = server_read (f, "MedicationAdministration?_count=100");
    JsonArray *found = json_object_get_array_member (json_node_get_object (all), "entry");
    guint parts = 0;

    for (guint i = 0; i < json_array_get_length (found); i++)
      {
        JsonObject *ma = json_object_get_object_member (json_array_get_object_element (found, i), "resource");

        if (json_object_has_member (ma, "partOf"))
          {
            JsonObject *part_of = json_array_get_object_element (json_object_get_array_member (ma, "partOf"), 0);

            g_assert_cmpstr (json_object_get_string_member (part_of, "reference"), ==, expected);
            parts++;
          }
      }
    g_assert_cmpuint (parts, >=, 2);
  }
}

/* ------------------------------------------------------------------------ */
/* TLS: refused, reported, nothing changed                                  */

static void
tls_case (Fixture    *f,
          const char *ca_name,
          const char *pin,
          int         code)
{
  g_autofree char *ca = ca_name != NULL ? test_server_path (f->server, ca_name) : NULL;
  g_autoptr(MarSync) sync = make_sync (f, f->store, ca, pin);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSyncState) state = NULL;
  g_autoptr(GPtrArray) watermarks = NULL;
  MarSyncReport report;
  gint64 seq;
  g_autofree char *uuid = enqueue_administration (f, &seq);

  g_assert_false (mar_sync_run (sync, &report, NULL, &error));
  g_assert_error (error, MAR_HTTP_ERROR, code);
  g_assert_false (report.pull_complete);

  /* Reported for IT... */
  state = mar_sync_state_load (f->store, NULL);
  g_assert_cmpstr (state->last_error, ==, error->message);
  g_assert_cmpint (state->last_pull, ==, MAR_TIME_UNSET);
  /* ...and nothing changed: no data, no watermark, the record untouched. */
  watermarks = mar_sync_list_watermarks (f->store, NULL);
  g_assert_cmpuint (watermarks->len, ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM patients"), ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM products"), ==, 0);
  {
    g_autoptr(MarOutboxEntry) entry = outbox_entry (f, seq);

    g_assert_cmpint (entry->state, ==, MAR_OUTBOX_PENDING);
    g_assert_cmpint (entry->attempts, ==, 0);
  }
  /* (The admin endpoint trusts only a valid certificate.) */
  if (f->setup->certificate == NULL)
    g_assert_cmpint (count_by_uuid (f, "MedicationAdministration", uuid), ==, 0);
}

static void
test_tls_wrong_ca (Fixture       *f,
                   gconstpointer  data)
{
  tls_case (f, "other-ca.pem", NULL, MAR_HTTP_ERROR_TLS_UNTRUSTED);
}

static void
test_tls_expired (Fixture       *f,
                  gconstpointer  data)
{
  tls_case (f, NULL, NULL, MAR_HTTP_ERROR_TLS_EXPIRED);
}

static void
test_tls_wrong_host (Fixture       *f,
                     gconstpointer  data)
{
  tls_case (f, NULL, NULL, MAR_HTTP_ERROR_TLS_HOSTNAME);
}

static void
test_tls_bad_pin (Fixture       *f,
                  gconstpointer  data)
{
  tls_case (f, NULL, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", MAR_HTTP_ERROR_TLS_PIN_MISMATCH);
}

/* ------------------------------------------------------------------------ */
/* One sync at a time                                                       */

static void
on_page_second_sync (const char *type,
                     guint       entries,
                     gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) other_store = NULL;
  g_autoptr(MarSync) other = NULL;

  if (f->pages_seen++ > 0)
    return;
  /* The bedside app's own connection to the same database. */
  other_store = mar_store_open (f->db_path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  other = make_sync (f, other_store, NULL, NULL);
  g_assert_false (mar_sync_pull (other, NULL, NULL, &error));
  g_assert_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_BUSY);
  g_test_message ("%s", error->message);
}

static void
test_lock_second_sync_busy (Fixture       *f,
                            gconstpointer  data)
{
  MarSyncReport report;

  mar_sync_set_progress_func (f->sync, on_page_second_sync, f);
  pull_ok (f, &report);
  g_assert_cmpuint (f->pages_seen, >, 1);
  /* Released at the end: the next one runs. */
  mar_sync_set_progress_func (f->sync, NULL, NULL);
  pull_ok (f, &report);
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */

static void
test_config_world_readable (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->folder, "bedside-mar.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarConfig) config = NULL;
  MarSyncSettings settings;

  /* A secret named: refused when every user can read the file. */
  write_text (path, "[server]\nurl=https://fhir.example.org/r4\ntoken-file=/etc/bedside-mar/token\n", 0644);
  config = mar_config_load (path, &error);
  g_assert_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "token-file"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  config = mar_config_load (path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&config, mar_config_unref);

  /* Credentials inside the proxy URL are a secret too. */
  write_text (path, "[server]\nurl=https://fhir.example.org/r4\nproxy=http://ops:hunter2@proxy.example.org:3128\n", 0644);
  config = mar_config_load (path, &error);
  g_assert_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_PERMISSIONS);
  g_clear_error (&error);

  /* No secret: anyone may read it. */
  write_text (path, "[server]\nurl=https://fhir.example.org/r4\nca-file=/etc/ssl/hospital-ca.pem\n"
              "[unit]\nlocation=loc-4w\n[sync]\ninterval=30\nstale-after=600\n", 0644);
  config = mar_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (mar_sync_settings_load (config, &settings, &error));
  g_assert_cmpstr (settings.unit_location, ==, "loc-4w");
  g_assert_cmpuint (settings.interval, ==, 30);
  g_assert_cmpuint (settings.stale_after, ==, 600);
  g_assert_cmpuint (settings.page_size, ==, MAR_SYNC_DEFAULT_PAGE_SIZE);
  mar_sync_settings_clear (&settings);
  g_clear_pointer (&config, mar_config_unref);

  write_text (path, "[sync]\ninterval=2\n", 0600);
  config = mar_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_false (mar_sync_settings_load (config, &settings, &error));
  g_assert_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_CONFIG);
}

/* ------------------------------------------------------------------------ */
/* marctl                                                                   */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
marctl (Fixture    *f,
        Run        *run,
        const char *config,
        ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  const char *path = g_getenv ("MARCTL");
  int wait_status = 0;
  va_list args;

  g_assert_nonnull (path);
  g_ptr_array_add (argv, (char *) path);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db_path);
  g_ptr_array_add (argv, (char *) "--config");
  g_ptr_array_add (argv, (char *) config);
  va_start (args, config);
  for (const char *a = va_arg (args, const char *); a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  env = g_environ_setenv (env, "TZ", "America/New_York", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_unsetenv (env, "BEDSIDE_MAR_DB");
  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static JsonObject *
run_json (Run *run)
{
  g_autoptr(JsonNode) node = parse_json (run->out);

  return json_object_ref (json_node_get_object (node));
}

static void
test_marctl_sync_status_outbox (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *config = g_build_filename (f->folder, "bedside-mar.conf", NULL);
  g_autofree char *ca = test_server_path (f->server, "ca.pem");
  g_autofree char *text = g_strdup_printf ("[server]\nurl=%s\nca-file=%s\n[unit]\nlocation=" UNIT
                                           "\ntime-zone=America/New_York\n", f->server->base_url, ca);
  g_autofree char *bad = g_uuid_string_random ();
  g_autofree char *bad_json = refused_administration_json (bad);
  g_autofree char *lock_path = g_strconcat (f->db_path, ".sync-lock", NULL);
  g_autoptr(JsonObject) synced = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_auto(Run) sync_run = { 0 };
  g_auto(Run) status_run = { 0 };
  g_auto(Run) show_run = { 0 };
  g_auto(Run) retry_run = { 0 };
  g_auto(Run) busy_run = { 0 };
  g_autoptr(JsonNode) shown = NULL;
  JsonArray *failed;
  int lock;

  write_text (config, text, 0600);
  enqueue (f, "MedicationAdministration", bad, MAR_OUTBOX_CREATE, NULL, bad_json);
  g_clear_object (&f->verifier);
  g_clear_object (&f->store);

  marctl (f, &sync_run, config, "sync", "--once", "--json", NULL);
  g_test_message ("%s%s", sync_run.out, sync_run.err);
  g_assert_cmpint (sync_run.status, ==, 0);
  synced = run_json (&sync_run);
  g_assert_true (json_object_get_boolean_member (synced, "ok"));
  g_assert_cmpint (json_object_get_int_member (synced, "arrivals"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (synced, "parked"), ==, 1);

  marctl (f, &status_run, config, "status", "--json", NULL);
  g_assert_cmpint (status_run.status, ==, 0);
  status = run_json (&status_run);
  g_assert_false (json_object_get_null_member (status, "lastPull"));
  g_assert_false (json_object_get_boolean_member (status, "stale"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (status, "outbox"), "failed"), ==, 1);
  failed = json_object_get_array_member (status, "failed");
  g_assert_cmpuint (json_array_get_length (failed), ==, 1);
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (failed, 0), "message"));
  g_assert_true (json_object_has_member (json_object_get_object_member (status, "watermarks"),
                                         "MedicationRequest"));

  marctl (f, &show_run, config, "outbox", "show", "--failed", "--json", NULL);
  g_assert_cmpint (show_run.status, ==, 0);
  shown = parse_json (show_run.out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (shown)), ==, 1);

  marctl (f, &retry_run, config, "outbox", "retry", "--all", NULL);
  g_assert_cmpint (retry_run.status, ==, 0);
  g_assert_nonnull (strstr (retry_run.out, "1 record"));

  /* Another sync holds the lock: this one says so and stops. */
  lock = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  g_assert_cmpint (lock, >=, 0);
  g_assert_cmpint (flock (lock, LOCK_EX | LOCK_NB), ==, 0);
  marctl (f, &busy_run, config, "sync", "--once", NULL);
  close (lock);
  g_assert_cmpint (busy_run.status, ==, 75);
  g_assert_nonnull (strstr (busy_run.err, "Another sync"));
}

/* ------------------------------------------------------------------------ */

static const Setup demo = { .seed = SEED_DEMO };
static const Setup demo_small_pages = { .seed = SEED_DEMO, .page_size = 5 };
static const Setup demo_arriving = { .seed = SEED_DEMO_ARRIVING };
static const Setup demo_hospital = { .seed = SEED_DEMO, .hospital = TRUE, .page_size = 7 };
static const Setup catalog = { .seed = SEED_CATALOG, .hospital = TRUE, .page_size = 4 };
static const Setup journaled = { .seed = SEED_NONE, .journal = TRUE };
static const Setup plain = { .seed = SEED_NONE };
static const Setup expired = { .seed = SEED_NONE, .certificate = "expired" };
static const Setup wronghost = { .seed = SEED_NONE, .certificate = "wronghost" };
static const Setup offline = { .no_server = TRUE };

static void
add (const char  *path,
     const Setup *setup,
     void       (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, setup, fixture_setup, func, fixture_teardown);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *missing = NULL;

  g_test_init (&argc, &argv, NULL);
  /* The server is killed on purpose in some tests. */
  signal (SIGPIPE, SIG_IGN);

  add ("/sync/config/world-readable", &offline, test_config_world_readable);

  missing = test_server_missing_prerequisite ();
  if (missing != NULL)
    {
      /* A skipped sync test proves nothing: fail, and say why. */
      g_printerr ("%s\n", missing);
      return 1;
    }

  add ("/sync/pull/full-then-incremental", &demo_small_pages, test_pull_full_then_incremental);
  add ("/sync/pull/change-reaches-verdict", &demo, test_pull_change_reaches_verdict);
  add ("/sync/pull/deletions", &demo, test_pull_deletions);
  add ("/sync/pull/arrival", &demo_arriving, test_pull_arrival);
  add ("/sync/pull/quarantine", &demo, test_pull_quarantine);
  add ("/sync/pull/quarantine-unresolved", &demo, test_pull_quarantine_unresolved);
  add ("/sync/pull/interrupted-cancelled", &catalog, test_pull_interrupted_cancelled);
  add ("/sync/pull/interrupted-network", &catalog, test_pull_interrupted_network);
  add ("/sync/pull/interrupted-arrivals", &demo, test_pull_interrupted_arrivals);
  add ("/sync/pull/hospital", &demo_hospital, test_pull_hospital);
  add ("/sync/pull/own-administrations", &demo, test_pull_own_administrations);
  add ("/sync/pull/clock-skew-and-stale", &demo, test_pull_clock_skew_and_stale);

  add ("/sync/push/exactly-once", &plain, test_push_exactly_once);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autoptr(JsonNode) fault = parse_json (fault_cases[i].fault);
      JsonObject *o = json_node_get_object (fault);
      g_autofree char *path = g_strdup_printf ("/sync/fault/%s-%s%s%s",
                                               json_object_get_string_member (o, "kind"),
                                               json_object_get_string_member (o, "method"),
                                               json_object_has_member (o, "status") ? "-" : "",
                                               json_object_has_member (o, "status")
                                               ? json_object_get_string_member (o, "kind") : "");

      if (json_object_has_member (o, "status"))
        {
          g_free (path);
          path = g_strdup_printf ("/sync/fault/status-%" G_GINT64_FORMAT "-%s",
                                  json_object_get_int_member (o, "status"),
                                  json_object_get_string_member (o, "method"));
        }
      add (path, &fault_cases[i].setup, test_push_fault);
    }
  add ("/sync/fault/killed-after-commit", &journaled, test_push_killed_after_commit);
  add ("/sync/fault/killed-before", &journaled, test_push_killed_before);
  add ("/sync/push/refused-parks", &plain, test_push_refused_parks);
  add ("/sync/push/conflict-412", &plain, test_push_conflict);
  add ("/sync/push/audit-event", &plain, test_push_audit_event);
  add ("/sync/push/record-history", &plain, test_push_record_history);

  add ("/sync/tls/wrong-ca", &plain, test_tls_wrong_ca);
  add ("/sync/tls/expired", &expired, test_tls_expired);
  add ("/sync/tls/wrong-host", &wronghost, test_tls_wrong_host);
  add ("/sync/tls/bad-pin", &plain, test_tls_bad_pin);

  add ("/sync/misc/lock-second-sync-busy", &demo, test_lock_second_sync_busy);
  add ("/sync/misc/marctl-sync-status-outbox", &demo, test_marctl_sync_status_outbox);

  return g_test_run ();
}
