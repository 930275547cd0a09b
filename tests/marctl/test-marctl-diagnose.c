/* test-marctl-diagnose.c — marctl diagnose and marctl backup
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without a FHIR server: the database half, the settings and a refused
 * connection. The connection against the real test server is checked in
 * tests/sync/test-diagnose.c.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "marctl-test-util.h"

static void
write_config (MtFixture  *f,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (f->config, text, -1, &error));
  g_assert_no_error (error);
}

static void
test_diagnose_database_only (void)
{
  MtFixture f;
  g_auto(MtRun) run = { 0 };
  JsonObject *o, *db, *counts;

  mt_fixture_set_up (&f);
  mt_demo_ward (&f);
  mt_run (&f, &run, NULL, "diagnose", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  o = mt_object (&run);
  g_assert_true (json_object_get_null_member (o, "connection"));
  db = json_object_get_object_member (o, "database");
  g_assert_true (json_object_get_boolean_member (db, "integrityOk"));
  g_assert_cmpstr (json_object_get_string_member (db, "integrityResult"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (db, "size"), >, 0);
  g_assert_cmpint (json_object_get_int_member (db, "schemaVersion"), >=, 1);
  g_assert_true (json_object_get_null_member (db, "lastBackup"));
  counts = json_object_get_object_member (db, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "patients"), >, 0);
  json_object_unref (o);
  mt_run_clear (&run);

  /* The text form says where it stands. */
  mt_run (&f, &run, NULL, "diagnose", "--full", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "not configured"));
  g_assert_nonnull (strstr (run.out, "integrity_check"));
  mt_fixture_tear_down (&f);
}

static void
test_diagnose_bad_settings_exit_config (void)
{
  MtFixture f;
  g_auto(MtRun) run = { 0 };
  JsonObject *o, *connection;

  mt_fixture_set_up (&f);
  write_config (&f, "[server]\nurl=http://fhir.example.org/r4\n");
  mt_run (&f, &run, NULL, "diagnose", "--json", NULL);
  g_assert_cmpint (run.status, ==, 78);
  o = mt_object (&run);
  connection = json_object_get_object_member (o, "connection");
  g_assert_cmpstr (json_object_get_string_member (connection, "outcome"), ==, "config");
  g_assert_false (json_object_get_boolean_member (connection, "ok"));
  json_object_unref (o);
  mt_fixture_tear_down (&f);
}

static void
test_diagnose_refused_exit_tempfail (void)
{
  MtFixture f;
  g_auto(MtRun) run = { 0 };
  JsonObject *o, *connection;

  mt_fixture_set_up (&f);
  /* Port 1 (tcpmux) listens nowhere here. */
  write_config (&f, "[server]\nurl=https://127.0.0.1:1/fhir\nconnect-timeout=5\n");
  mt_run (&f, &run, NULL, "diagnose", "--json", NULL);
  g_assert_cmpint (run.status, ==, 75);
  o = mt_object (&run);
  connection = json_object_get_object_member (o, "connection");
  g_assert_cmpstr (json_object_get_string_member (connection, "outcome"), ==, "refused");
  g_assert_false (json_object_get_boolean_member (connection, "tlsOk"));
  g_assert_cmpint (json_object_get_int_member (connection, "httpStatus"), ==, 0);
  json_object_unref (o);
  mt_fixture_tear_down (&f);
}

static void
test_backup (void)
{
  MtFixture f;
  g_auto(MtRun) run = { 0 };
  g_autofree char *target = NULL;
  JsonObject *o;

  mt_fixture_set_up (&f);
  mt_demo_ward (&f);
  target = g_build_filename (f.folder, "backup.db", NULL);
  mt_run (&f, &run, NULL, "backup", "--json", target, NULL);
  g_assert_cmpint (run.status, ==, 0);
  o = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (o, "path"), ==, target);
  g_assert_true (json_object_get_boolean_member (o, "verified"));
  g_assert_cmpint (json_object_get_int_member (o, "size"), >, 0);
  json_object_unref (o);
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));
  mt_run_clear (&run);

  /* Noted: diagnose shows it. */
  mt_run (&f, &run, NULL, "diagnose", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  o = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "database"),
                                                  "lastBackupPath"), ==, target);
  json_object_unref (o);
  mt_fixture_tear_down (&f);
}

static void
test_backup_refusals (void)
{
  MtFixture f;
  g_auto(MtRun) run = { 0 };
  g_autofree char *missing = NULL;

  mt_fixture_set_up (&f);
  mt_demo_ward (&f);

  mt_run (&f, &run, NULL, "backup", f.db, NULL);
  g_assert_cmpint (run.status, ==, 64);
  g_assert_nonnull (strstr (run.err, "live database"));
  mt_run_clear (&run);

  missing = g_build_filename (f.folder, "no-such-folder", "backup.db", NULL);
  mt_run (&f, &run, NULL, "backup", missing, NULL);
  g_assert_cmpint (run.status, ==, 73);
  mt_run_clear (&run);

  mt_run (&f, &run, NULL, "backup", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_fixture_tear_down (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/marctl/diagnose/database-only", test_diagnose_database_only);
  g_test_add_func ("/marctl/diagnose/bad-settings-exit-config", test_diagnose_bad_settings_exit_config);
  g_test_add_func ("/marctl/diagnose/refused-exit-tempfail", test_diagnose_refused_exit_tempfail);
  g_test_add_func ("/marctl/backup/copy", test_backup);
  g_test_add_func ("/marctl/backup/refusals", test_backup_refusals);

  return g_test_run ();
}
