/* test-config.c — checking and saving the terminal's configuration
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What IT changes on the IT screen (or a script with marctl) reaches the
 * file atomically, keeps the file's comments, loads again, and never
 * leaves a secret readable by every user (mar-config.h).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mar-config.h"
#include "store-test-util.h"

typedef struct
{
  char *folder;
  char *path;
  char *ca;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->folder = test_make_folder ();
  f->path = g_build_filename (f->folder, "bedside-mar.conf", NULL);
  f->ca = g_build_filename (f->folder, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (f->ca, "-----BEGIN CERTIFICATE-----\n", -1, NULL));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  test_remove_folder (f->folder);
  g_free (f->folder);
  g_free (f->path);
  g_free (f->ca);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static void
assert_invalid (const char *group,
                const char *key,
                const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (mar_config_check_value (group, key, value, &error));
  g_assert_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID);
  g_test_message ("%s", error->message);
}

static void
assert_valid (const char *group,
              const char *key,
              const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_config_check_value (group, key, value, &error));
  g_assert_no_error (error);
}

static void
test_check_values (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->folder, "missing.pem", NULL);

  assert_valid ("server", "url", "https://fhir.example.org/r4");
  assert_invalid ("server", "url", "http://fhir.example.org/r4");
  assert_invalid ("server", "url", "fhir.example.org");
  assert_invalid ("server", "token-url", "ftp://auth.example.org/token");
  assert_valid ("server", "ca-file", f->ca);
  assert_invalid ("server", "ca-file", missing);
  assert_invalid ("server", "client-cert", "relative/cert.pem");
  assert_invalid ("server", "ca-file", f->folder);
  assert_valid ("server", "pin", "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=");
  assert_valid ("server", "pin", "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=;"
                                 "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  assert_invalid ("server", "pin", "YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=");
  assert_invalid ("server", "pin", "sha256//short=");
  assert_valid ("sync", "interval", "60");
  assert_invalid ("sync", "interval", "5");
  assert_invalid ("sync", "interval", "86401");
  assert_invalid ("sync", "interval", "one minute");
  assert_valid ("unit", "location", "loc-4w");
  assert_invalid ("unit", "location", "4 West");
  assert_invalid ("unit", "time-zone", "Mars/Olympus");
  assert_invalid ("server", "url", "https://a.example.org/\n[server]\nurl=https://evil");
  /* Removal is always allowed: the default applies. */
  assert_valid ("server", "url", "");
  assert_valid ("sync", "interval", NULL);
}

