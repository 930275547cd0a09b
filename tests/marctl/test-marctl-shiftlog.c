/* test-marctl-shiftlog.c — marctl shiftlog, sign-off, note and report as scripts use them
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/shift-log.md: text, CSV, PDF and JSON of the shift log and each
 * report; the charge nurse's sign-off and review notes with the PIN on
 * standard input, recorded in the audit chain; exit codes as the record's
 * commands have them (64 usage, 65 a value not allowed, 66 no such unit or
 * event, 77 sign-in or not allowed).
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "marctl-test-util.h"

#define DAY "--unit", "loc-4w", "--date", "2026-01-15", "--shift", "day"

/* The record entry of the bag each test starts with ("entry:N"), and its
 * number alone. */
static char start_key[32];
static char start_number[32];

static void
set_up (MtFixture     *f,
        gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) bag = NULL;

  mt_fixture_set_up (f);
  mt_demo_ward (f);
  /* A bag started at 10:00 by N1001. */
  mt_run (f, &run, "1234\n", "infusion", "start", "--at", MT_ANCHOR, "--patient", MT_BED1, "--product", MT_NACL,
          "--rate", "75", "--nurse", "N1001", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  bag = mt_object (&run);
  g_snprintf (start_number, sizeof start_number, "%" G_GINT64_FORMAT, json_object_get_int_member (bag, "last_entry"));
  g_snprintf (start_key, sizeof start_key, "entry:%s", start_number);
}

static void
tear_down (MtFixture     *f,
           gconstpointer  data)
{
  mt_fixture_tear_down (f);
}

static JsonObject *
event_with_key (JsonObject *log,
                const char *key)
{
  JsonArray *events = json_object_get_array_member (log, "events");

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *e = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member (e, "key"), key) == 0)
        return e;
    }
  return NULL;
}

static void
test_view (MtFixture     *f,
           gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) log = NULL;
  g_autofree char *csv_path = g_build_filename (f->folder, "day.csv", NULL);
  g_autofree char *csv = NULL;
  JsonObject *start, *shift;
  JsonArray *flags;
  gboolean pulled = FALSE;

  mt_run (f, &run, NULL, "shiftlog", DAY, "--at", "2026-01-15T12:00", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  log = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (log, "unit"), "id"), ==, "loc-4w");
  shift = json_object_get_object_member (log, "shift");
  g_assert_cmpstr (json_object_get_string_member (shift, "start"), ==, "2026-01-15T07:00:00-05:00");
  g_assert_cmpint (json_object_get_int_member (shift, "hours"), ==, 12);
  g_assert_true (json_object_get_null_member (log, "sign_off"));
  start = event_with_key (log, start_key);
  g_assert_nonnull (start);
  g_assert_cmpstr (json_object_get_string_member (start, "action"), ==, "infusion-started");
  g_assert_cmpstr (json_object_get_string_member (start, "time"), ==, "2026-01-15T10:00:00-05:00");
  g_assert_cmpstr (json_object_get_string_member (start, "bed"), ==, "4W-01");
  g_assert_cmpstr (json_object_get_string_member (start, "nurse"), ==, "Grace Adeyemi-Holt");
  g_assert_cmpfloat (json_object_get_double_member (start, "rate_ml_h"), ==, 75);
  flags = json_object_get_array_member (start, "flags");
  /* Documented now for 10:00 on 15 January: late documentation. */
  g_assert_cmpuint (json_array_get_length (flags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (flags, 0), ==, "late-entry");
  g_assert_cmpstr (json_array_get_string_element (flags, 1), ==, "unsynced");
  for (guint i = 0; i < json_array_get_length (json_object_get_array_member (log, "events")); i++)
    {
      JsonObject *e = json_array_get_object_element (json_object_get_array_member (log, "events"), i);

      if (g_str_equal (json_object_get_string_member (e, "kind"), "pulled"))
        {
          pulled = TRUE;
          g_assert_cmpstr (json_object_get_string_member (e, "source"), ==, "urn:bedside-mar:terminal:4W-CART-2");
        }
    }
  g_assert_true (pulled);

  /* Text, by the unit's name. */
  mt_run (f, &run, NULL, "shiftlog", "--unit", "4 West — Medical/Surgical", "--date", "2026-01-15", "--shift", "day",
          "--at", "2026-01-15T12:00", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Shift log — 4 West — Medical/Surgical\n"
                                            "Day shift, Thursday 15 January 2026, 07:00–19:00\nPrinted "));
  g_assert_nonnull (strstr (run.out, "OKONKWO-FAIRWEATHER, Amara"));

  /* CSV, to a file and to standard output. */
  mt_run (f, &run, NULL, "shiftlog", DAY, "--at", "2026-01-15T12:00", "--format", "csv", "-o", csv_path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "No.,Time,Bed,Patient,Medication,Action,Rate,Volume,Nurse,Witness,Flags,Details\r\n"));
  {
    g_autofree char *row = g_strdup_printf ("\r\n%s,2026-01-15T10:00:00-05:00,4W-01,\"OKONKWO-FAIRWEATHER, Amara\",",
                                            start_number);
    g_assert_nonnull (strstr (csv, row));
  }
  mt_run (f, &run, NULL, "shiftlog", DAY, "--at", "2026-01-15T12:00", "--format", "csv", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, csv);

  /* Without --date and --shift: the shift --at falls in; the unit from
   * the configuration. */
  g_assert_true (g_file_set_contents (f->config, "[unit]\ntime-zone=America/New_York\nlocation=loc-4w\n", -1, NULL));
  mt_run (f, &run, NULL, "shiftlog", "--at", "2026-01-15T20:00", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonObject) night = mt_object (&run);

    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (night, "shift"), "name"), ==, "night");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (night, "shift"), "date"), ==,
                     "2026-01-15");
  }
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_pdf (MtFixture     *f,
          gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autofree char *path = g_build_filename (f->folder, "day.pdf", NULL);
  g_autofree char *text = NULL;

  mt_run (f, &run, NULL, "shiftlog", DAY, "--at", "2026-01-15T12:00", "--format", "pdf", "-o", path,
          "--paper", "letter", NULL);
  g_assert_cmpint (run.status, ==, 0);
  text = pdf_text (path);
  g_assert_nonnull (strstr (text, "4 West — Medical/Surgical"));
  g_assert_nonnull (strstr (text, "Day shift, Thursday 15 January 2026, 07:00–19:00"));
  g_assert_nonnull (strstr (text, "Page 1 of"));
  g_assert_nonnull (strstr (text, "Printed "));

  g_clear_pointer (&text, g_free);
  mt_run (f, &run, NULL, "report", "missed", DAY, "--at", "2026-01-15T12:00", "--format", "pdf", "-o", path, NULL);
  g_assert_cmpint (run.status, ==, 0);
  text = pdf_text (path);
  g_assert_nonnull (strstr (text, "Missed medications"));

  /* A PDF goes to a file; a paper we do not know. */
  mt_run (f, &run, NULL, "shiftlog", DAY, "--format", "pdf", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "shiftlog", DAY, "--format", "pdf", "-o", path, "--paper", "b5", NULL);
  g_assert_cmpint (run.status, ==, 64);
}

