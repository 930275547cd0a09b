/* test-marctl.c — marctl as scripts and IT use it: output, exit status, bad input
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the installed-shape marctl binary (MARCTL) in a child process with
 * its own database and configuration, as a script would: the contract is
 * the exit status (0 pass, 3 warn, 4 block; sysexits only for usage,
 * configuration and database errors) and exactly one JSON object on
 * standard output for `verify --json`, whatever the scans are.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <sys/stat.h>

#define ANCHOR "2026-01-15T10:00:00-05:00"
#define DEMO_PATIENT "74120318"
#define DEMO_PRODUCT "(01)00614141100101(17)301231(10)NS6021(21)S01"

typedef struct
{
  char *folder;
  char *db;
  char *config;
} Fixture;

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

static char **
child_env (const Fixture *f)
{
  char **env = g_get_environ ();

  env = g_environ_setenv (env, "TZ", "America/New_York", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "BEDSIDE_MAR_CONFIG", f->config, TRUE);
  env = g_environ_unsetenv (env, "BEDSIDE_MAR_DB");
  return env;
}

/* Runs marctl with @args (NULL-terminated) after "--db DB". */
static void
run_marctl (const Fixture *f,
            Run           *run,
            const char    *first,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = child_env (f);
  g_autoptr(GError) error = NULL;
  const char *marctl = g_getenv ("MARCTL");
  int wait_status;
  va_list args;

  g_assert_nonnull (marctl);
  g_ptr_array_add (argv, (char *) marctl);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->folder = g_dir_make_tmp ("marctl-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->folder, "mar.db", NULL);
  f->config = g_build_filename (f->folder, "bedside-mar.conf", NULL);
  g_assert_true (g_file_set_contents (f->config, "[unit]\ntime-zone=America/New_York\n", -1, &error));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->folder, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_rmdir (path);
      else
        g_unlink (path);
    }
  g_rmdir (f->folder);
  g_free (f->folder);
  g_free (f->db);
  g_free (f->config);
}

static void
import_demo (Fixture *f)
{
  g_auto(Run) run = { 0 };
  g_autofree char *bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "demo-ward.json", NULL);

  run_marctl (f, &run, "import", "--at", "2026-01-15T09:59:00-05:00", bundle, NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
}

/* Parses stdout: exactly one JSON object. */
static JsonObject *
one_object (const Run *run)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static const char *
first_code (JsonObject *result)
{
  JsonArray *findings = json_object_get_array_member (result, "findings");

  if (json_array_get_length (findings) == 0)
    return NULL;
  return json_object_get_string_member (json_array_get_object_element (findings, 0), "code");
}

static void
assert_verdict_shape (JsonObject *result)
{
  static const char * const keys[] = { "verdict", "patient", "order", "product", "findings", "requires" };
  JsonArray *findings;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (result, keys[i]));
  findings = json_object_get_array_member (result, "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);
      const char *right = json_object_get_string_member (finding, "right");
      const char *severity = json_object_get_string_member (finding, "severity");
      const char * const rights[] = { "patient", "drug", "dose", "route", "time", "other", NULL };
      const char * const severities[] = { "info", "warn", "block", NULL };

      g_assert_true (g_strv_contains (rights, right));
      g_assert_true (g_strv_contains (severities, severity));
      g_assert_nonnull (json_object_get_string_member (finding, "code"));
      g_assert_cmpstr (json_object_get_string_member (finding, "message"), !=, "");
    }
}

