/* test-store.c — the terminal's SQLite cache (issue 3, part 1)
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mar-store.h"
#include "store-test-util.h"

typedef struct
{
  char     *folder;
  char     *path;
  MarStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->folder = test_make_folder ();
  f->path = g_build_filename (f->folder, "mar.db", NULL);
  f->store = mar_store_open (f->path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_folder (f->folder);
  g_free (f->folder);
  g_free (f->path);
}

#define TEST_F(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

static MarPatient *
make_patient (const char *id,
              const char *version,
              const char *mrn)
{
  MarPatient *patient = mar_patient_new ();

  patient->id = g_strdup (id);
  patient->version = g_strdup (version);
  patient->mrn = g_strdup (mrn);
  patient->family = g_strdup ("Test");
  patient->given = g_strdup ("Pat");
  return patient;
}

static void
store_patient (MarStore   *store,
               const char *id,
               const char *version,
               const char *mrn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = make_patient (id, version, mrn);

  g_assert_true (mar_store_upsert_patient (store, patient, NULL, NULL, &error));
  g_assert_no_error (error);
}

static MarProduct *
make_product (const char *id,
              const char *gtin,
              const char *ndc)
{
  MarProduct *product = mar_product_new ();
  MarIngredient *ingredient = mar_ingredient_new ();

  product->id = g_strdup (id);
  product->name = g_strdup (id);
  if (gtin != NULL)
    {
      product->gtin = g_strdup (gtin);
      g_ptr_array_add (product->codes, mar_coding_new (MAR_SYSTEM_GTIN, gtin, NULL));
    }
  if (ndc != NULL)
    {
      product->ndc = g_strdup (ndc);
      g_ptr_array_add (product->codes, mar_coding_new (MAR_SYSTEM_NDC, ndc, NULL));
    }
  ingredient->system = g_strdup (MAR_SYSTEM_RXNORM);
  ingredient->code = g_strdup ("11124");
  ingredient->display = g_strdup ("vancomycin");
  mar_quantity_set (&ingredient->strength.numerator, 1, "g");
  mar_quantity_set (&ingredient->strength.denominator, 250, "mL");
  g_ptr_array_add (product->ingredients, ingredient);
  mar_quantity_set (&product->amount.numerator, 250, "mL");
  mar_quantity_set (&product->amount.denominator, 1, "1");
  return product;
}

static void
store_product (MarStore   *store,
               MarProduct *product)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_store_upsert_product (store, product, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* ---- Opening and migrations ---- */

static void
test_open_creates_and_migrates (Fixture       *f,
                                gconstpointer  data)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (mar_store_get_schema_version (f->store), ==, MAR_STORE_SCHEMA_VERSION);
  g_assert_false (mar_store_is_read_only (f->store));
  g_assert_cmpstr (mar_store_get_path (f->store), ==, f->path);

  /* The file itself says WAL and the schema version. */
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, MAR_STORE_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_open_twice (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) second = mar_store_open (f->path, MAR_STORE_OPEN_MUST_EXIST, &error);
  g_autoptr(MarPatient) patient = NULL;

  g_assert_no_error (error);
  store_patient (f->store, "p1", "1", "M1");
  patient = mar_store_find_patient_by_mrn (second, "M1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient->id, ==, "p1");
}

static void
test_open_zero_length_file (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autofree char *path = g_build_filename (folder, "mar.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;

  /* An empty file is a new database (SQLite's rule; `touch mar.db` works). */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  store = mar_store_open (path, MAR_STORE_OPEN_MUST_EXIST, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mar_store_get_schema_version (store), ==, MAR_STORE_SCHEMA_VERSION);
  g_clear_object (&store);
  test_remove_folder (folder);
}

static void
assert_open_fails_unchanged (const char *path,
                             GQuark      domain,
                             int         code,
                             const char *message_part)
{
  g_autoptr(GBytes) before = test_file_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);

  g_assert_null (store);
  g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, message_part));
  g_assert_nonnull (strstr (error->message, path));

  after = test_file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_open_garbage (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autofree char *path = g_build_filename (folder, "mar.db", NULL);
  g_autoptr(GByteArray) garbage = g_byte_array_new ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  for (guint i = 0; i < 8192; i++)
    {
      guint8 byte = (guint8) (i * 7919 + 13);
      g_byte_array_append (garbage, &byte, 1);
    }
  g_assert_true (g_file_set_contents (path, (const char *) garbage->data, garbage->len, NULL));

  assert_open_fails_unchanged (path, MAR_STORE_ERROR, MAR_STORE_ERROR_CORRUPT,
                               "is not a Bedside MAR database");
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  test_remove_folder (folder);
}

static void
test_open_text_file (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autofree char *path = g_build_filename (folder, "mar.db", NULL);

  g_assert_true (g_file_set_contents (path, "{\"resourceType\": \"Bundle\"}\n", -1, NULL));
  assert_open_fails_unchanged (path, MAR_STORE_ERROR, MAR_STORE_ERROR_CORRUPT,
                               "is not a Bedside MAR database");
  test_remove_folder (folder);
}

static void
test_open_truncated (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autofree char *path = g_build_filename (folder, "mar.db", NULL);
  g_autoptr(GBytes) whole = NULL;
  g_autoptr(GError) error = NULL;
  MarStore *store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);

  g_assert_no_error (error);
  g_assert_true (mar_store_begin (store, &error));
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *id = g_strdup_printf ("patient-%u", i);
      g_autofree char *mrn = g_strdup_printf ("MRN%06u", i);
      store_patient (store, id, "1", mrn);
    }
  g_assert_true (mar_store_commit (store, &error));
  g_object_unref (store);  /* the last connection checkpoints the WAL */

  whole = test_file_bytes (path);
  g_assert_cmpuint (g_bytes_get_size (whole), >, 16384);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (whole, NULL),
                                      g_bytes_get_size (whole) / 2, NULL));

  assert_open_fails_unchanged (path, MAR_STORE_ERROR, MAR_STORE_ERROR_CORRUPT, "cut short");
  test_remove_folder (folder);
}