static void
test_usage (MtFixture     *f,
            gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };

  mt_run (f, &run, NULL, "shiftlog", "--unit", "9 North", "--date", "2026-01-15", "--shift", "day", NULL);
  g_assert_cmpint (run.status, ==, 66);
  g_assert_nonnull (strstr (run.err, "9 North"));
  mt_run (f, &run, NULL, "shiftlog", "--unit", "loc-4w", "--date", "2026-01-15", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "shiftlog", "--unit", "loc-4w", "--date", "15/01/2026", "--shift", "day", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "shiftlog", "--unit", "loc-4w", "--date", "2026-01-15", "--shift", "evening", NULL);
  g_assert_cmpint (run.status, ==, 64);
  g_assert_nonnull (strstr (run.err, "day, night"));
  mt_run (f, &run, NULL, "shiftlog", DAY, "--format", "xlsx", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "shiftlog", "--date", "2026-01-15", "--shift", "day", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "report", "everything", DAY, NULL);
  g_assert_cmpint (run.status, ==, 64);

  /* A malformed shift plan is a configuration error. */
  g_assert_true (g_file_set_contents (f->config, "[unit]\ntime-zone=America/New_York\n"
                                                 "[shifts]\nnames=day;night\nday=07:00-19:00\nnight=20:00-07:00\n",
                                      -1, NULL));
  mt_run (f, &run, NULL, "shiftlog", DAY, NULL);
  g_assert_cmpint (run.status, ==, 78);
}

