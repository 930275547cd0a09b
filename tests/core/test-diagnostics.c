/* test-diagnostics.c — database health, backup and configuration writing
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection test runs against the real FHIR server in tests/sync
 * (test-diagnose.c); what it makes of a CapabilityStatement is checked here.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mar-diagnostics.h"
#include "mar-fhir-import.h"
#include "mar-store.h"
#include "store-test-util.h"

typedef struct
{
  char     *folder;
  char     *db_path;
  MarStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                   "demo-ward.json", NULL);
  MarFhirImportOptions options = { 0 };

  f->folder = test_make_folder ();
  f->db_path = g_build_filename (f->folder, "mar.db", NULL);
  f->store = mar_store_open (f->db_path, MAR_STORE_OPEN_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_true (mar_fhir_import_file (f->store, bundle, &options, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  test_remove_folder (f->folder);
  g_free (f->folder);
  g_free (f->db_path);
}

static gint64
count_of (const MarDatabaseHealth *health,
          const char              *name)
{
  for (guint i = 0; i < health->counts->len; i++)
    {
      const MarDatabaseCount *count = &g_array_index (health->counts, MarDatabaseCount, i);

      if (g_str_equal (count->name, name))
        return count->count;
    }
  g_assert_not_reached ();
  return -1;
}

static guint
count_files (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* ------------------------------------------------------------------------ */
/* Database health                                                          */

static void
test_health_sizes_counts (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDatabaseHealth) health = mar_diagnostics_check_database (f->store, MAR_INTEGRITY_NONE,
                                                                        &error);

  g_assert_no_error (error);
  g_assert_cmpstr (health->path, ==, f->db_path);
  g_assert_cmpint (health->size, >, 0);
  g_assert_cmpint (health->schema_version, ==, MAR_STORE_SCHEMA_VERSION);
  g_assert_cmpint (health->checked, ==, MAR_INTEGRITY_NONE);
  g_assert_cmpint (health->last_backup, ==, 0);
  g_assert_null (health->last_backup_path);
  /* The demo ward: 12 patients' worth of cache. */
  g_assert_cmpint (count_of (health, "patients"), >, 0);
  g_assert_cmpint (count_of (health, "orders"), >, 0);
  g_assert_cmpint (count_of (health, "products"), >, 0);
  g_assert_cmpint (count_of (health, "outbox"), ==, 0);
}

static void
test_health_quick_and_full_check (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDatabaseHealth) quick = NULL;
  g_autoptr(MarDatabaseHealth) full = NULL;

  quick = mar_diagnostics_check_database (f->store, MAR_INTEGRITY_QUICK, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quick->checked, ==, MAR_INTEGRITY_QUICK);
  g_assert_true (quick->integrity_ok);
  g_assert_cmpstr (quick->integrity_result, ==, "ok");

  full = mar_diagnostics_check_database (f->store, MAR_INTEGRITY_FULL, &error);
  g_assert_no_error (error);
  g_assert_true (full->integrity_ok);
  g_assert_cmpstr (full->integrity_result, ==, "ok");
}

/* ------------------------------------------------------------------------ */
/* Backup                                                                   */