static void
test_verify_pass_warn_block (Fixture       *f,
                             gconstpointer  data)
{
  import_demo (f);

  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) result = NULL;

    run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", DEMO_PATIENT,
                "--product", DEMO_PRODUCT, NULL);
    g_assert_cmpint (run.status, ==, 0);
    result = one_object (&run);
    assert_verdict_shape (result);
    g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "pass");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "patient"), "mrn"),
                     ==, DEMO_PATIENT);
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) result = NULL;

    /* S37: a scheduled dose scanned before its window. */
    run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", "74121035",
                "--product", "(01)00614141204106(17)301231(10)PT7730(21)S37", NULL);
    g_assert_cmpint (run.status, ==, 3);
    result = one_object (&run);
    g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "warn");
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) result = NULL;

    /* A wristband where the bag should be. */
    run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", DEMO_PATIENT,
                "--product", "74120467", NULL);
    g_assert_cmpint (run.status, ==, 4);
    result = one_object (&run);
    g_assert_cmpstr (first_code (result), ==, "WRONG_BARCODE_KIND");
  }
  {
    g_auto(Run) run = { 0 };

    /* The text form for people says the same in words. */
    run_marctl (f, &run, "verify", "--at", ANCHOR, "--patient", DEMO_PATIENT,
                "--product", "74120467", NULL);
    g_assert_cmpint (run.status, ==, 4);
    g_assert_nonnull (strstr (run.out, "STOP"));
    g_assert_nonnull (strstr (run.out, "WRONG_BARCODE_KIND"));
  }
}

/* RULES.md, BARCODE_INVALID: an unreadable scan is still a verdict (exit 4,
 * one JSON object), never a sysexit. */
static void
test_verify_unreadable_scans (Fixture       *f,
                              gconstpointer  data)
{
  static const char * const products[] = {
    "",                                                   /* empty */
    "(01)00614141100102(17)301231",                       /* check digit */
    "(01)00614141100101(17)261332",                       /* month 13 */
    "]d2010061414110010117",                              /* truncated */
    "\377\3760061",                                      /* not UTF-8 */
    "(99",                                                /* malformed brackets */
  };

  import_demo (f);
  for (guint i = 0; i < G_N_ELEMENTS (products); i++)
    {
      g_auto(Run) run = { 0 };
      g_autoptr(JsonObject) result = NULL;

      run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", DEMO_PATIENT,
                  "--product", products[i], NULL);
      g_assert_cmpint (run.status, ==, 4);
      result = one_object (&run);
      assert_verdict_shape (result);
      g_assert_cmpstr (json_object_get_string_member (result, "verdict"), ==, "block");
      g_assert_cmpstr (first_code (result), ==, "BARCODE_INVALID");
      g_assert_true (json_object_get_null_member (result, "product"));
    }

  /* The GS separator typed as \x1d on a command line. */
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", DEMO_PATIENT,
                "--product", "]d201006141411001011730123110NS6021\\x1d21S01", NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  struct { const char *args[6]; } cases[] = {
    { { "verify", "--patient", DEMO_PATIENT, NULL } },            /* no --product */
    { { "verify", "--patient", "x", "--product", "y", NULL } },  /* (valid; replaced below) */
    { { "frobnicate", NULL } },
    { { "verify", "--bogus", NULL } },
    { { "import", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      if (i == 1)
        run_marctl (f, &run, "verify", "--patient", "x", "--product", "y", "--at", "yesterday", NULL);
      else
        run_marctl (f, &run, cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3], NULL);
      g_assert_cmpint (run.status, ==, 64);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_cmpstr (run.err, !=, "");
    }
}

/* A database that is not ours, or from a newer version: a specific error,
 * a sysexit, and the file untouched. */
static void
test_database_errors (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  g_assert_true (g_file_set_contents (f->db, "this is not a database, it is a shopping list\n", -1, &error));
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "verify", "--json", "--patient", DEMO_PATIENT, "--product", DEMO_PRODUCT, NULL);
    g_assert_cmpint (run.status, >=, 64);
    g_assert_cmpint (run.status, <=, 78);
    g_assert_cmpstr (run.out, ==, "");
    g_assert_nonnull (strstr (run.err, f->db));
  }

  /* Newer schema. */
  g_unlink (f->db);
  import_demo (f);
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  g_assert_true (g_file_get_contents (f->db, &before, &before_len, &error));
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "verify", "--json", "--patient", DEMO_PATIENT, "--product", DEMO_PRODUCT, NULL);
    g_assert_cmpint (run.status, ==, 65);
    g_assert_nonnull (strstr (run.err, "newer"));
  }
  g_assert_true (g_file_get_contents (f->db, &after, &after_len, &error));
  g_assert_cmpmem (before, before_len, after, after_len);
}