static void
test_reports (MtFixture     *f,
              gconstpointer  data)
{
  const char *kinds[] = { "missed", "variance", "unable-to-scan", "bags", "reactions", "intake" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_auto(MtRun) run = { 0 };
      g_autoptr(JsonObject) report = NULL;

      mt_run (f, &run, NULL, "report", kinds[i], DAY, "--at", "2026-01-15T12:00", "--json", NULL);
      g_assert_cmpint (run.status, ==, 0);
      report = mt_object (&run);
      g_assert_cmpstr (json_object_get_string_member (report, "report"), ==, kinds[i]);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (report, "shift"), "date"), ==,
                       "2026-01-15");
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "tables")), >=, 1);

      mt_run (f, &run, NULL, "report", kinds[i], DAY, "--at", "2026-01-15T12:00", "--format", "csv", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, "\r\n"));
    }
  {
    g_auto(MtRun) run = { 0 };
    g_autoptr(JsonObject) report = NULL;
    JsonArray *rows;

    mt_run (f, &run, NULL, "report", "bags", DAY, "--at", "2026-01-15T12:00", "--json", NULL);
    report = mt_object (&run);
    rows = json_object_get_array_member (json_array_get_object_element (json_object_get_array_member (report, "tables"), 0),
                                         "rows");
    g_assert_cmpuint (json_array_get_length (rows), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "state"), ==, "infusing");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "volume_in_shift"), ==,
                     "150");
  }
}

static void
test_sign_off (MtFixture     *f,
               gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) signed_off = NULL;
  g_autoptr(JsonObject) log = NULL;

  /* A nurse may not; a wrong PIN is a failed sign-in. */
  mt_run (f, &run, "1234\n", "shiftlog", "sign-off", DAY, "--nurse", "N1001", NULL);
  g_assert_cmpint (run.status, ==, 77);
  mt_run (f, &run, "9999\n", "shiftlog", "sign-off", DAY, "--nurse", "C2001", NULL);
  g_assert_cmpint (run.status, ==, 77);
  mt_run (f, &run, "1234\n", "shiftlog", "sign-off", "--unit", "loc-4w", "--date", "2026-01-15", "--shift", "day", NULL);
  g_assert_cmpint (run.status, ==, 64);

  mt_run (f, &run, "1234\n", "shiftlog", "sign-off", DAY, "--nurse", "C2001", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  signed_off = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (signed_off, "by_name"), ==, "Beatrice Nakamura-Olsen");
  g_assert_cmpstr (json_object_get_string_member (signed_off, "shift"), ==, "day");
  g_assert_cmpint (json_object_get_int_member (signed_off, "entry"), >, g_ascii_strtoll (start_number, NULL, 10));
  g_assert_null (strstr (run.out, "1234"));

  mt_run (f, &run, NULL, "audit", "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "shiftlog", "sign-off", DAY, "--nurse", "C2001", NULL);
  g_assert_cmpint (run.status, ==, 65);
  g_assert_nonnull (strstr (run.err, "Beatrice Nakamura-Olsen"));

  mt_run (f, &run, NULL, "shiftlog", DAY, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  log = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (log, "sign_off"), "by_name"), ==,
                   "Beatrice Nakamura-Olsen");
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (log, "sign_off"), "changed_since"));
  mt_run (f, &run, NULL, "shiftlog", DAY, NULL);
  g_assert_nonnull (strstr (run.out, "\nSigned off by Beatrice Nakamura-Olsen at "));
}

static void
test_note (MtFixture     *f,
           gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) note = NULL;
  g_autoptr(JsonObject) log = NULL;
  JsonArray *notes;

  mt_run (f, &run, "1234\n", "shiftlog", "note", start_number, "--nurse", "C2001", "--text", "Rate checked with pharmacy",
          "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  note = mt_object (&run);
  g_assert_cmpint (json_object_get_int_member (note, "entry"), >, g_ascii_strtoll (start_number, NULL, 10));

  mt_run (f, &run, "1234\n", "shiftlog", "note", start_number, "--nurse", "N1001", "--text", "x", NULL);
  g_assert_cmpint (run.status, ==, 77);
  mt_run (f, &run, "1234\n", "shiftlog", "note", "entry:999", "--nurse", "C2001", "--text", "x", NULL);
  g_assert_cmpint (run.status, ==, 66);
  mt_run (f, &run, "1234\n", "shiftlog", "note", start_number, "--nurse", "C2001", "--text", " ", NULL);
  g_assert_cmpint (run.status, ==, 65);
  mt_run (f, &run, "1234\n", "shiftlog", "note", start_number, "--nurse", "C2001", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "audit", "verify", NULL);
  g_assert_cmpint (run.status, ==, 0);

  mt_run (f, &run, NULL, "shiftlog", DAY, "--at", "2026-01-15T12:00", "--json", NULL);
  log = mt_object (&run);
  notes = json_object_get_array_member (event_with_key (log, start_key), "notes");
  g_assert_cmpuint (json_array_get_length (notes), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0), "text"), ==,
                   "Rate checked with pharmacy");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (notes, 0), "by_name"), ==,
                   "Beatrice Nakamura-Olsen");
}