static void
test_backup_copy_verified_and_noted (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (f->folder, "backup.db", NULL);
  g_autofree char *digest_live = NULL;
  g_autofree char *digest_copy = NULL;
  g_autoptr(MarDatabaseHealth) health = NULL;
  g_autofree char *wal = g_strconcat (target, "-wal", NULL);
  gint64 size = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint rows_live = 0, rows_copy = 0;
  GStatBuf st;

  g_assert_true (mar_diagnostics_backup (f->store, target, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpint (size, >, 0);

  /* A whole, self-contained copy: same rows, no WAL beside it, private. */
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, size);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (mar_diagnostics_check_file (target, MAR_INTEGRITY_FULL, &error));
  g_assert_no_error (error);

  /* Noted in the store before the digest (the setting is a row). */
  health = mar_diagnostics_check_database (f->store, MAR_INTEGRITY_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (health->last_backup - now), <=, 5);
  g_assert_cmpstr (health->last_backup_path, ==, target);

  /* Then a second backup over the first: replaced, and equal to the live one. */
  g_assert_true (mar_diagnostics_backup (f->store, target, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);
  digest_live = test_database_digest (f->db_path, &rows_live);
  digest_copy = test_database_digest (target, &rows_copy);
  g_assert_cmpuint (rows_live, >, 100);
  g_assert_cmpuint (rows_copy, ==, rows_live);
  g_assert_cmpstr (digest_copy, ==, digest_live);
}

static void
test_backup_refuses_live_database (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autofree char *spelled = g_build_filename (f->folder, ".", "mar.db", NULL);
  g_autofree char *hard_link = g_build_filename (f->folder, "link.db", NULL);
  g_autoptr(GBytes) before = test_file_bytes (f->db_path);
  g_autoptr(GBytes) after = NULL;

  g_assert_false (mar_diagnostics_backup (f->store, f->db_path, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE);
  g_clear_error (&error);
  g_assert_false (mar_diagnostics_backup (f->store, spelled, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE);
  g_clear_error (&error);
  g_assert_false (mar_diagnostics_backup (f->store, wal, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE);
  g_clear_error (&error);
  g_assert_cmpint (link (f->db_path, hard_link), ==, 0);
  g_assert_false (mar_diagnostics_backup (f->store, hard_link, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_LIVE_DATABASE);
  g_unlink (hard_link);

  after = test_file_bytes (f->db_path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_backup_unwritable_target (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *locked = g_build_filename (f->folder, "locked", NULL);
  g_autofree char *target = g_build_filename (locked, "backup.db", NULL);
  g_autofree char *missing = g_build_filename (f->folder, "no-such-folder", "backup.db", NULL);
  g_autofree char *plain = g_build_filename (f->folder, "plain-file", NULL);
  g_autofree char *under_file = g_build_filename (plain, "backup.db", NULL);

  /* A folder without write permission (root writes anywhere: then the
   * other cases below stand for it). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
      g_assert_false (mar_diagnostics_backup (f->store, target, NULL, &error));
      g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_WRITE);
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      g_assert_cmpuint (count_files (locked), ==, 0);
      g_chmod (locked, 0700);
    }

  /* No such folder. */
  g_assert_false (mar_diagnostics_backup (f->store, missing, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_WRITE);
  g_clear_error (&error);

  /* A "folder" that is a file (ENOTDIR, whoever runs it). */
  g_assert_true (g_file_set_contents (plain, "not a folder", -1, NULL));
  g_assert_false (mar_diagnostics_backup (f->store, under_file, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_WRITE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* The target is a folder. */
  g_assert_false (mar_diagnostics_backup (f->store, f->folder, NULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_WRITE);
}

/* A disk that fills up mid-copy: the file size limit (RLIMIT_FSIZE) makes
 * write() fail with EFBIG as a full disk fails with ENOSPC. The old backup
 * must stay as it was and no partial file may be left. */
static void
test_backup_disk_full_keeps_old_backup (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backups = g_build_filename (f->folder, "backups", NULL);
  g_autofree char *target = g_build_filename (backups, "backup.db", NULL);
  g_autoptr(GBytes) old_bytes = NULL;
  g_autoptr(GBytes) after = NULL;
  struct rlimit saved, limited;
  void (*saved_handler) (int);
  gboolean ok;

  g_assert_cmpint (g_mkdir (backups, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, "the previous backup", -1, &error));
  old_bytes = test_file_bytes (target);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limited = saved;
  limited.rlim_cur = 48 * 1024;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
  ok = mar_diagnostics_backup (f->store, target, NULL, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, saved_handler);

  g_assert_false (ok);
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_FULL);
  g_test_message ("%s", error->message);
  after = test_file_bytes (target);
  g_assert_true (g_bytes_equal (old_bytes, after));
  g_assert_cmpuint (count_files (backups), ==, 1);
}

/* A damaged copy is found out by the integrity check, never taken as good. */
static void
test_integrity_corrupted_copy (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_build_filename (f->folder, "backup.db", NULL);
  g_autofree char *garbage = g_build_filename (f->folder, "garbage.db", NULL);
  char noise[4096];
  int fd;

  g_assert_true (mar_diagnostics_backup (f->store, target, NULL, &error));
  g_assert_no_error (error);

  /* Overwrite pages 3 and 4 (table and index b-tree pages) with noise. */
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char) (i * 7 + 13);
  fd = g_open (target, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, noise, sizeof noise, 2 * 4096), ==, sizeof noise);
  g_assert_cmpint (pwrite (fd, noise, sizeof noise, 3 * 4096), ==, sizeof noise);
  close (fd);

  g_assert_false (mar_diagnostics_check_file (target, MAR_INTEGRITY_QUICK, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (mar_diagnostics_check_file (target, MAR_INTEGRITY_FULL, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Not a database at all. */
  g_assert_true (g_file_set_contents (garbage, "this is not SQLite, just text long enough to be a "
                                      "header of a file that claims nothing", -1, NULL));
  g_assert_false (mar_diagnostics_check_file (garbage, MAR_INTEGRITY_QUICK, &error));
  g_assert_error (error, MAR_DIAGNOSTICS_ERROR, MAR_DIAGNOSTICS_ERROR_CORRUPT);
}

/* ------------------------------------------------------------------------ */
/* CapabilityStatement                                                      */

static JsonNode *
statement_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static gboolean
missing_has (GPtrArray  *missing,
             const char *text)
{
  for (guint i = 0; i < missing->len; i++)
    if (g_str_equal (g_ptr_array_index (missing, i), text))
      return TRUE;
  return FALSE;
}

static void
test_capability_missing (void)
{
  g_autoptr(JsonNode) partial = statement_from (
    "{\"resourceType\":\"CapabilityStatement\",\"fhirVersion\":\"4.0.1\",\"rest\":[{\"mode\":\"server\","
    "\"resource\":[{\"type\":\"Patient\",\"interaction\":[{\"code\":\"read\"},{\"code\":\"search-type\"}]},"
    "{\"type\":\"MedicationAdministration\",\"interaction\":[{\"code\":\"search-type\"},"
    "{\"code\":\"history-type\"},{\"code\":\"create\"}]}]}]}");
  g_autoptr(JsonNode) empty = statement_from ("{\"resourceType\":\"CapabilityStatement\"}");
  g_autoptr(GPtrArray) missing = mar_diagnostics_capability_missing (partial);
  g_autoptr(GPtrArray) all = mar_diagnostics_capability_missing (empty);

  g_assert_true (missing_has (missing, "Patient: history-type"));
  g_assert_false (missing_has (missing, "Patient: search-type"));
  g_assert_true (missing_has (missing, "MedicationAdministration: update"));
  g_assert_true (missing_has (missing, "MedicationAdministration: conditionalCreate (If-None-Exist)"));
  g_assert_false (missing_has (missing, "MedicationAdministration: create"));
  g_assert_true (missing_has (missing, "AdverseEvent: not supported"));
  g_assert_true (missing_has (missing, "AuditEvent: not supported"));
  /* Thirteen types, none declared. */
  g_assert_cmpuint (all->len, ==, 13);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/diagnostics/health/sizes-and-counts", test_health_sizes_counts);
  ADD ("/core/diagnostics/health/quick-and-full-check", test_health_quick_and_full_check);
  ADD ("/core/diagnostics/backup/copy-verified-and-noted", test_backup_copy_verified_and_noted);
  ADD ("/core/diagnostics/backup/refuses-live-database", test_backup_refuses_live_database);
  ADD ("/core/diagnostics/backup/unwritable-target", test_backup_unwritable_target);
  ADD ("/core/diagnostics/backup/disk-full-keeps-old-backup", test_backup_disk_full_keeps_old_backup);
  ADD ("/core/diagnostics/integrity/corrupted-copy", test_integrity_corrupted_copy);
#undef ADD
  g_test_add_func ("/core/diagnostics/capability/missing", test_capability_missing);

  return g_test_run ();
}
