/* test-marctl-record.c — marctl staff, infusion, reaction, site-check, audit as scripts use them
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The contract (docs/record.md): PINs one per line on standard input, never
 * in argv; exit 0 done, 3 a warning without a reason, 4 a block or a
 * refused action, 64 usage, 65 a bad value, 66 no such bag, 77 sign-in;
 * one JSON object on stdout with --json, also when refused.
 */

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "marctl-test-util.h"

#define START(f, run, input, ...) \
  mt_run (f, run, input, "infusion", "start", "--json", "--at", MT_ANCHOR, "--patient", MT_BED1, __VA_ARGS__, NULL)

static void
set_up (MtFixture     *f,
        gconstpointer  data)
{
  mt_fixture_set_up (f);
  mt_demo_ward (f);
}

static void
tear_down (MtFixture     *f,
           gconstpointer  data)
{
  mt_fixture_tear_down (f);
}

static void
test_staff (MtFixture     *f,
            gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) list = NULL;
  JsonArray *staff;
  gboolean seen = FALSE;

  mt_run (f, &run, NULL, "staff", "add", "--badge", "N9001", "--name", "Ines Haverford", "--role", "nurse",
          "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "24681357\n", "staff", "set-pin", "--badge", "N9001", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "12ab\n", "staff", "set-pin", "--badge", "N9001", NULL);
  g_assert_cmpint (run.status, ==, 65);
  mt_run (f, &run, "", "staff", "set-pin", "--badge", "N9001", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "staff", "add", "--badge", "N9002", "--name", "X", "--role", "surgeon", NULL);
  g_assert_cmpint (run.status, ==, 64);
  mt_run (f, &run, NULL, "staff", "add", "--badge", "N1001", "--name", "X", "--role", "nurse", NULL);
  g_assert_cmpint (run.status, ==, 65);

  mt_run (f, &run, NULL, "staff", "list", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  list = mt_object (&run);
  staff = json_object_get_array_member (list, "staff");
  for (guint i = 0; i < json_array_get_length (staff); i++)
    {
      JsonObject *s = json_array_get_object_element (staff, i);

      if (g_str_equal (json_object_get_string_member (s, "badge"), "N9001"))
        {
          seen = TRUE;
          g_assert_true (json_object_get_boolean_member (s, "has_pin"));
          g_assert_true (json_object_get_boolean_member (s, "local"));
          g_assert_cmpstr (json_object_get_string_member (s, "role"), ==, "nurse");
        }
    }
  g_assert_true (seen);
  /* The PIN went nowhere near the output. */
  g_assert_null (strstr (run.out, "24681357"));
}

static void
test_start (MtFixture     *f,
            gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) bag = NULL;

  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--site", "left forearm", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 0);
  bag = mt_object (&run);
  g_assert_cmpint (json_object_get_int_member (bag, "infusion"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (bag, "state"), ==, "infusing");
  g_assert_cmpfloat (json_object_get_double_member (bag, "rate_ml_h"), ==, 75);
  g_assert_cmpstr (json_object_get_string_member (bag, "site"), ==, "left forearm");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (bag, "check"), "verdict"), ==,
                   "pass");
}

static void
test_exit_codes (MtFixture     *f,
                 gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };

  /* A warning without a reason: 3, with what is missing. */
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "90", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 3);
  {
    g_autoptr(JsonObject) refused = mt_object (&run);
    JsonArray *missing = json_object_get_array_member (refused, "missing_overrides");

    g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "override-required");
    g_assert_cmpstr (json_array_get_string_element (missing, 0), ==, "RATE_MISMATCH");
  }
  /* A reason not on the list: 65. */
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "90", "--nurse", "N1001",
         "--override", "RATE_MISMATCH=because");
  g_assert_cmpint (run.status, ==, 65);
  /* High-alert without a witness: 4. */
  START (f, &run, "1234\n", "--product", MT_HEPARIN, "--rate", "12.96", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 4);
  {
    g_autoptr(JsonObject) refused = mt_object (&run);
    g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "blocked");
  }
  /* The performer as witness: 4. */
  START (f, &run, "1234\n1234\n", "--product", MT_HEPARIN, "--rate", "12.96", "--nurse", "N1001",
         "--witness", "N1001");
  g_assert_cmpint (run.status, ==, 4);
  /* The witness's wrong PIN: 77. */
  START (f, &run, "1234\n4321\n", "--product", MT_HEPARIN, "--rate", "12.96", "--nurse", "N1001",
         "--witness", "N1002");
  g_assert_cmpint (run.status, ==, 77);
  /* No PIN at all: 77. */
  START (f, &run, "", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 77);
  /* An inactive member of staff: 77. */
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1007");
  g_assert_cmpint (run.status, ==, 77);
  /* Usage: no --nurse, no --rate. */
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75");
  g_assert_cmpint (run.status, ==, 64);
  START (f, &run, "1234\n", "--product", MT_NACL, "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 64);
  /* A block never goes on (S36's allergy), whatever the override. */
  mt_run (f, &run, "1234\n", "infusion", "start", "--json", "--at", MT_ANCHOR, "--patient", "74120467",
          "--product", "(01)00614141204106(17)301231(10)PT7730(21)S36", "--rate", "100", "--nurse", "N1001",
          "--override", "ALLERGY=provider-aware", NULL);
  g_assert_cmpint (run.status, ==, 4);
  /* No such bag: 66; in the future: 4. */
  mt_run (f, &run, "1234\n", "infusion", "pause", "42", "--reason", "patient-care", "--nurse", "N1001", NULL);
  g_assert_cmpint (run.status, ==, 66);
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "infusion", "pause", "1", "--reason", "patient-care", "--nurse", "N1001",
          "--at", "2099-01-01T00:00", NULL);
  g_assert_cmpint (run.status, ==, 4);
  /* A refused transition: 4. */
  mt_run (f, &run, "1234\n", "infusion", "resume", "1", "--nurse", "N1001", "--json", NULL);
  g_assert_cmpint (run.status, ==, 4);
  {
    g_autoptr(JsonObject) refused = mt_object (&run);
    g_assert_cmpstr (json_object_get_string_member (refused, "error"), ==, "refused-transition");
  }
  /* The bag scanned again while it runs: 4, and the bag to open. */
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 4);
  {
    g_autoptr(JsonObject) refused = mt_object (&run);
    g_assert_cmpint (json_object_get_int_member (refused, "open_infusion"), ==, 1);
  }
}