static void
test_import_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = g_build_filename (f->folder, "bad.json", NULL);
  g_autofree char *missing = g_build_filename (f->folder, "missing.json", NULL);

  import_demo (f);
  g_assert_true (g_file_set_contents (bad,
    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"new-one\"}},"
    "{\"resource\":{\"resourceType\":\"MedicationRequest\",\"id\":\"mr-x\",\"status\":\"active\","
    "\"intent\":\"order\",\"subject\":{\"reference\":\"Patient/new-one\"},"
    "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"11124\"}]},"
    "\"dosageInstruction\":[{\"doseAndRate\":[{\"doseQuantity\":{\"value\":\"five\"}}]}]}}]}",
    -1, &error));
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "import", bad, NULL);
    g_assert_cmpint (run.status, ==, 65);
    /* The error names the entry and the field. */
    g_assert_nonnull (strstr (run.err, "entry[1]"));
    g_assert_nonnull (strstr (run.err, "doseQuantity.value"));
  }
  {
    g_auto(Run) run = { 0 };

    /* All or nothing: the valid Patient of the same file is not there. */
    run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", "new-one",
                "--product", DEMO_PRODUCT, NULL);
    g_assert_cmpint (run.status, ==, 4);
  }
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "import", missing, NULL);
    g_assert_cmpint (run.status, ==, 66);
  }
}

static char *
library_variant (Fixture    *f,
                 const char *name,
                 const char *from,
                 const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "data", "drug-library.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) edited = NULL;
  char *path = g_build_filename (f->folder, name, NULL);

  g_assert_true (g_file_get_contents (source, &text, NULL, &error));
  edited = g_string_new (text);
  g_assert_cmpuint (g_string_replace (edited, from, to, 1), ==, 1);
  g_assert_true (g_file_set_contents (path, edited->str, -1, &error));
  return path;
}

static const char *
library_version (Fixture *f)
{
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) result = NULL;
  static char version[64];

  run_marctl (f, &run, "library", "show", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  result = one_object (&run);
  g_strlcpy (version, json_object_get_string_member (result, "version"), sizeof version);
  return version;
}

/* Issue 3: an invalid drug library is refused with a clear error and the
 * previous one stays in force. */
static void
test_library_install (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *invalid = library_variant (f, "invalid.json", "\"weight_max_age_days\": 30",
                                              "\"weight_max_age_days\": -3");
  g_autofree char *newer = library_variant (f, "newer.json", "\"library_version\": \"2026.2\"",
                                            "\"library_version\": \"2026.3-site\"");

  import_demo (f);
  g_assert_cmpstr (library_version (f), ==, "2026.2");

  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "library", "install", invalid, NULL);
    g_assert_cmpint (run.status, ==, 65);
    g_assert_nonnull (strstr (run.err, "weight_max_age_days"));
  }
  g_assert_cmpstr (library_version (f), ==, "2026.2");

  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "library", "install", newer, NULL);
    g_assert_cmpint (run.status, ==, 0);
  }
  g_assert_cmpstr (library_version (f), ==, "2026.3-site");

  /* Each verdict names the library it was given under. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) result = NULL;

    run_marctl (f, &run, "verify", "--json", "--at", ANCHOR, "--patient", DEMO_PATIENT,
                "--product", DEMO_PRODUCT, NULL);
    result = one_object (&run);
    g_assert_cmpstr (json_object_get_string_member (result, "drug_library"), ==, "2026.3-site");
  }
}

/* Issue 5: every label the project prints decodes back to its payload,
 * here through the whole chain a newcomer uses: marctl labels → paper
 * (a PDF page rendered by poppler) → marctl decode (the isolated worker) →
 * the payload parser → the cache. */