static void
test_save_keeps_comments_and_loads (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarConfig) config = NULL;
  g_autofree char *text = NULL;
  g_autofree char *url = NULL;
  g_autofree char *zone = NULL;
  const MarConfigChange changes[] = {
    { "server", "url", "https://fhir.example.org/r4" },
    { "server", "ca-file", f->ca },
    { "sync", "interval", "120" },
    { "unit", "location", NULL },
  };

  g_assert_true (g_file_set_contents (f->path,
                                      "# Terminal 4W-07, set up by IT\n"
                                      "[unit]\n"
                                      "# The unit's zone\n"
                                      "time-zone=America/New_York\n"
                                      "location=old-unit\n", -1, NULL));
  g_chmod (f->path, 0644);

  g_assert_true (mar_config_save_changes (f->path, changes, G_N_ELEMENTS (changes), &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# Terminal 4W-07, set up by IT"));
  g_assert_nonnull (strstr (text, "# The unit's zone"));
  g_assert_null (strstr (text, "old-unit"));
  g_assert_cmpuint (file_mode (f->path), ==, 0644);

  config = mar_config_load (f->path, &error);
  g_assert_no_error (error);
  url = mar_config_dup_string (config, "server", "url");
  zone = mar_config_dup_string (config, "unit", "time-zone");
  g_assert_cmpstr (url, ==, "https://fhir.example.org/r4");
  g_assert_cmpstr (zone, ==, "America/New_York");
  g_assert_cmpint (mar_config_get_int (config, "sync", "interval", 0), ==, 120);
  g_assert_null (mar_config_dup_string (config, "unit", "location"));
}

static void
test_save_invalid_writes_nothing (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  const MarConfigChange changes[] = {
    { "sync", "interval", "90" },
    { "server", "url", "http://plain.example.org" },
  };

  g_assert_true (g_file_set_contents (f->path, "[sync]\ninterval=60\n", -1, NULL));
  before = test_file_bytes (f->path);
  g_assert_false (mar_config_save_changes (f->path, changes, G_N_ELEMENTS (changes), &error));
  g_assert_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_INVALID);
  after = test_file_bytes (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

/* mar-config.c refuses a world-readable file that names a secret and any
 * world-writable file: a saved file must load again. */
static void
test_save_secret_not_world_readable (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarConfig) config = NULL;
  g_autofree char *token = g_build_filename (f->folder, "token", NULL);
  const MarConfigChange changes[] = {
    { "server", "token-file", token },
  };

  g_assert_true (g_file_set_contents (token, "secret", -1, NULL));
  g_assert_true (g_file_set_contents (f->path, "[sync]\ninterval=60\n", -1, NULL));
  g_chmod (f->path, 0666);

  g_assert_true (mar_config_save_changes (f->path, changes, G_N_ELEMENTS (changes), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (f->path), ==, 0640);
  config = mar_config_load (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
}

static void
test_save_new_file_and_unwritable (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nested = g_build_filename (f->folder, "etc", "bedside-mar.conf", NULL);
  g_autofree char *locked = g_build_filename (f->folder, "locked", NULL);
  g_autofree char *locked_file = g_build_filename (locked, "bedside-mar.conf", NULL);
  const MarConfigChange changes[] = {
    { "sync", "interval", "300" },
  };

  g_assert_true (mar_config_save_changes (nested, changes, G_N_ELEMENTS (changes), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (nested), ==, 0644);

  /* Under a regular file (ENOTDIR, whoever runs it). */
  {
    g_autofree char *plain = g_build_filename (f->folder, "plain-file", NULL);
    g_autofree char *under_file = g_build_filename (plain, "bedside-mar.conf", NULL);

    g_assert_true (g_file_set_contents (plain, "not a folder", -1, NULL));
    g_assert_false (mar_config_save_changes (under_file, changes, G_N_ELEMENTS (changes), &error));
    g_assert_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_WRITE);
    g_clear_error (&error);
  }

  /* A folder without write permission (root writes anywhere). */
  if (geteuid () == 0)
    return;
  g_assert_cmpint (g_mkdir (locked, 0500), ==, 0);
  g_assert_false (mar_config_save_changes (locked_file, changes, G_N_ELEMENTS (changes), &error));
  g_assert_error (error, MAR_CONFIG_ERROR, MAR_CONFIG_ERROR_WRITE);
  g_test_message ("%s", error->message);
  g_chmod (locked, 0700);
}

static void
test_save_path (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarConfig) config = NULL;
  g_autofree char *save_path = NULL;

  g_assert_true (g_file_set_contents (f->path, "[sync]\ninterval=60\n", -1, NULL));
  config = mar_config_load (f->path, &error);
  g_assert_no_error (error);
  save_path = mar_config_dup_save_path (config);
  g_assert_cmpstr (save_path, ==, f->path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/config/check-values", test_check_values);
  ADD ("/core/config/save/keeps-comments-and-loads", test_save_keeps_comments_and_loads);
  ADD ("/core/config/save/invalid-writes-nothing", test_save_invalid_writes_nothing);
  ADD ("/core/config/save/secret-not-world-readable", test_save_secret_not_world_readable);
  ADD ("/core/config/save/new-file-and-unwritable", test_save_new_file_and_unwritable);
  ADD ("/core/config/save/path", test_save_path);
#undef ADD

  return g_test_run ();
}