/* Five wrong PINs lock the badge: then even the right one is refused. */
static void
test_lockout (MtFixture     *f,
              gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };

  for (guint i = 0; i < 5; i++)
    {
      START (f, &run, "0000\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
      g_assert_cmpint (run.status, ==, 77);
    }
  g_assert_nonnull (strstr (run.err, "locked"));
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 77);
  g_assert_nonnull (strstr (run.err, "locked"));
}

static double
volume_of (MtFixture  *f,
           const char *id,
           const char *at)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) bag = NULL;

  mt_run (f, &run, NULL, "infusion", "show", id, "--json", "--at", at, NULL);
  g_assert_cmpint (run.status, ==, 0);
  bag = mt_object (&run);
  return json_object_get_double_member (bag, "volume_infused_ml");
}

/* A bag's life through marctl, and what show says about it. */
static void
test_lifecycle (MtFixture     *f,
                gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) bag = NULL;

  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "infusion", "rate", "1", "--rate", "100", "--reason", "provider-order",
          "--override", "RATE_MISMATCH=provider-order", "--nurse", "N1001", "--at", "2026-01-15T11:00", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "infusion", "pause", "1", "--reason", "patient-care", "--nurse", "N1001",
          "--at", "2026-01-15T12:00", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "infusion", "resume", "1", "--nurse", "N1002", "--at", "2026-01-15T12:30", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "infusion", "bolus", "1", "--volume", "50", "--nurse", "N1001",
          "--at", "2026-01-15T13:00", NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* 75 + 100 + 50 (12:30–13:00) + 50 bolus by 13:00. */
  g_assert_cmpfloat_with_epsilon (volume_of (f, "1", "2026-01-15T13:00"), 275, 1e-9);
  mt_run (f, &run, "1234\n", "infusion", "stop", "1", "--reason", "line-change", "--volume", "280",
          "--nurse", "N1001", "--at", "2026-01-15T13:06", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "infusion", "complete", "1", "--nurse", "N1001", "--at", "2026-01-15T13:10", NULL);
  g_assert_cmpint (run.status, ==, 0);

  mt_run (f, &run, NULL, "infusion", "show", "1", "--json", "--at", "2026-01-15T14:00", NULL);
  g_assert_cmpint (run.status, ==, 0);
  bag = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (bag, "state"), ==, "completed");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bag, "segments")), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (bag, "volume_infused_ml"), 280, 1e-9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bag, "entries")), ==, 7);
  g_assert_cmpint (json_object_get_int_member (bag, "unsynced_entries"), ==, 7);

  /* The completion was documented in error; the bag is stopped again. */
  {
    g_autofree char *last = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (bag, "last_entry"));
    g_autoptr(JsonObject) again = NULL;

    mt_run (f, &run, "1234\n", "infusion", "correct", last, "--reason", "wrong-action", "--nurse", "N1001", NULL);
    g_assert_cmpint (run.status, ==, 0);
    mt_run (f, &run, NULL, "infusion", "show", "1", "--json", NULL);
    again = mt_object (&run);
    g_assert_cmpstr (json_object_get_string_member (again, "state"), ==, "stopped");
  }

  mt_run (f, &run, NULL, "infusion", "list", "--json", "--patient", MT_BED1, "--state", "stopped", NULL);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonObject) list = mt_object (&run);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "infusions")), ==, 1);
  }
}