static void
test_open_directory (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = mar_store_open (folder, MAR_STORE_OPEN_DEFAULT, &error);

  g_assert_null (store);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CANT_OPEN);
  g_assert_nonnull (strstr (error->message, "is a folder"));
  test_remove_folder (folder);
}

static void
test_open_missing_folder (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autofree char *path = g_build_filename (folder, "no", "such", "mar.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);

  g_assert_null (store);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CANT_OPEN);
  g_assert_nonnull (strstr (error->message, "check that its folder exists"));
  test_remove_folder (folder);
}

static void
test_open_must_exist (void)
{
  g_autofree char *folder = test_make_folder ();
  g_autofree char *path = g_build_filename (folder, "mar.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = mar_store_open (path, MAR_STORE_OPEN_MUST_EXIST, &error);

  g_assert_null (store);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  store = mar_store_open (path, MAR_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  test_remove_folder (folder);
}

/* A database file this user may not write. root ignores file modes, so
 * the check runs in a subprocess that first becomes "nobody". */
static void
test_open_read_only_file (void)
{
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(GBytes) before = NULL;
      g_autoptr(GBytes) after = NULL;

      path = g_strdup (g_getenv ("MAR_TEST_READ_ONLY_DB"));
      if (geteuid () == 0)
        {
          g_assert_cmpint (setgid (65534), ==, 0);
          g_assert_cmpint (setuid (65534), ==, 0);
        }
      g_assert_cmpint (access (path, W_OK), !=, 0);
      before = test_file_bytes (path);

      store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
      g_assert_null (store);
      g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY);
      g_assert_nonnull (strstr (error->message, "writable by this user"));
      g_clear_error (&error);

      /* Opening it for reading works. */
      store = mar_store_open (path, MAR_STORE_OPEN_READ_ONLY, &error);
      g_assert_no_error (error);
      g_assert_nonnull (store);

      after = test_file_bytes (path);
      g_assert_true (g_bytes_equal (before, after));
      return;
    }

  folder = test_make_folder ();
  path = g_build_filename (folder, "mar.db", NULL);
  store = mar_store_open (path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  store_patient (store, "p1", "1", "M1");
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (folder, 0777), ==, 0);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);

  g_setenv ("MAR_TEST_READ_ONLY_DB", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  test_remove_folder (folder);
}

static void
test_open_read_only_store (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) reader = NULL;
  g_autoptr(MarPatient) patient = NULL;
  g_autoptr(MarPatient) other = make_patient ("p2", "1", "M2");

  store_patient (f->store, "p1", "1", "M1");
  reader = mar_store_open (f->path, MAR_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (mar_store_is_read_only (reader));

  patient = mar_store_find_patient_by_mrn (reader, "M1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient->id, ==, "p1");

  g_assert_false (mar_store_upsert_patient (reader, other, NULL, NULL, &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY);
}

static void
test_open_newer_schema (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autofree char *expected = NULL;

  store_patient (f->store, "p1", "1", "M1");
  g_clear_object (&f->store);
  test_database_exec (f->path, "PRAGMA user_version = 99");
  before = test_file_bytes (f->path);

  store = mar_store_open (f->path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_null (store);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NEWER_SCHEMA);
  expected = g_strdup_printf ("was written by a newer Bedside MAR (schema 99, this one knows %d): "
                              "upgrade the app; nothing was changed",
                              MAR_STORE_SCHEMA_VERSION);
  g_assert_nonnull (strstr (error->message, expected));

  after = test_file_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_open_needs_upgrade_read_only (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;

  g_clear_object (&f->store);
  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));
  store = mar_store_open (f->path, MAR_STORE_OPEN_READ_ONLY, &error);
  g_assert_null (store);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "needs an upgrade"));
}

/* ---- Several processes ---- */