static void
test_labels_decode_back (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->folder, "labels.pdf", NULL);
  g_autofree char *png_prefix = g_build_filename (f->folder, "page", NULL);
  g_autofree char *png = g_build_filename (f->folder, "page-1.png", NULL);
  g_autofree char *crop_prefix = g_build_filename (f->folder, "band", NULL);
  g_autofree char *band = g_build_filename (f->folder, "band-1.png", NULL);
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  int wait_status;

  if (pdftoppm == NULL)
    {
      g_test_fail_printf ("pdftoppm (poppler-utils) is missing: run tools/install-deps");
      return;
    }

  import_demo (f);
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "labels", "--out", pdf, "--at", ANCHOR, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "labels on"));
  }

  /* The first page at 200 dpi, and the first wristband alone, as a nurse
   * scans it (a page of 18 symbols at once is harder than any bedside
   * scan: not every one of them is found in one pass). */
  {
    const char *argv[] = { pdftoppm, "-r", "200", "-f", "1", "-l", "1", "-png", pdf, png_prefix, NULL };
    const char *crop[] = { pdftoppm, "-r", "200", "-f", "1", "-l", "1", "-x", "0", "-y", "40",
                           "-W", "1654", "-H", "220", "-png", pdf, crop_prefix, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    g_spawn_sync (NULL, (char **) crop, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  }

  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) result = NULL;
    JsonArray *barcodes;

    run_marctl (f, &run, "decode", "--at", ANCHOR, png, NULL);
    g_assert_cmpint (run.status, ==, 0);
    result = one_object (&run);
    barcodes = json_object_get_array_member (result, "barcodes");
    g_assert_cmpuint (json_array_get_length (barcodes), >=, 7);
    for (guint i = 0; i < json_array_get_length (barcodes); i++)
      {
        JsonObject *meaning = json_object_get_object_member (json_array_get_object_element (barcodes, i), "meaning");

        g_assert_cmpstr (json_object_get_string_member (meaning, "kind"), ==, "wristband");
      }
  }
  {
    g_auto(Run) run = { 0 };
    g_autoptr(JsonObject) result = NULL;
    JsonArray *barcodes;
    gboolean found_mrn = FALSE, found_gsrn = FALSE;

    run_marctl (f, &run, "decode", "--at", ANCHOR, band, NULL);
    g_assert_cmpint (run.status, ==, 0);
    result = one_object (&run);
    barcodes = json_object_get_array_member (result, "barcodes");
    for (guint i = 0; i < json_array_get_length (barcodes); i++)
      {
        JsonObject *barcode = json_array_get_object_element (barcodes, i);
        JsonObject *meaning = json_object_get_object_member (barcode, "meaning");
        const char *payload = json_object_get_string_member (barcode, "payload");

        /* Every wristband on the page is a patient of the cache. */
        g_assert_cmpstr (json_object_get_string_member (meaning, "kind"), ==, "wristband");
        if (g_str_equal (payload, DEMO_PATIENT))
          found_mrn = TRUE;
        if (g_str_equal (payload, "8018061414100741203187"))
          found_gsrn = TRUE;
      }
    g_assert_true (found_mrn);
    g_assert_true (found_gsrn);
  }

  /* A file that is not an image: a clear error, not a crash. */
  {
    g_auto(Run) run = { 0 };

    run_marctl (f, &run, "decode", f->config, NULL);
    g_assert_cmpint (run.status, ==, 65);
    g_assert_cmpstr (run.out, ==, "");
    g_assert_cmpstr (run.err, !=, "");
  }
}

/* Anyone who can write the configuration could point the terminal at
 * another server: refused. */
static void
test_config_world_writable (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Run) run = { 0 };

  g_assert_cmpint (g_chmod (f->config, 0666), ==, 0);
  run_marctl (f, &run, "verify", "--patient", DEMO_PATIENT, "--product", DEMO_PRODUCT, NULL);
  g_assert_cmpint (run.status, ==, 78);
  g_assert_nonnull (strstr (run.err, "writable"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define TEST(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  TEST ("/marctl/verify/pass-warn-block", test_verify_pass_warn_block);
  TEST ("/marctl/verify/unreadable-scans", test_verify_unreadable_scans);
  TEST ("/marctl/usage-errors", test_usage_errors);
  TEST ("/marctl/database-errors", test_database_errors);
  TEST ("/marctl/import-errors", test_import_errors);
  TEST ("/marctl/config-world-writable", test_config_world_writable);
  TEST ("/marctl/library/install", test_library_install);
  TEST ("/marctl/labels/decode-back", test_labels_decode_back);
#undef TEST

  return g_test_run ();
}