static void
test_reaction_and_site_check (MtFixture     *f,
                              gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };

  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  mt_run (f, &run, "1234\n", "site-check", "add", "1", "--site", "left forearm", "--nurse", "N1001",
          "--at", "2026-01-15T11:00", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, "1234\n", "reaction", "add", "1", "--kind", "urticaria", "--severity", "sneezy",
          "--nurse", "N1001", "--at", "2026-01-15T11:30", NULL);
  g_assert_cmpint (run.status, ==, 65);
  mt_run (f, &run, "1234\n", "reaction", "add", "1", "--kind", "urticaria", "--severity", "severe",
          "--action", "provider-notified", "--action", "medication-given", "--outcome", "recovering",
          "--nurse", "N1001", "--at", "2026-01-15T11:30", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonObject) bag = mt_object (&run);
    g_assert_cmpstr (json_object_get_string_member (bag, "state"), ==, "stopped");
    g_assert_cmpstr (json_object_get_string_member (bag, "state_reason"), ==, "reaction");
  }
}

static void
test_hold_by_order (MtFixture     *f,
                    gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  g_autoptr(JsonObject) bag = NULL;

  mt_run (f, &run, "1234\n", "infusion", "hold", "--patient", "74121248", "--order", "mr-4w-10-meropenem",
          "--reason", "procedure", "--nurse", "N1001", "--at", MT_ANCHOR, "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  bag = mt_object (&run);
  g_assert_cmpstr (json_object_get_string_member (bag, "state"), ==, "held");
}

/* Unable to scan: the damaged wristband replaced by the typed MRN. */
static void
test_unable_to_scan (MtFixture     *f,
                     gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };

  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001",
         "--unable-to-scan", "patient=damaged-wristband", "--confirm-name", "Okonkwo-Fairweather");
  g_assert_cmpint (run.status, ==, 4);
  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001",
         "--unable-to-scan", "patient=damaged-wristband", "--confirm-name", "Okonkwo-Fairweather",
         "--confirm-birth-date", "1958-03-14");
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_audit_verify (MtFixture     *f,
                   gconstpointer  data)
{
  g_auto(MtRun) run = { 0 };
  sqlite3 *db = NULL;

  START (f, &run, "1234\n", "--product", MT_NACL, "--rate", "75", "--nurse", "N1001");
  mt_run (f, &run, NULL, "audit", "verify", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  {
    g_autoptr(JsonObject) report = mt_object (&run);
    g_assert_true (json_object_get_boolean_member (report, "intact"));
    g_assert_cmpint (json_object_get_int_member (report, "entries"), ==, 5);
  }

  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER record_entries_no_update; "
                                     "UPDATE record_entries SET at = at + 60 WHERE seq = 3", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  mt_run (f, &run, NULL, "audit", "verify", NULL);
  g_assert_cmpint (run.status, ==, 65);
  g_assert_nonnull (strstr (run.err, "first bad entry 3"));
}

/* tools/demo-setup-staff gives every demo badge its documented PIN. */
static void
test_demo_setup_staff (MtFixture     *f,
                       gconstpointer  data)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "tools", "demo-setup-staff", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = mt_environment (f);
  g_auto(MtRun) run = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *argv[] = { script, f->db, NULL };
  int wait_status;

  env = g_environ_setenv (env, "MARCTL", g_getenv ("MARCTL"), TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, &error));

  mt_run (f, &run, "2468\n", "infusion", "start", "--json", "--at", MT_ANCHOR, "--patient", MT_BED1,
          "--product", MT_NACL, "--rate", "75", "--nurse", "C2001", NULL);
  g_assert_cmpint (run.status, ==, 0);
  mt_run (f, &run, NULL, "staff", "list", "--json", NULL);
  {
    g_autoptr(JsonObject) list = mt_object (&run);
    JsonArray *staff = json_object_get_array_member (list, "staff");

    for (guint i = 0; i < json_array_get_length (staff); i++)
      g_assert_true (json_object_get_boolean_member (json_array_get_object_element (staff, i), "has_pin"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, MtFixture, NULL, set_up, fn, tear_down)
  ADD ("/marctl/record/staff", test_staff);
  ADD ("/marctl/record/start", test_start);
  ADD ("/marctl/record/exit-codes", test_exit_codes);
  ADD ("/marctl/record/lockout", test_lockout);
  ADD ("/marctl/record/lifecycle", test_lifecycle);
  ADD ("/marctl/record/reaction-and-site-check", test_reaction_and_site_check);
  ADD ("/marctl/record/hold-by-order", test_hold_by_order);
  ADD ("/marctl/record/unable-to-scan", test_unable_to_scan);
  ADD ("/marctl/record/audit-verify", test_audit_verify);
  ADD ("/marctl/record/demo-setup-staff", test_demo_setup_staff);
#undef ADD

  return g_test_run ();
}