static void
test_busy (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = make_patient ("p1", "1", "M1");
  g_autoptr(MarPatient) found = NULL;
  sqlite3 *other;
  gint64 started, waited;

  /* Another process (the sync service) holds the write lock. */
  g_assert_cmpint (sqlite3_open_v2 (f->path, &other, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  mar_store_set_busy_timeout (f->store, 200);
  started = g_get_monotonic_time ();
  g_assert_false (mar_store_upsert_patient (f->store, patient, NULL, NULL, &error));
  waited = g_get_monotonic_time () - started;
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "in use by another program"));
  g_assert_nonnull (strstr (error->message, "nothing was changed"));
  g_assert_cmpint (waited, >=, 150 * 1000);
  g_assert_false (mar_store_in_transaction (f->store));
  g_clear_error (&error);

  /* Reading is never blocked by a writer (WAL). */
  found = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
  g_assert_true (mar_store_upsert_patient (f->store, patient, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* ---- Versions ---- */

static void
test_upsert_versions (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) v1 = make_patient ("p1", "1", "M1");
  g_autoptr(MarPatient) v2 = make_patient ("p1", "2", "M1");
  g_autoptr(MarPatient) v10 = make_patient ("p1", "10", "M1");
  g_autoptr(MarPatient) read = NULL;
  MarResourceInfo info1 = { 1000, "{\"v\":1}" };
  MarResourceInfo info2 = { 2000, "{\"v\":2}" };
  MarResourceInfo info10 = { 500, "{\"v\":10}" };
  MarStoreChange change;

  g_free (v2->family);
  v2->family = g_strdup ("Second");
  g_free (v10->family);
  v10->family = g_strdup ("Tenth");

  g_assert_true (mar_store_upsert_patient (f->store, v1, &info1, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_CREATED);
  g_assert_true (mar_store_upsert_patient (f->store, v1, &info1, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_UNCHANGED);
  g_assert_true (mar_store_upsert_patient (f->store, v2, &info2, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_UPDATED);
  g_assert_true (mar_store_upsert_patient (f->store, v1, &info1, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_OLDER);

  read = mar_store_get_patient (f->store, "p1", &error);
  g_assert_cmpstr (read->version, ==, "2");
  g_assert_cmpstr (read->family, ==, "Second");
  g_clear_pointer (&read, mar_patient_free);

  /* Numeric versions compare as numbers ("10" > "2"), before lastUpdated. */
  g_assert_true (mar_store_upsert_patient (f->store, v10, &info10, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_UPDATED);
  read = mar_store_get_patient (f->store, "p1", &error);
  g_assert_cmpstr (read->family, ==, "Tenth");
  g_assert_no_error (error);
}

static void
test_upsert_versions_by_last_updated (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) a = make_patient ("p1", "6f1c-aaaa", "M1");
  g_autoptr(MarPatient) b = make_patient ("p1", "0b7f-bbbb", "M1");
  MarResourceInfo info_a = { 2000, "{\"a\":1}" };
  MarResourceInfo info_b = { 1000, "{\"b\":1}" };
  MarStoreChange change;

  /* Medplum-style UUID versions: the server's lastUpdated orders them. */
  g_assert_true (mar_store_upsert_patient (f->store, a, &info_a, &change, &error));
  g_assert_true (mar_store_upsert_patient (f->store, b, &info_b, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_OLDER);
  info_b.last_updated = 3000;
  g_assert_true (mar_store_upsert_patient (f->store, b, &info_b, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_UPDATED);
  g_assert_no_error (error);
}

static void
test_upsert_versions_without_meta (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = make_patient ("p1", NULL, "M1");
  MarResourceInfo first = { MAR_TIME_UNSET, "{\"name\":\"a\"}" };
  MarResourceInfo edited = { MAR_TIME_UNSET, "{\"name\":\"b\"}" };
  MarStoreChange change;

  g_assert_true (mar_store_upsert_patient (f->store, patient, &first, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_CREATED);
  g_assert_true (mar_store_upsert_patient (f->store, patient, &first, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_UNCHANGED);
  g_assert_true (mar_store_upsert_patient (f->store, patient, &edited, &change, &error));
  g_assert_cmpint (change, ==, MAR_STORE_CHANGE_UPDATED);
  g_assert_no_error (error);
}

/* ---- Patients ---- */

static void
test_patient_find (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = make_patient ("p1", "1", "MRN1001");
  MarPatient *found;

  patient->gsrn = g_strdup ("806141411234567896");
  g_ptr_array_add (patient->identifiers, mar_identifier_new ("http://hl7.org/fhir/sid/us-ssn", "999-12-3456", "SS"));
  g_assert_true (mar_store_upsert_patient (f->store, patient, NULL, NULL, &error));

  found = mar_store_find_patient_by_mrn (f->store, "MRN1001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "p1");
  g_assert_cmpuint (found->identifiers->len, ==, 3);
  mar_patient_free (found);

  found = mar_store_find_patient_by_gsrn (f->store, "806141411234567896", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->gsrn, ==, "806141411234567896");
  mar_patient_free (found);

  found = mar_store_find_patient_by_identifier (f->store, "999-12-3456", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "p1");
  mar_patient_free (found);

  /* An MRN is not a GSRN, nor the reverse. */
  g_assert_null (mar_store_find_patient_by_gsrn (f->store, "MRN1001", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (mar_store_find_patient_by_mrn (f->store, "999-12-3456", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_null (mar_store_get_patient (f->store, "nobody", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
}

static void
test_patient_removed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) found = NULL;
  gboolean changed;

  store_patient (f->store, "p1", "1", "M1");
  g_assert_true (mar_store_mark_removed (f->store, "Patient", "p1", &changed, &error));
  g_assert_true (changed);
  g_assert_true (mar_store_mark_removed (f->store, "Patient", "p1", &changed, &error));
  g_assert_false (changed);

  /* A wristband no longer finds the patient; the record still can. */
  g_assert_null (mar_store_find_patient_by_mrn (f->store, "M1", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = mar_store_get_patient (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_true (found->removed);

  g_assert_false (mar_store_mark_removed (f->store, "Group", "p1", NULL, &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
}

static void
test_patient_ambiguous (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) inactive = make_patient ("old", "1", "M1");
  MarPatient *found;

  /* A merged (inactive) record with the same MRN: the active one wins. */
  inactive->active = FALSE;
  g_assert_true (mar_store_upsert_patient (f->store, inactive, NULL, NULL, &error));
  store_patient (f->store, "new", "1", "M1");
  found = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "new");
  mar_patient_free (found);

  /* Two active patients with one MRN: never a guess. */
  store_patient (f->store, "twin", "1", "M1");
  g_assert_null (mar_store_find_patient_by_mrn (f->store, "M1", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS);
  g_assert_nonnull (strstr (error->message, "2 active patients"));
  g_assert_null (strstr (error->message, "M1"));  /* no patient data in messages */
  g_clear_error (&error);

  /* Only an inactive one: found, so the engine can say why it blocks. */
  g_assert_true (mar_store_upsert_patient (f->store, inactive, NULL, NULL, &error));
  g_free (inactive->id);
  inactive->id = g_strdup ("only");
  g_free (inactive->mrn);
  inactive->mrn = g_strdup ("M9");
  g_assert_true (mar_store_upsert_patient (f->store, inactive, NULL, NULL, &error));
  found = mar_store_find_patient_by_mrn (f->store, "M9", &error);
  g_assert_no_error (error);
  g_assert_false (found->active);
  mar_patient_free (found);
}

static void
test_patient_bed_unit_weight (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarLocation) ward = mar_location_new ();
  g_autoptr(MarLocation) room = mar_location_new ();
  g_autoptr(MarLocation) bed = mar_location_new ();
  g_autoptr(MarEncounter) old = mar_encounter_new ();
  g_autoptr(MarEncounter) current = mar_encounter_new ();
  g_autoptr(MarWeight) w1 = mar_weight_new ();
  g_autoptr(MarWeight) w2 = mar_weight_new ();
  g_autoptr(MarWeight) w3 = mar_weight_new ();
  g_autoptr(MarPatient) patient = NULL;
  g_autoptr(MarWeight) latest = NULL;

  store_patient (f->store, "p1", "1", "M1");
  ward->id = g_strdup ("ward");
  ward->name = g_strdup ("4 West");
  ward->physical_type = g_strdup ("wa");
  room->id = g_strdup ("room");
  room->name = g_strdup ("Room 12");
  room->physical_type = g_strdup ("ro");
  room->part_of_id = g_strdup ("ward");
  bed->id = g_strdup ("bed");
  bed->name = g_strdup ("12A");
  bed->physical_type = g_strdup ("bd");
  bed->part_of_id = g_strdup ("room");
  g_assert_true (mar_store_upsert_location (f->store, ward, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_location (f->store, room, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_location (f->store, bed, NULL, NULL, &error));

  old->id = g_strdup ("e0");
  old->patient_id = g_strdup ("p1");
  old->status = g_strdup ("finished");
  old->start = 1000;
  old->location_id = g_strdup ("ward");
  current->id = g_strdup ("e1");
  current->patient_id = g_strdup ("p1");
  current->status = g_strdup ("in-progress");
  current->start = 2000;
  current->location_id = g_strdup ("bed");
  g_assert_true (mar_store_upsert_encounter (f->store, old, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_encounter (f->store, current, NULL, NULL, &error));

  w1->id = g_strdup ("w1");
  w1->patient_id = g_strdup ("p1");
  w1->status = g_strdup ("final");
  mar_quantity_set (&w1->weight, 70, "kg");
  w1->effective = 1000;
  w2->id = g_strdup ("w2");
  w2->patient_id = g_strdup ("p1");
  w2->status = g_strdup ("final");
  mar_quantity_set (&w2->weight, 72.5, "kg");
  w2->effective = 3000;
  /* Newer but entered in error: not the patient's weight. */
  w3->id = g_strdup ("w3");
  w3->patient_id = g_strdup ("p1");
  w3->status = g_strdup ("entered-in-error");
  w3->removed = TRUE;
  mar_quantity_set (&w3->weight, 7.25, "kg");
  w3->effective = 4000;
  g_assert_true (mar_store_upsert_weight (f->store, w1, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_weight (f->store, w2, NULL, NULL, &error));
  g_assert_true (mar_store_upsert_weight (f->store, w3, NULL, NULL, &error));
  g_assert_no_error (error);

  patient = mar_store_get_patient (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patient->encounter_id, ==, "e1");
  g_assert_cmpstr (patient->bed_id, ==, "bed");
  g_assert_cmpstr (patient->bed_name, ==, "12A");
  g_assert_cmpstr (patient->unit_id, ==, "ward");   /* the room is skipped */
  g_assert_cmpstr (patient->unit_name, ==, "4 West");
  g_assert_true (patient->weight.set);
  g_assert_cmpfloat (patient->weight.value, ==, 72.5);
  g_assert_cmpstr (patient->weight.unit, ==, "kg");
  g_assert_cmpint (patient->weight_time, ==, 3000);

  latest = mar_store_get_latest_weight (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (latest->id, ==, "w2");
}

/* ---- Products ---- */

static void
test_product_find_by_gtin (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarProduct) catalog = make_product ("vanco-1g", "304097650521", NULL);
  g_autoptr(MarProduct) contained = make_product ("MedicationDispense/d1#bag", "00302068862027", NULL);
  MarProduct *found;

  contained->catalog = FALSE;
  store_product (f->store, catalog);
  store_product (f->store, contained);

  /* GTIN-12, -13 and -14 forms of one code find one product. */
  for (guint i = 0; i < 3; i++)
    {
      const char *forms[] = { "304097650521", "0304097650521", "00304097650521" };

      found = mar_store_find_product_by_gtin (f->store, forms[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found->id, ==, "vanco-1g");
      g_assert_true (found->catalog);
      g_assert_cmpuint (found->ingredients->len, ==, 1);
      mar_product_free (found);
    }

  /* RULES.md PRODUCT_UNKNOWN: a contained Medication is not a catalog product. */
  g_assert_null (mar_store_find_product_by_gtin (f->store, "00302068862027", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A wrong check digit finds nothing. */
  g_assert_null (mar_store_find_product_by_gtin (f->store, "304097650522", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Two catalog products with one GTIN: the catalog must be fixed. */
  g_free (contained->id);
  contained->id = g_strdup ("vanco-copy");
  g_ptr_array_set_size (contained->codes, 0);
  g_ptr_array_add (contained->codes, mar_coding_new (MAR_SYSTEM_GTIN, "00304097650521", NULL));
  contained->catalog = TRUE;
  store_product (f->store, contained);
  g_assert_null (mar_store_find_product_by_gtin (f->store, "304097650521", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS);
}

static void
test_product_find_by_ndc (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarProduct) a = make_product ("a", NULL, "0338-0048-04");
  g_autoptr(MarProduct) b = make_product ("b", NULL, "68083-595-10");
  g_autoptr(MarProduct) c = make_product ("c", NULL, "51144-050-01");
  struct { const char *query; const char *id; } cases[] = {
    { "0338-0048-04", "a" }, { "0338004804", "a" },
    { "68083-595-10", "b" }, { "6808359510", "b" }, { "68083-0595-10", "b" },
    { "5114405001", "c" },
  };
  MarProduct *found;

  store_product (f->store, a);
  store_product (f->store, b);
  store_product (f->store, c);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      found = mar_store_find_product_by_ndc (f->store, cases[i].query, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (found->id, ==, cases[i].id);
      mar_product_free (found);
    }

  /* An 11-digit NDC that does not say which zero is padding: 51144-0050-01
   * may be 51144-050-01 or 51144-0050-1; unhyphenated, none says. */
  g_assert_null (mar_store_find_product_by_ndc (f->store, "51144-0050-01", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (mar_store_find_product_by_ndc (f->store, "00338004804", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (mar_store_find_product_by_ndc (f->store, "2501-813-16", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
}

static void
test_product_removed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarProduct) product = make_product ("p", "304097650521", NULL);
  g_autoptr(MarProduct) found = NULL;

  store_product (f->store, product);
  g_assert_true (mar_store_mark_removed (f->store, "Medication", "p", NULL, &error));
  g_assert_null (mar_store_find_product_by_gtin (f->store, "304097650521", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  found = mar_store_get_product (f->store, "p", &error);
  g_assert_no_error (error);
  g_assert_true (found->removed);
}

/* ---- Orders ---- */

static MarOrder *
make_order (const char *id,
            const char *patient_id,
            const char *product_id)
{
  MarOrder *order = mar_order_new ();
  gint64 event = 1795348800;
  int time_of_day = 8 * 3600;

  order->id = g_strdup (id);
  order->version = g_strdup ("1");
  order->status = MAR_ORDER_STATUS_ACTIVE;
  order->intent = g_strdup ("order");
  order->patient_id = g_strdup (patient_id);
  order->authored_on = 1795300000;
  if (product_id != NULL)
    order->medication_product_id = g_strdup (product_id);
  else
    g_ptr_array_add (order->medication_codes, mar_coding_new (MAR_SYSTEM_RXNORM, "2193", "ceftriaxone"));
  order->route_system = g_strdup (MAR_SYSTEM_SNOMED);
  order->route_code = g_strdup ("47625008");
  order->frequency = 1;
  order->period = 12;
  g_strlcpy (order->period_unit, "h", sizeof order->period_unit);
  g_array_append_val (order->events, event);
  g_array_append_val (order->times_of_day, time_of_day);
  mar_quantity_set (&order->dose, 1, "g");
  mar_quantity_set (&order->rate, 250, "mL/h");
  return order;
}

static void
test_orders_list (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarProduct) product = make_product ("vanco", "304097650521", NULL);
  g_autoptr(GPtrArray) orders = NULL;
  g_autoptr(GPtrArray) products = NULL;
  g_autoptr(MarOrder) single = NULL;

  store_patient (f->store, "p1", "1", "M1");
  store_patient (f->store, "p2", "1", "M2");
  store_product (f->store, product);

  g_assert_true (mar_store_begin (f->store, &error));
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *id = g_strdup_printf ("o%02u", i);
      g_autoptr(MarOrder) order = make_order (id, i < 19 ? "p1" : "p2", i % 2 == 0 ? "vanco" : NULL);

      if (i == 3)
        order->status = MAR_ORDER_STATUS_STOPPED;
      if (i == 5)
        order->removed = TRUE;
      g_assert_true (mar_store_upsert_order (f->store, order, NULL, NULL, &error));
    }
  g_assert_true (mar_store_commit (f->store, &error));
  g_assert_no_error (error);

  orders = mar_store_list_orders (f->store, "p1", &error);
  g_assert_no_error (error);
  /* All statuses, not the removed one, not another patient's. */
  g_assert_cmpuint (orders->len, ==, 18);
  for (guint i = 0; i < orders->len; i++)
    {
      const MarOrder *order = g_ptr_array_index (orders, i);
      const MarCoding *code = g_ptr_array_index (order->medication_codes, 0);
      guint number = atoi (order->id + 1);

      g_assert_cmpstr (order->patient_id, ==, "p1");
      g_assert_cmpuint (order->events->len, ==, 1);
      g_assert_cmpint (g_array_index (order->events, gint64, 0), ==, 1795348800);
      g_assert_cmpuint (order->times_of_day->len, ==, 1);
      g_assert_cmpint (g_array_index (order->times_of_day, int, 0), ==, 8 * 3600);
      g_assert_cmpstr (order->period_unit, ==, "h");
      g_assert_cmpfloat (order->dose.value, ==, 1);
      g_assert_cmpint (order->status, ==, number == 3 ? MAR_ORDER_STATUS_STOPPED : MAR_ORDER_STATUS_ACTIVE);
      if (number % 2 == 0)
        {
          /* A referenced Medication gives codes and ingredients. */
          g_assert_cmpstr (order->medication_product_id, ==, "vanco");
          g_assert_cmpstr (code->system, ==, MAR_SYSTEM_GTIN);
          g_assert_cmpuint (order->ingredients->len, ==, 1);
          g_assert_cmpstr (((MarIngredient *) g_ptr_array_index (order->ingredients, 0))->code, ==, "11124");
        }
      else
        {
          g_assert_null (order->medication_product_id);
          g_assert_cmpuint (order->medication_codes->len, ==, 1);
          g_assert_cmpstr (code->code, ==, "2193");
          g_assert_cmpuint (order->ingredients->len, ==, 0);
        }
    }

  products = mar_store_list_order_products (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (products->len, ==, 1);
  g_assert_cmpstr (((MarProduct *) g_ptr_array_index (products, 0))->id, ==, "vanco");

  single = mar_store_get_order (f->store, "o05", &error);
  g_assert_no_error (error);
  g_assert_true (single->removed);
}

static void
test_orders_foreign_keys (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarOrder) order = make_order ("o1", "nobody", NULL);
  g_autoptr(GPtrArray) orders = NULL;

  /* The schema itself refuses an order of a patient it does not hold. */
  g_assert_false (mar_store_upsert_order (f->store, order, NULL, NULL, &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_CONSTRAINT);
  g_assert_false (mar_store_in_transaction (f->store));
  g_clear_error (&error);

  orders = mar_store_list_orders (f->store, "nobody", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (orders->len, ==, 0);
}

/* ---- Administrations ---- */

static void
store_administration (MarStore   *store,
                      const char *id,
                      const char *status,
                      gint64      start,
                      gint64      end,
                      const char *bag)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarAdministration) administration = mar_administration_new ();

  administration->id = g_strdup (id);
  administration->source = g_strdup ("test");
  administration->patient_id = g_strdup ("p1");
  administration->status = g_strdup (status);
  administration->start = start;
  administration->end = end;
  administration->bag_id = g_strdup (bag);
  administration->removed = g_strcmp0 (status, "entered-in-error") == 0;
  mar_quantity_set (&administration->rate, 125, "mL/h");
  g_assert_true (mar_store_upsert_administration (store, administration, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_administrations (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) by_bag = NULL;
  const gint64 since = 100000;

  store_patient (f->store, "p1", "1", "M1");
  store_administration (f->store, "old-done", "completed", 1000, 2000, "BAG-1");
  store_administration (f->store, "old-running", "in-progress", 1000, MAR_TIME_UNSET, "BAG-2");
  store_administration (f->store, "old-paused", "on-hold", 1500, MAR_TIME_UNSET, NULL);
  store_administration (f->store, "spans", "completed", 90000, 110000, NULL);
  store_administration (f->store, "recent", "completed", 120000, 121000, "BAG-1");
  store_administration (f->store, "error", "entered-in-error", 130000, 131000, "BAG-1");

  list = mar_store_list_administrations (f->store, "p1", since, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpstr (((MarAdministration *) g_ptr_array_index (list, 0))->id, ==, "old-running");
  g_assert_cmpstr (((MarAdministration *) g_ptr_array_index (list, 1))->id, ==, "old-paused");
  g_assert_cmpstr (((MarAdministration *) g_ptr_array_index (list, 2))->id, ==, "spans");
  g_assert_cmpstr (((MarAdministration *) g_ptr_array_index (list, 3))->id, ==, "recent");
  g_assert_cmpfloat (((MarAdministration *) g_ptr_array_index (list, 3))->rate.value, ==, 125);

  /* RULES.md BAG_ALREADY_USED: every use of the bag, not the one in error. */
  by_bag = mar_store_list_administrations_by_bag (f->store, "BAG-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_bag->len, ==, 2);
}

/* ---- Dispenses, allergies, staff ---- */

static void
test_dispense_by_label (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDispense) dispense = mar_dispense_new ();
  g_autoptr(MarDispense) found = NULL;

  store_patient (f->store, "p1", "1", "M1");
  dispense->id = g_strdup ("d1");
  dispense->label = g_strdup ("PL-1");
  dispense->status = g_strdup ("completed");
  dispense->patient_id = g_strdup ("p1");
  dispense->order_id = g_strdup ("an-order-not-pulled");
  dispense->beyond_use = g_strdup ("2026-11-23");
  dispense->when_prepared = 1795300000;
  mar_quantity_set (&dispense->quantity, 100, "mL");
  g_assert_true (mar_store_upsert_dispense (f->store, dispense, NULL, NULL, &error));
  g_assert_no_error (error);

  found = mar_store_find_dispense_by_label (f->store, "PL-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->id, ==, "d1");
  g_assert_cmpstr (found->order_id, ==, "an-order-not-pulled");
  g_assert_cmpstr (found->beyond_use, ==, "2026-11-23");
  g_assert_cmpint (found->when_prepared, ==, 1795300000);
  g_assert_cmpfloat (found->quantity.value, ==, 100);
  g_clear_pointer (&found, mar_dispense_free);

  g_free (dispense->id);
  dispense->id = g_strdup ("d2");
  g_assert_true (mar_store_upsert_dispense (f->store, dispense, NULL, NULL, &error));
  g_assert_null (mar_store_find_dispense_by_label (f->store, "PL-1", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_AMBIGUOUS);
}

static void
test_allergies (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const MarAllergy *read;

  store_patient (f->store, "p1", "1", "M1");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(MarAllergy) allergy = mar_allergy_new ();

      allergy->id = g_strdup_printf ("a%u", i);
      allergy->patient_id = g_strdup ("p1");
      allergy->clinical_status = g_strdup ("active");
      allergy->verification_status = g_strdup (i == 2 ? "entered-in-error" : "confirmed");
      allergy->removed = i == 2;
      allergy->criticality = g_strdup ("high");
      allergy->text = g_strdup ("Penicillin");
      g_ptr_array_add (allergy->codings, mar_coding_new (MAR_SYSTEM_RXNORM, "7980", "penicillin G"));
      g_ptr_array_add (allergy->codings, mar_coding_new (MAR_SYSTEM_SNOMED, "373270004", NULL));
      g_assert_true (mar_store_upsert_allergy (f->store, allergy, NULL, NULL, &error));
    }
  g_assert_no_error (error);

  list = mar_store_list_allergies (f->store, "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  read = g_ptr_array_index (list, 0);
  g_assert_cmpuint (read->codings->len, ==, 2);
  g_assert_cmpstr (((MarCoding *) g_ptr_array_index (read->codings, 1))->code, ==, "373270004");
  g_assert_cmpstr (read->criticality, ==, "high");
}

static void
store_role (MarStore   *store,
            const char *id,
            const char *staff_id,
            const char *system,
            const char *code,
            gboolean    active)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStaffRole) role = mar_staff_role_new ();

  role->id = g_strdup (id);
  role->staff_id = g_strdup (staff_id);
  role->active = active;
  g_ptr_array_add (role->codes, mar_coding_new (system, code, NULL));
  g_assert_true (mar_store_upsert_staff_role (store, role, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_staff (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStaff) staff = mar_staff_new ();
  MarStaff *found;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  staff->id = g_strdup ("n1");
  staff->version = g_strdup ("1");
  staff->badge = g_strdup ("B1001");
  staff->name = g_strdup ("Jordan Lee");
  g_assert_true (mar_store_upsert_staff (f->store, staff, NULL, NULL, &error));
  store_role (f->store, "r1", "n1", "http://terminology.hl7.org/CodeSystem/practitioner-role", "nurse", TRUE);
  store_role (f->store, "r2", "n1", "urn:bedside-mar:role", "charge", FALSE);

  found = mar_store_find_staff_by_badge (f->store, "B1001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->name, ==, "Jordan Lee");
  g_assert_cmpint (found->role, ==, MAR_ROLE_NURSE);  /* the charge role is inactive */
  g_assert_true (found->active);
  mar_staff_free (found);

  /* The terminal's PIN columns survive a newer Practitioner from the server. */
  test_database_exec (f->path,
                      "UPDATE staff SET pin_hash = '$argon2id$x', failed_pin_count = 3, "
                      "locked_until = 42 WHERE id = 'n1'");
  g_free (staff->version);
  staff->version = g_strdup ("2");
  staff->active = FALSE;
  g_assert_true (mar_store_upsert_staff (f->store, staff, NULL, NULL, &error));
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pin_hash, failed_pin_count, locked_until, active "
                                       "FROM staff WHERE id = 'n1'", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "$argon2id$x");
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 3);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 42);
  g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* The role mapping is a setting IT may change. */
  store_role (f->store, "r3", "n1", "http://snomed.info/sct", "224535009", TRUE);
  g_assert_true (mar_store_set_setting (f->store, MAR_STORE_SETTING_ROLE_CODES,
                                        "{\"charge\": [\"http://snomed.info/sct|224535009\"]}", &error));
  found = mar_store_get_staff (f->store, "n1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->role, ==, MAR_ROLE_CHARGE_NURSE);
  g_assert_false (found->active);
  mar_staff_free (found);

  g_assert_null (mar_store_find_staff_by_badge (f->store, "B9999", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
}

/* ---- Settings and sync bookkeeping ---- */

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_null (mar_store_dup_setting (f->store, "drug-library", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (mar_store_set_setting (f->store, "drug-library", "{\"version\": 1}", &error));
  g_assert_true (mar_store_set_setting (f->store, "drug-library", "{\"version\": 2}", &error));
  value = mar_store_dup_setting (f->store, "drug-library", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "{\"version\": 2}");
}

static void
test_sync_bookkeeping (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *watermark = NULL;
  gint64 when;

  g_assert_true (mar_store_get_last_sync (f->store, &when, &error));
  g_assert_cmpint (when, ==, MAR_TIME_UNSET);
  g_assert_true (mar_store_get_last_import (f->store, &when, &error));
  g_assert_cmpint (when, ==, MAR_TIME_UNSET);

  g_assert_true (mar_store_set_last_sync (f->store, 1000, &error));
  g_assert_true (mar_store_get_last_sync (f->store, &when, &error));
  g_assert_cmpint (when, ==, 1000);
  g_assert_true (mar_store_record_import (f->store, 2000, &error));
  g_assert_true (mar_store_get_last_sync (f->store, &when, &error));
  g_assert_cmpint (when, ==, 2000);
  g_assert_true (mar_store_get_last_import (f->store, &when, &error));
  g_assert_cmpint (when, ==, 2000);

  g_assert_null (mar_store_dup_watermark (f->store, "Patient", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (mar_store_set_watermark (f->store, "Patient", "2026-11-22T08:00:00.123Z", &error));
  watermark = mar_store_dup_watermark (f->store, "Patient", &error);
  g_assert_cmpstr (watermark, ==, "2026-11-22T08:00:00.123Z");
  g_assert_no_error (error);
}

static void
test_quarantine (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(MarOrder) order = make_order ("o1", "p1", NULL);
  MarPatient *patient;

  store_patient (f->store, "p1", "1", "M1");
  g_assert_true (mar_store_quarantine (f->store, "MedicationRequest", "o1", "7", "p1",
                                       "MedicationRequest/o1: status: \"unknown\" is not one of ...",
                                       "{}", 5000, &error));
  patient = mar_store_get_patient (f->store, "p1", &error);
  g_assert_true (patient->data_rejected);
  mar_patient_free (patient);

  entries = mar_store_list_quarantined (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((MarQuarantined *) g_ptr_array_index (entries, 0))->resource_id, ==, "o1");

  /* A good version of the resource lifts the quarantine. */
  g_assert_true (mar_store_upsert_order (f->store, order, NULL, NULL, &error));
  patient = mar_store_get_patient (f->store, "p1", &error);
  g_assert_false (patient->data_rejected);
  mar_patient_free (patient);

  g_assert_true (mar_store_set_patient_data_incomplete (f->store, "p1", TRUE, &error));
  patient = mar_store_get_patient (f->store, "p1", &error);
  g_assert_true (patient->data_incomplete);
  mar_patient_free (patient);
  g_assert_no_error (error);
}

/* ---- Transactions ---- */

static void
test_transaction_rollback (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) found = NULL;

  g_assert_true (mar_store_begin (f->store, &error));
  store_patient (f->store, "p1", "1", "M1");

  /* A nested change rolled back alone. */
  g_assert_true (mar_store_begin (f->store, &error));
  store_patient (f->store, "p2", "1", "M2");
  mar_store_rollback (f->store);
  g_assert_true (mar_store_in_transaction (f->store));

  g_assert_true (mar_store_commit (f->store, &error));
  g_assert_false (mar_store_in_transaction (f->store));

  found = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_no_error (error);
  g_assert_null (mar_store_find_patient_by_mrn (f->store, "M2", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mar_store_begin (f->store, &error));
  store_patient (f->store, "p3", "1", "M3");
  mar_store_rollback (f->store);
  g_assert_null (mar_store_find_patient_by_mrn (f->store, "M3", &error));
  g_assert_error (error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND);
}

/* The facts of one verification come from one snapshot, whatever another
 * process writes meanwhile. */
static void
test_read_snapshot (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) before = NULL;
  g_autoptr(MarPatient) after = NULL;

  store_patient (f->store, "p1", "1", "M1");
  g_assert_true (mar_store_begin_read (f->store, &error));
  before = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_no_error (error);

  /* The sync service renames the patient meanwhile. */
  test_database_exec (f->path, "UPDATE patients SET family = 'Renamed' WHERE id = 'p1'");
  g_clear_pointer (&before, mar_patient_free);
  before = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_cmpstr (before->family, ==, "Test");
  g_assert_true (mar_store_commit (f->store, &error));

  after = mar_store_find_patient_by_mrn (f->store, "M1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after->family, ==, "Renamed");
}

static void
test_resource_json (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarPatient) patient = make_patient ("p1", "1", "M1");
  MarResourceInfo info = { 1795300000, "{\"resourceType\":\"Patient\",\"id\":\"p1\"}" };
  g_autofree char *json = NULL;
  gboolean exists;

  g_assert_true (mar_store_upsert_patient (f->store, patient, &info, NULL, &error));
  json = mar_store_dup_resource_json (f->store, "Patient", "p1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, info.json);
  g_assert_true (mar_store_has_resource (f->store, "Patient", "p1", &exists, &error));
  g_assert_true (exists);
  g_assert_true (mar_store_has_resource (f->store, "Medication", "p1", &exists, &error));
  g_assert_false (exists);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  /* Each fixture makes its own folder (g_dir_make_tmp); not
   * G_TEST_OPTION_ISOLATE_DIRS, whose g_set_user_dirs() leaks in GLib 2.74
   * and would fail the AddressSanitizer run. */
  g_test_init (&argc, &argv, NULL);

  TEST_F ("/core/store/open/creates-and-migrates", test_open_creates_and_migrates);
  TEST_F ("/core/store/open/twice", test_open_twice);
  g_test_add_func ("/core/store/open/zero-length-file", test_open_zero_length_file);
  g_test_add_func ("/core/store/open/garbage", test_open_garbage);
  g_test_add_func ("/core/store/open/text-file", test_open_text_file);
  g_test_add_func ("/core/store/open/truncated", test_open_truncated);
  g_test_add_func ("/core/store/open/directory", test_open_directory);
  g_test_add_func ("/core/store/open/missing-folder", test_open_missing_folder);
  g_test_add_func ("/core/store/open/must-exist", test_open_must_exist);
  g_test_add_func ("/core/store/open/read-only-file", test_open_read_only_file);
  TEST_F ("/core/store/open/read-only-store", test_open_read_only_store);
  TEST_F ("/core/store/open/newer-schema", test_open_newer_schema);
  TEST_F ("/core/store/open/needs-upgrade-read-only", test_open_needs_upgrade_read_only);
  TEST_F ("/core/store/busy", test_busy);
  TEST_F ("/core/store/upsert/versions", test_upsert_versions);
  TEST_F ("/core/store/upsert/versions-by-last-updated", test_upsert_versions_by_last_updated);
  TEST_F ("/core/store/upsert/versions-without-meta", test_upsert_versions_without_meta);
  TEST_F ("/core/store/patient/find", test_patient_find);
  TEST_F ("/core/store/patient/removed", test_patient_removed);
  TEST_F ("/core/store/patient/ambiguous", test_patient_ambiguous);
  TEST_F ("/core/store/patient/bed-unit-weight", test_patient_bed_unit_weight);
  TEST_F ("/core/store/product/find-by-gtin", test_product_find_by_gtin);
  TEST_F ("/core/store/product/find-by-ndc", test_product_find_by_ndc);
  TEST_F ("/core/store/product/removed", test_product_removed);
  TEST_F ("/core/store/orders/list", test_orders_list);
  TEST_F ("/core/store/orders/foreign-keys", test_orders_foreign_keys);
  TEST_F ("/core/store/administrations", test_administrations);
  TEST_F ("/core/store/dispense/by-label", test_dispense_by_label);
  TEST_F ("/core/store/allergies", test_allergies);
  TEST_F ("/core/store/staff", test_staff);
  TEST_F ("/core/store/settings", test_settings);
  TEST_F ("/core/store/sync-bookkeeping", test_sync_bookkeeping);
  TEST_F ("/core/store/quarantine", test_quarantine);
  TEST_F ("/core/store/transaction/rollback", test_transaction_rollback);
  TEST_F ("/core/store/resource-json", test_resource_json);
  TEST_F ("/core/store/read-snapshot", test_read_snapshot);

  return g_test_run ();
}