/* marctl report downtime (docs/shift-log.md, Downtime printout): as of
 * --at, --hours ahead, in every format; no patient data on stderr. */
static void
test_downtime (MtFixture     *f,
               gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *path = g_build_filename (f->folder, "downtime.pdf", NULL);
  g_autofree char *text = NULL;
  JsonArray *tables;
  JsonObject *bags = NULL;
  guint n_orders = 0;

  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--at", "2026-01-15T10:30", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  report = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (report, "report"), ==, "downtime");
  g_assert_cmpstr (json_object_get_string_member (report, "printed_at"), ==, "2026-01-15T10:30:00-05:00");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (report, "shift"), "end"), ==,
                   "2026-01-15T22:30:00-05:00");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (report, "sign_off"), "Last synced "));
  tables = json_object_get_array_member (report, "tables");
  g_assert_cmpuint (json_array_get_length (tables), ==, 36);
  for (guint t = 0; t < json_array_get_length (tables); t++)
    {
      JsonObject *table = json_array_get_object_element (tables, t);

      if (g_str_equal (json_object_get_string_member (table, "key"), "orders"))
        n_orders += json_array_get_length (json_object_get_array_member (table, "rows"));
      if (bags == NULL && g_str_equal (json_object_get_string_member (table, "key"), "bags"))
        bags = table;
    }
  g_assert_cmpuint (n_orders, ==, 29);
  /* Bed 4W-01: the bag this terminal started at 10:00, 75 mL/h. */
  g_assert_true (g_str_has_prefix (json_object_get_string_member (bags, "group"), "Bed 4W-01 — "));
  {
    JsonObject *bag = json_array_get_object_element (json_object_get_array_member (bags, "rows"), 0);

    g_assert_cmpstr (json_object_get_string_member (bag, "state"), ==, "infusing");
    g_assert_cmpstr (json_object_get_string_member (bag, "rate"), ==, "75");
    g_assert_cmpstr (json_object_get_string_member (bag, "volume"), ==, "38");
    g_assert_cmpstr (json_object_get_string_member (bag, "charted"), ==, "local");
  }

  /* --format json is the same as --json. */
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--at", "2026-01-15T10:30", "--format", "json",
          NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "{"));

  /* Text with --hours: the doses until 14:30 only. */
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--at", "2026-01-15T10:30", "--hours", "4", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Downtime MAR — 4 West — Medical/Surgical\n"));
  g_assert_nonnull (strstr (run.out, "doses due until Thu 2026-01-15 14:30 (4 h)"));
  g_assert_nonnull (strstr (run.out, "ALLERGIES (HIGH RISK): Penicillins"));
  g_assert_null (strstr (run.out, "21:45"));

  /* CSV: one file of every table. */
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--at", "2026-01-15T10:30", "--format", "csv", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "Group,Table,Medication,"));

  /* PDF, Letter. */
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--at", "2026-01-15T10:30", "--format", "pdf",
          "-o", path, "--paper", "letter", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  text = pdf_text (path);
  g_assert_nonnull (strstr (text, "Downtime MAR"));
  g_assert_nonnull (strstr (text, "Last synced "));
  g_assert_nonnull (strstr (text, "HELD: do not give"));
  g_assert_nonnull (strstr (text, "Page 1 of"));

  /* Usage: hours out of range, a stray argument, a PDF without a file,
   * an unknown unit. */
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--hours", "0", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--hours", "73", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "report", "downtime", "now", "--unit", "loc-4w", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "loc-4w", "--format", "pdf", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "report", "downtime", "--unit", "9 North", NULL);
  g_assert_cmpint (run.status, ==, 66);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/marctl/shiftlog/view", MtFixture, NULL, set_up, test_view, tear_down);
  g_test_add ("/marctl/shiftlog/pdf", MtFixture, NULL, set_up, test_pdf, tear_down);
  g_test_add ("/marctl/shiftlog/usage", MtFixture, NULL, set_up, test_usage, tear_down);
  g_test_add ("/marctl/shiftlog/reports", MtFixture, NULL, set_up, test_reports, tear_down);
  g_test_add ("/marctl/shiftlog/sign-off", MtFixture, NULL, set_up, test_sign_off, tear_down);
  g_test_add ("/marctl/shiftlog/note", MtFixture, NULL, set_up, test_note, tear_down);
  g_test_add ("/marctl/report/downtime", MtFixture, NULL, set_up, test_downtime, tear_down);
  return g_test_run ();
}
